import { describe, expect, it } from "vitest";
import type { Sizing } from "../../data/schema.js";
import { opensExposure } from "../../engine/copier/classify.js";
import { type HeldStep, heldGoal } from "../../engine/copier/lostOpenings.js";

const x1: Sizing = { mode: "multiplier", value: 1 };
const fixed1: Sizing = { mode: "fixed", contracts: 1 };
const step = (before: number, after: number, orderId: number, first = true): HeldStep => ({
  leaderContract: "ESZ6",
  others: 0,
  before,
  after,
  orderId,
  first,
});

describe("heldGoal: a line's held leader steps, sized from where the snapshot has the follower", () => {
  const rows: Array<[string, Sizing, number | undefined, HeldStep[], number, number, number[]]> = [
    ["×1 add from the lost opening that stood", x1, undefined, [step(1, 2, 2)], 1, 2, [2]],
    ["×1 add when it did not stand", x1, undefined, [step(1, 2, 2)], 0, 1, [2]],
    ["cap 1 add from 1", x1, 1, [step(1, 2, 2)], 1, 1, []],
    ["cap 1 add from flat", x1, 1, [step(1, 2, 2)], 0, 1, [2]],
    ["fixed: a later fill of its order", fixed1, undefined, [step(1, 2, 1, false)], 1, 1, []],
    ["fixed: a new order", fixed1, undefined, [step(1, 2, 2)], 1, 2, [2]],
    ["add then close", x1, undefined, [step(1, 2, 2), step(2, 0, 3)], 1, 0, [2]],
    ["flip", x1, undefined, [step(1, -1, 4)], 1, -1, [4]],
  ];
  it.each(rows)("%s", (_, sizing, maxContracts, steps, has, goal, orderIds) => {
    expect(heldGoal({ sizing, maxContracts }, { leaderContract: "ESZ6", steps }, has)).toEqual({
      goal,
      orderIds,
    });
  });
});

describe("opensExposure: the way from has to goal opens exposure", () => {
  const rows: Array<[number, number, boolean]> = [
    [0, 1, true],
    [1, 2, true],
    [1, 1, false],
    [2, 1, false],
    [1, 0, false],
    [1, -1, true],
    [-1, -2, true],
    [0, 0, false],
  ];
  it.each(rows)("%i → %i: %s", (has, goal, opens) => expect(opensExposure(has, goal)).toBe(opens));
});
