import { describe, expect, it } from "vitest";
import type { Follower } from "../../data/schema.js";
import { exitPartOfLine, keptForOtherContracts } from "../../engine/copier/mergedLine.js";

const micro = (sizing: Follower["sizing"], maxContracts?: number) => ({
  mapping: "toMicro" as const,
  sizing,
  maxContracts,
});
const X1 = micro({ mode: "multiplier", value: 1 });

describe("keptForOtherContracts: a step in one leader contract leaves the others' part of a merged line", () => {
  it.each([
    // [what, follower, step in, leader holds, follower line, kept]
    [
      "no mapping: one leader contract per line",
      { ...X1, mapping: "none" as const },
      "MESZ6",
      { ESZ6: 2 },
      2,
      0,
    ],
    ["the MES scalp closes: the line keeps ES's 2", X1, "MESZ6", { ESZ6: 2, MESZ6: 0 }, 2, 2],
    ["ES closes: the line keeps MES's 1", X1, "ESZ6", { ESZ6: 0, MESZ6: 1 }, 3, 1],
    ["the leader flat in the others: nothing kept", X1, "ESZ6", { ESZ6: 0, MESZ6: 0 }, 3, 0],
    ["another month is another line", X1, "MESZ6", { ESH7: 2, MESZ6: 0 }, 2, 0],
    ["another root is another line", X1, "MESZ6", { NQZ6: 2, MESZ6: 0 }, 2, 0],
    ["never more than the line holds", X1, "MESZ6", { ESZ6: 5 }, 2, 2],
    ["the other part on the other side: nothing kept", X1, "MESZ6", { ESZ6: -2 }, 2, 0],
    ["a short line keeps its short part", X1, "MESZ6", { ESZ6: -2 }, -3, -2],
    [
      "×0.5: what the rule gives the other",
      micro({ mode: "multiplier", value: 0.5 }),
      "MESZ6",
      { ESZ6: 4 },
      3,
      2,
    ],
    ["fixed 3: its side's fixed size", micro({ mode: "fixed", contracts: 3 }), "MESZ6", { ESZ6: 1 }, 4, 3],
    [
      "max contracts caps the other's part",
      micro({ mode: "multiplier", value: 2 }, 3),
      "MESZ6",
      { ESZ6: 4 },
      5,
      3,
    ],
    ["a flat line keeps nothing", X1, "MESZ6", { ESZ6: 2 }, 0, 0],
  ] as const)("%s", (_, follower, stepIn, held, line, kept) => {
    const step = {
      leaderContract: stepIn,
      before: line,
      after: 0,
      followerContract: `M${stepIn.replace(/^M/, "")}`,
    };
    expect(keptForOtherContracts(follower, step, new Map(Object.entries(held)), line)).toBe(kept);
  });

  it.each([
    ["an opening", 0, 1, 0],
    ["an add", 1, 2, 0],
    ["a reduce", 2, 1, 2],
    ["a close", 1, 0, 2],
    ["a flip", 1, -1, 2],
  ] as const)("%s of the leader's MES: kept only when it takes away", (_, before, after, kept) => {
    const step = { leaderContract: "MESZ6", before, after, followerContract: "MESZ6" };
    expect(keptForOtherContracts(X1, step, new Map([["ESZ6", 2]]), 3)).toBe(kept);
  });
});

describe("exitPartOfLine: of a step moving a line, what only takes exposure away", () => {
  it.each([
    // [what, line, step's delta, exit part]
    ["a close: all of it", 3, -3, -3],
    ["a reduce: all of it", 3, -1, -1],
    ["a flip alone on its line: the close, not the new side", 2, -5, -2],
    ["a MES flip beside ES's part (1 + 2 → 1 − 2): as far as flat", 3, -4, -3],
    ["an ES flip beside MES's part (1 + 2 → −1 + 2): all of it, the line stays long", 3, -2, -2],
    ["a short line bought back past flat: as far as flat", -2, 5, 2],
    ["an add: nothing", 2, 1, 0],
    ["an opening on a flat line: nothing", 0, -2, 0],
    ["no step: nothing", 3, 0, 0],
  ] as const)("%s", (_, line, delta, exit) => {
    expect(exitPartOfLine(line, delta)).toBe(exit);
  });
});
