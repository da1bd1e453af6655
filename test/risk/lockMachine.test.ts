import { describe, expect, it } from "vitest";
import {
  lockManually,
  markFlat,
  restoredRecord,
  roll,
  startLiquidation,
  unlock,
} from "../../engine/risk/lockMachine.js";
import type { FollowerRiskRecord } from "../../engine/types.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT, trading day 2026-01-12
const active: FollowerRiskRecord = {
  state: "ACTIVE",
  highWaterMark: 52_000,
  startOfDayBalance: 50_000,
  tradingDay: "2026-01-12",
  tradesToday: 4,
};

describe("breach → LIQUIDATE_ONLY → LOCKED", () => {
  it("starts liquidating with kind, reason and time, keeping the high-water mark", () => {
    const r = startLiquidation(active, "daily", "daily loss limit", MON_NOON);
    expect(r).toMatchObject({
      state: "LIQUIDATE_ONLY",
      lockKind: "daily",
      lockReason: "daily loss limit",
      lockedAt: MON_NOON,
      highWaterMark: 52_000,
    });
    expect(markFlat(r, "2026-01-12")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
  });

  it("a manual flatten of a trailing-locked account keeps the trailing lock", () => {
    const trailing = {
      ...active,
      state: "LOCKED" as const,
      lockKind: "trailing" as const,
      lockReason: "trailing",
      lockedAt: 1,
    };
    const r = startLiquidation(trailing, "manual", "manual", MON_NOON);
    expect(r).toMatchObject({
      state: "LIQUIDATE_ONLY",
      lockKind: "trailing",
      lockReason: "trailing",
      lockedAt: 1,
    });
  });

  it("a manual flatten of a daily-locked account makes it a manual lock (the roll will not clear it)", () => {
    const daily = {
      ...active,
      state: "LOCKED" as const,
      lockKind: "daily" as const,
      lockReason: "daily",
      lockedAt: 1,
    };
    expect(startLiquidation(daily, "manual", "manual", MON_NOON)).toMatchObject({
      lockKind: "manual",
      lockedAt: MON_NOON,
    });
  });

  it("a daily lock still liquidating when the day rolled goes ACTIVE once flat", () => {
    const r = startLiquidation(active, "daily", "daily loss limit", MON_NOON);
    expect(markFlat(r, "2026-01-13")).toEqual({ ...active, state: "ACTIVE" });
    const trailing = startLiquidation(active, "trailing", "trailing", MON_NOON);
    expect(markFlat(trailing, "2026-01-13").state).toBe("LOCKED");
  });

  it("markFlat leaves ACTIVE and LOCKED alone", () => {
    expect(markFlat(active, "2026-01-12")).toBe(active);
  });
});

describe("manual lock", () => {
  it("locks without flattening; an existing trailing lock is kept as it is", () => {
    expect(lockManually(active, "going to lunch", MON_NOON)).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "going to lunch",
    });
    const trailing = { ...active, state: "LOCKED" as const, lockKind: "trailing" as const };
    expect(lockManually(trailing, "x", MON_NOON)).toBe(trailing);
    const liquidating = startLiquidation(active, "daily", "d", MON_NOON);
    expect(lockManually(liquidating, "x", MON_NOON).state).toBe("LIQUIDATE_ONLY");
  });
});

describe("unlock rules", () => {
  const locked = (kind: "daily" | "trailing" | "manual"): FollowerRiskRecord => ({
    ...active,
    state: "LOCKED",
    lockKind: kind,
    lockReason: kind,
    lockedAt: MON_NOON,
  });
  const limits = { dailyLoss: 1000, trailingDrawdown: 2000 };

  it("refuses an account still at or below its trailing floor and says why", () => {
    const out = unlock(locked("trailing"), { force: false, limits, netLiq: 50_000 });
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(/trailing floor \$50000\.00/);
    expect(out.message).toMatch(/--force/);
    expect(out.record.state).toBe("LOCKED");
  });

  it("forced past the trailing floor: unlocks and restarts the high-water mark at net liq", () => {
    const out = unlock(locked("trailing"), { force: true, limits, netLiq: 50_000 });
    expect(out.ok).toBe(true);
    expect(out.record).toMatchObject({ state: "ACTIVE", highWaterMark: 50_000 });
    expect(out.record.lockKind).toBeUndefined();
    expect(out.message).toMatch(/high-water mark reset from \$52000\.00 to \$50000\.00/);
  });

  it("allows unlocking a trailing lock once above the floor (a cent is enough)", () => {
    const out = unlock(locked("trailing"), { force: false, limits, netLiq: 50_000.01 });
    expect(out).toMatchObject({ ok: true, message: "unlocked", waiveDailyLimits: false });
    expect(out.record.highWaterMark).toBe(52_000);
  });

  it("refuses past the daily loss limit unless forced; forced waives it until the roll", () => {
    const refused = unlock(locked("daily"), { force: false, limits: { dailyLoss: 1000 }, netLiq: 49_000 });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/daily loss limit.*17:00 CT roll/);
    const forced = unlock(locked("daily"), { force: true, limits: { dailyLoss: 1000 }, netLiq: 49_000 });
    expect(forced).toMatchObject({ ok: true, waiveDailyLimits: true });
  });

  it("unlocks a manual lock within the limits; an ACTIVE account is already unlocked", () => {
    expect(unlock(locked("manual"), { force: false, limits, netLiq: 51_000 }).record.state).toBe("ACTIVE");
    expect(unlock(active, { force: false, limits, netLiq: 0 })).toMatchObject({
      ok: true,
      message: "already active",
    });
  });

  it("refuses while liquidating unless forced", () => {
    const liquidating = startLiquidation(active, "manual", "manual", MON_NOON);
    expect(unlock(liquidating, { force: false, limits: {}, netLiq: 51_000 }).ok).toBe(false);
    expect(unlock(liquidating, { force: true, limits: {}, netLiq: 51_000 }).record.state).toBe("ACTIVE");
  });
});

describe("the roll", () => {
  const day = "2026-01-13";
  it("takes a new start of day and day peak, zeroes trades, keeps the high-water mark", () => {
    // A record with no week yet (saved before issue 16) starts its week at this roll.
    expect(roll(active, { tradingDay: day, limits: {}, netLiq: 51_000 })).toEqual({
      state: "ACTIVE",
      highWaterMark: 52_000,
      startOfDayBalance: 51_000,
      dayPeak: 51_000,
      tradingDay: day,
      tradesToday: 0,
      tradingWeek: "2026-01-12",
      weekStartBalance: 51_000,
    });
    expect(
      roll(active, { tradingDay: day, limits: {}, netLiq: undefined }).startOfDayBalance,
    ).toBeUndefined();
  });

  it("clears daily and profit locks, keeps trailing and manual locks", () => {
    for (const kind of ["daily", "profit"] as const) {
      const r = roll(
        { ...active, state: "LOCKED", lockKind: kind, lockReason: kind },
        { tradingDay: day, limits: {}, netLiq: 51_000 },
      );
      expect(r.state).toBe("ACTIVE");
      expect(r.lockKind).toBeUndefined();
    }
    for (const kind of ["trailing", "manual"] as const) {
      const r = roll(
        { ...active, state: "LOCKED", lockKind: kind, lockReason: kind },
        { tradingDay: day, limits: {}, netLiq: 51_000 },
      );
      expect(r).toMatchObject({ state: "LOCKED", lockKind: kind });
    }
  });

  it("a daily lock on an account also past its trailing floor becomes a trailing lock", () => {
    const r = roll(
      { ...active, state: "LOCKED", lockKind: "daily", lockReason: "daily" },
      { tradingDay: day, limits: { trailingDrawdown: 2000 }, netLiq: 49_000 },
    );
    expect(r).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
    expect(r.lockReason).toMatch(/trailing drawdown/);
  });
});

describe("a record read back from the state file", () => {
  const unreadable = { state: "LOCKED", lockKind: "manual", lockReason: "saved risk state unreadable" };
  it.each([
    [
      "a valid record comes back as it was",
      { state: "LOCKED", lockKind: "daily" },
      { state: "LOCKED", lockKind: "daily" },
      true,
    ],
    ["ACTIVE too", { state: "ACTIVE", highWaterMark: 5 }, { state: "ACTIVE", highWaterMark: 5 }, true],
    ["an unknown state is locked, never ACTIVE", { state: "PAUSED" }, unreadable, false],
    ["not an object is locked", "LOCKED", unreadable, false],
    ["nothing at all is locked", null, unreadable, false],
  ])("%s", (_, stored, record, readable) => {
    expect(restoredRecord(stored)).toEqual({ record, readable });
  });
});
