import { describe, expect, it } from "vitest";
import { planResync } from "../../engine/copier/resyncPlan.js";

const line = (has: number, expects: number, contract = "ESZ6") => ({
  contract,
  has,
  expects,
  inSync: has === expects,
});

describe("planResync: send the difference; hold back what would open while the follower may not", () => {
  it.each([
    ["missing an opening", line(0, 2), true, [2], []],
    ["missing an opening, may not open", line(0, 2), false, [], ["ESZ6"]],
    ["holds too much: reduces, even when it may not open", line(3, 1), false, [-2], []],
    ["holds something the rule says is flat", line(-2, 0), false, [2], []],
    ["on the wrong side: the crossing fix opens", line(-1, 2), false, [], ["ESZ6"]],
    ["on the wrong side, may open: one crossing order", line(-1, 2), true, [3], []],
    ["in sync: nothing", line(2, 2), false, [], []],
  ])("%s", (_, l, mayOpen, deltas, held) => {
    const plan = planResync([l], mayOpen);
    expect(plan.send.map((s) => s.delta)).toEqual(deltas);
    expect(plan.held).toEqual(held);
  });
});
