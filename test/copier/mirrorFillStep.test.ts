/**
 * A follower's fill of its own mirrored order, once its leader's fill was handled: the rule table
 * of engine/copier/mirrorFillStep.ts, row by row (a buy of 2 unless a row says otherwise).
 */
import { describe, expect, it } from "vitest";
import {
  type MirrorFillFacts,
  type MirrorFillStep,
  mirrorFillStep,
} from "../../engine/copier/mirrorFillStep.js";

/** A buy of 2 that answered its leader's fill, leaves the follower long 2, the leader long 2. */
const base: MirrorFillFacts = {
  side: 1,
  qty: 2,
  held: 2,
  leader: 2,
  copied: 0,
  answered: true,
  owed: false,
  paid: false,
  owedFixed: undefined,
  actedLags: false,
  leaderOrderOpen: () => true,
};

const NOTHING: MirrorFillStep = { do: "nothing" };
const exit = (delta: number, why: "double" | "owed"): MirrorFillStep => ({ do: "exit", delta, why });
const resync = (why: "leaderLeft" | "leaderReduced" | "uncounted", uncertain = true): MirrorFillStep => ({
  do: "resync",
  why,
  uncertain,
});

describe("a mirror's own fill after its leader's was handled", () => {
  it.each<[string, Partial<MirrorFillFacts>, MirrorFillStep]>([
    ["answered, the leader still on that side: nothing", {}, NOTHING],
    ["copied 3 while it cancelled: the double back", { copied: 3, answered: false }, exit(-2, "double")],
    ["… only what was copied", { copied: 1, answered: false }, exit(-1, "double")],
    ["… only what it holds", { copied: 3, held: 1, answered: false }, exit(-1, "double")],
    ["… a sell's double is bought back", { side: -1, copied: 2, leader: -2 }, exit(2, "double")],
    ["… holding nothing on that side: nothing", { copied: 3, held: 0 }, NOTHING],
    ["answered, the leader flat", { leader: 0 }, resync("leaderLeft")],
    ["answered, the leader on the other side", { leader: -1 }, resync("leaderLeft")],
    ["answered, holding nothing on that side: nothing", { held: 0, leader: 0 }, NOTHING],
    ["owes an exit (a multiplier), all of it filled", { owed: true, paid: true }, resync("leaderReduced")],
    ["owes an exit (a multiplier), part to fill", { owed: true, paid: false }, resync("leaderReduced")],
    ["owes −1 (fixed), all of it filled", { owed: true, paid: true, owedFixed: -1 }, exit(-1, "owed")],
    ["owes −3 (fixed), holding 2", { owed: true, paid: true, owedFixed: -3 }, exit(-2, "owed")],
    ["owes −1 (fixed), part still to fill: nothing yet", { owed: true, owedFixed: -1 }, NOTHING],
    ["owes nothing (fixed: the reduce rounded to zero)", { owed: true, paid: true, owedFixed: 0 }, NOTHING],
    ["owes an exit, but the leader left: that first", { owed: true, leader: 0 }, resync("leaderLeft")],
    ["what it acted on lags the leader", { actedLags: true }, resync("leaderReduced", false)],
    [
      "not counted on, its leader order done",
      { answered: false, leaderOrderOpen: () => false },
      resync("uncounted"),
    ],
    ["not counted on, its leader order still open: nothing", { answered: false }, NOTHING],
    [
      "not counted on, leaving it flat, its order done",
      { answered: false, held: 0, leaderOrderOpen: () => false },
      resync("uncounted"),
    ],
  ])("%s", (_, facts, step) => {
    expect(mirrorFillStep({ ...base, ...facts })).toEqual(step);
  });

  it("asks whether the leader's order is open only when no earlier row applies", () => {
    let asked = 0;
    const leaderOrderOpen = () => {
      asked += 1;
      return false;
    };
    mirrorFillStep({ ...base, leaderOrderOpen });
    mirrorFillStep({ ...base, copied: 1, answered: false, leaderOrderOpen });
    expect(asked).toBe(0);
    mirrorFillStep({ ...base, answered: false, leaderOrderOpen });
    expect(asked).toBe(1);
  });
});
