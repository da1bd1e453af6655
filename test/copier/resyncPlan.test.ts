import { describe, expect, it } from "vitest";
import { NO_HEDGE } from "../../engine/copier/hedgeIndex.js";
import { planResync, type ResyncGate } from "../../engine/copier/resyncPlan.js";
import { SKIP_REASONS } from "../../engine/types.js";

const line = (has: number, expects: number, contract = "ESZ6") => ({
  contract,
  has,
  expects,
  inSync: has === expects,
});

/** A follower that may open, with `patch` saying what holds it back. */
const gate = (
  patch: Partial<ResyncGate["context"]> = {},
  hedge: ResyncGate["hedge"] = () => NO_HEDGE,
): ResyncGate => ({
  context: {
    ...{ groupActive: true, followerEnabled: true, connected: true, state: "ACTIVE", brokerLocked: false },
    ...patch,
  },
  hedge,
});
const shortElsewhere = gate({}, () => ({ long: false, short: true }));

describe("planResync: send the difference; an opening passes the copy path's opening gates", () => {
  it.each([
    ["missing an opening", line(0, 2), gate(), [2], []],
    ["missing an opening, locked", line(0, 2), gate({ state: "LOCKED" }), [], ["locked"]],
    ["missing an opening, group paused", line(0, 2), gate({ groupActive: false }), [], ["group paused"]],
    [
      "missing an opening, trading window",
      line(0, 2),
      gate({ window: "blackout: CPI" }),
      [],
      ["blackout: CPI"],
    ],
    ["missing a long, the firm is short elsewhere", line(0, 2), shortElsewhere, [], ["hedge guard"]],
    ["missing a short, the firm is short elsewhere", line(0, -2), shortElsewhere, [-2], []],
    ["no trades left today", line(0, 2), gate({ tradesLeft: 0 }), [], [SKIP_REASONS.maxTrades]],
    ["holds too much: reduces, even when it may not open", line(3, 1), gate({ state: "LOCKED" }), [-2], []],
    ["holds too much: reduces, past the hedge guard", line(3, 1), shortElsewhere, [-2], []],
    ["holds something the rule says is flat", line(-2, 0), gate({ tradesLeft: 0 }), [2], []],
    [
      "on the wrong side, may not open: it closes only",
      line(-1, 2),
      gate({ state: "LOCKED" }),
      [1],
      ["locked"],
    ],
    ["on the wrong side, hedge guard: it closes only", line(-1, 2), shortElsewhere, [1], ["hedge guard"]],
    ["on the wrong side, may open: one crossing order", line(-1, 2), gate(), [3], []],
    [
      "holds too much while being flattened: nothing beside the flatten",
      line(3, 0),
      gate({ state: "LIQUIDATE_ONLY" }),
      [],
      [SKIP_REASONS.flattening],
    ],
    ["in sync: nothing", line(2, 2), gate({ state: "LOCKED" }), [], []],
  ] as const)("%s", (_, l, g, deltas, held) => {
    const plan = planResync([l], g);
    expect(plan.send.map((s) => s.delta)).toEqual(deltas);
    expect(plan.held.map((h) => h.reason)).toEqual(held);
  });

  it("each opening sent uses up one of the day's trades; what reduces uses none", () => {
    const lines = [line(0, 1, "ESZ6"), line(3, 1, "CLZ6"), line(0, 1, "NQZ6")];
    const plan = planResync(lines, gate({ tradesLeft: 1 }));
    expect(plan.send).toEqual([
      { contract: "ESZ6", delta: 1, exit: false, opens: true },
      { contract: "CLZ6", delta: -2, exit: true, opens: false },
    ]);
    expect(plan.held).toEqual([{ contract: "NQZ6", reason: SKIP_REASONS.maxTrades }]);
  });
});

describe("planResync under the account's max open contracts: the fixes that open share its room", () => {
  const capped = (open: number, cap = 4): ResyncGate => ({ ...gate(), account: { cap, open } });
  const deltas = (plan: ReturnType<typeof planResync>) => plan.send.map((s) => [s.contract, s.delta]);

  it("two lines each short of the rule get no more than the account leaves (MESZ6 −2, MESH7 0, cap 4)", () => {
    // Each line's expectation leaves room for the other as it stands: −4 and +2 (6 together).
    const plan = planResync([line(-2, -4, "MESZ6"), line(0, 2, "MESH7")], capped(2));
    expect(deltas(plan)).toEqual([["MESZ6", -2]]);
    expect(plan.held).toEqual([{ contract: "MESH7", reason: "the account's max open contracts (4)" }]);
  });

  it("a fix that opens is cut to the room; one that reduces goes whole and frees none until it fills", () => {
    const plan = planResync([line(5, 2, "MNQZ6"), line(0, 4, "MESZ6")], capped(5, 6));
    expect(deltas(plan)).toEqual([
      ["MNQZ6", -3],
      ["MESZ6", 1],
    ]);
    expect(plan.held).toEqual([]);
  });

  it("without a cap nothing changes", () => {
    const plan = planResync([line(-2, -4, "MESZ6"), line(0, 2, "MESH7")], gate());
    expect(deltas(plan)).toEqual([
      ["MESZ6", -2],
      ["MESH7", 2],
    ]);
  });
});
