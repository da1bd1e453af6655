import { describe, expect, it } from "vitest";
import { markFlat, roll, startLiquidation, unlock } from "../../engine/risk/lockMachine.js";
import { advanceMarks } from "../../engine/risk/marks.js";
import type { FollowerRiskRecord } from "../../engine/types.js";

// Wednesday 2026-01-14 12:00 CT, in the week of Monday 2026-01-12.
const WED_NOON = Date.parse("2026-01-14T18:00:00Z");
const base: FollowerRiskRecord = {
  state: "ACTIVE",
  highWaterMark: 52_000,
  startOfDayBalance: 50_000,
  dayPeak: 50_400,
  weekStartBalance: 51_000,
  tradingWeek: "2026-01-12",
  tradingDay: "2026-01-14",
  tradesToday: 2,
};
const lockedAs = (kind: "weekly" | "giveback"): FollowerRiskRecord => ({
  ...base,
  state: "LOCKED",
  lockKind: kind,
  lockReason: kind,
  lockedAt: WED_NOON,
});

describe("issue 16: what clears a weekly or a give-back lock", () => {
  it.each([
    // [lock, next trading day, netLiq at the roll, state after, lock kind after]
    ["giveback", "2026-01-15", 50_000, "ACTIVE", undefined],
    ["weekly", "2026-01-15", 50_000, "LOCKED", "weekly"],
    ["weekly", "2026-01-17", 50_000, "LOCKED", "weekly"], // Friday 17:00: the weekend's roll, same week
    ["weekly", "2026-01-19", 49_000, "ACTIVE", undefined], // Sunday 17:00: a new week
  ] as const)("a %s lock at the roll into %s → %s", (kind, day, netLiq, state, lockKind) => {
    const r = roll(lockedAs(kind), { tradingDay: day, limits: { weeklyLoss: 1500 }, netLiq });
    expect(r.state).toBe(state);
    expect(r.lockKind).toBe(lockKind);
    expect(r.dayPeak).toBe(netLiq);
    expect(r.startOfDayBalance).toBe(netLiq);
  });

  it("the Sunday roll starts the week at the net liq then; a weekday roll keeps the week's start", () => {
    const limits = { weeklyLoss: 1500 };
    expect(roll(base, { tradingDay: "2026-01-15", limits, netLiq: 49_800 })).toMatchObject({
      weekStartBalance: 51_000,
      tradingWeek: "2026-01-12",
    });
    expect(roll(base, { tradingDay: "2026-01-19", limits, netLiq: 49_800 })).toMatchObject({
      weekStartBalance: 49_800,
      tradingWeek: "2026-01-19",
    });
  });

  it("a daily lock still past the weekly loss at the roll becomes a weekly lock instead of clearing", () => {
    const daily = { ...lockedAs("giveback"), lockKind: "daily" as const };
    const r = roll(daily, { tradingDay: "2026-01-15", limits: { weeklyLoss: 1500 }, netLiq: 49_400 });
    expect(r).toMatchObject({ state: "LOCKED", lockKind: "weekly" });
    expect(r.lockReason).toMatch(/weekly loss limit: week P&L -\$1600.00.*at the roll/);
    // With room left in the week it clears.
    expect(
      roll(daily, { tradingDay: "2026-01-15", limits: { weeklyLoss: 1500 }, netLiq: 49_600 }).state,
    ).toBe("ACTIVE");
  });

  it("a weekly lock still liquidating when the week rolled goes ACTIVE once flat; on a weekday it locks", () => {
    const liquidating = startLiquidation(base, "weekly", "weekly loss", WED_NOON);
    expect(markFlat(liquidating, "2026-01-15")).toMatchObject({ state: "LOCKED", lockKind: "weekly" });
    expect(markFlat(liquidating, "2026-01-19").state).toBe("ACTIVE");
  });

  it("weekly outlasts daily and give-back, but not manual or trailing", () => {
    const weekly = { ...lockedAs("weekly"), state: "LIQUIDATE_ONLY" as const };
    expect(startLiquidation(weekly, "daily", "d", WED_NOON).lockKind).toBe("weekly");
    expect(startLiquidation(weekly, "manual", "m", WED_NOON).lockKind).toBe("manual");
    const giveback = { ...lockedAs("giveback"), state: "LIQUIDATE_ONLY" as const };
    expect(startLiquidation(giveback, "weekly", "w", WED_NOON).lockKind).toBe("weekly");
  });

  it("an unlock past the weekly loss or the give-back is refused unless forced, and says when it clears", () => {
    const weekly = unlock(lockedAs("weekly"), { force: false, limits: { weeklyLoss: 1500 }, netLiq: 49_500 });
    expect(weekly.ok).toBe(false);
    expect(weekly.message).toMatch(/weekly loss limit.*Sunday 17:00 CT roll.*--force/);
    const back = unlock(lockedAs("giveback"), {
      force: false,
      limits: { dailyGiveBack: 300 },
      netLiq: 50_100,
    });
    expect(back.ok).toBe(false);
    expect(back.message).toMatch(/daily give-back.*the 17:00 CT roll/);
    const forced = unlock(lockedAs("weekly"), { force: true, limits: { weeklyLoss: 1500 }, netLiq: 49_500 });
    expect(forced).toMatchObject({ ok: true, waiveDailyLimits: true });
    expect(
      unlock(lockedAs("weekly"), { force: false, limits: { weeklyLoss: 1500 }, netLiq: 49_600 }).ok,
    ).toBe(true);
  });
});

describe("issue 16: the marks a valuation moves", () => {
  it("the day's peak only rises, lazily; a roll restarts it at the net liq", () => {
    const r = { ...base };
    expect(advanceMarks(r, "2026-01-14", {}, 50_300)).toMatchObject({ saveNow: false, saveLater: false });
    expect(r.dayPeak).toBe(50_400);
    expect(advanceMarks(r, "2026-01-14", {}, 50_600)).toMatchObject({ saveNow: false, saveLater: true });
    expect(r.dayPeak).toBe(50_600);
    const rolled = advanceMarks(r, "2026-01-15", {}, 50_100);
    expect(rolled).toMatchObject({ saveNow: true, saveLater: false });
    expect(rolled.record).toMatchObject({
      dayPeak: 50_100,
      startOfDayBalance: 50_100,
      weekStartBalance: 51_000,
    });
  });

  it("a record saved before the weekly limit existed starts its week at today's start of day", () => {
    const old: FollowerRiskRecord = {
      state: "ACTIVE",
      highWaterMark: 52_000,
      startOfDayBalance: 50_000,
      tradingDay: "2026-01-14",
    };
    const moved = advanceMarks(old, "2026-01-14", {}, 49_700);
    expect(moved.saveNow).toBe(true);
    expect(moved.record).toMatchObject({
      tradingWeek: "2026-01-12",
      weekStartBalance: 50_000,
      dayPeak: 49_700,
    });
  });
});
