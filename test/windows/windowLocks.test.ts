import { describe, expect, it } from "vitest";
import { reconcileStep } from "../../engine/copier/reconcileStep.js";
import { markFlat, roll, startLiquidation } from "../../engine/risk/lockMachine.js";
import {
  type FollowerRiskRecord,
  type LockKind,
  RECONCILE_REASON,
  SKIP_REASONS,
} from "../../engine/types.js";

const DAY = "2026-06-16";
/** 09:00 and 15:55 CT on that trading day. */
const MORNING = Date.parse("2026-06-16T14:00:00Z");
const FLAT_BY = Date.parse("2026-06-16T20:55:00Z");
const locked = (kind: LockKind, reason: string): FollowerRiskRecord => ({
  state: "LOCKED",
  lockKind: kind,
  lockReason: reason,
  lockedAt: MORNING,
  tradingDay: DAY,
});

describe("issue 16: a window lock in the lock machine", () => {
  it.each([
    [
      "an active follower takes the window lock",
      { state: "ACTIVE" } as FollowerRiskRecord,
      "window",
      "flat by 15:55 CT",
    ],
    ["a manual lock stays manual", locked("manual", "manual"), "manual", "manual"],
    [
      "a trailing lock stays trailing",
      locked("trailing", "trailing drawdown"),
      "trailing",
      "trailing drawdown",
    ],
    [
      "a daily lock stays daily (it clears at the roll)",
      locked("daily", "daily loss"),
      "daily",
      "daily loss",
    ],
    [
      "a max-trades lock becomes the window lock",
      locked("trades", "max trades per day"),
      "window",
      "flat by 15:55 CT",
    ],
    [
      "an earlier window lock takes the new reason",
      locked("window", "blackout: CPI"),
      "window",
      "flat by 15:55 CT",
    ],
  ])("%s", (_what, record, kind, reason) => {
    const next = startLiquidation(record, "window", "flat by 15:55 CT", FLAT_BY);
    expect(next).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: kind, lockReason: reason });
    expect(markFlat(next, DAY)).toMatchObject({ state: "LOCKED", lockKind: kind });
  });

  it("the roll does not clear a window lock (the window does, when openings reopen)", () => {
    const next = roll(locked("window", "flat by 15:55 CT"), {
      tradingDay: "2026-06-17",
      limits: {},
      netLiq: 50_000,
    });
    expect(next).toMatchObject({ state: "LOCKED", lockKind: "window" });
  });
});

describe("issue 16: a re-sync under a closed window", () => {
  const input = (leaderBefore: number, leaderAfter: number, follower: number) => ({
    gate: {
      groupActive: true,
      followerEnabled: true,
      connected: true,
      state: "ACTIVE" as const,
      brokerLocked: false,
      whitelist: { enabled: false, symbols: [] },
      leaderContract: "NQZ6",
      window: SKIP_REASONS.outsideHours,
    },
    sizing: { mode: "multiplier" as const, value: 1 },
    leaderBefore,
    leaderAfter,
    follower,
    firstOpeningFillOfOrder: true,
  });

  it("full: a missed opening is not made up, a missed close is", () => {
    expect(reconcileStep("full", input(0, 2, 0))).toMatchObject({
      action: "skip",
      reason: SKIP_REASONS.outsideHours,
    });
    expect(reconcileStep("full", input(2, 0, 2))).toMatchObject({
      action: "send",
      delta: -2,
      reason: RECONCILE_REASON,
    });
  });
});
