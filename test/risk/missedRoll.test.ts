import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { roll, settleRolledLock } from "../../engine/risk/lockMachine.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { configWith, ES, flush, rig, statesOf } from "./fakes.js";

const at = (iso: string) => Date.parse(iso);
const LIMITS: Limits = { dailyLoss: 1000, trailingDrawdown: 1500 };

/**
 * F1 daily-locked on Monday 2026-01-12 at net liq `after`, then mimik stopped; restarted on
 * Wednesday with its login not connected yet (no balance known).
 */
async function lockedThenRestarted(after: number) {
  const r = rig(at("2026-01-12T18:00:00Z"));
  r.session.addAccount(11, "F1", 50_000);
  r.session.prices.set(ES.id, 5000);
  r.session.positionsBy
    .get(11)
    ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
  r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  r.session.quote(ES, 4980); // −1000: daily lock; HWM 50 000, trailing floor 48 500
  await flush();
  r.session.setBalance(11, after); // fees or a manual loss after the lock
  await flush();
  expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
  await r.engine.stop();

  r.clock.t = at("2026-01-14T15:00:00Z");
  r.session.cash.delete(11);
  const again = r.restart();
  r.events.length = 0;
  r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
  await again.start();
  await flush();
  return { r, again };
}

describe("a daily lock whose roll was missed while mimik was stopped", () => {
  it("stays locked until the first balance, then becomes a trailing lock past the floor, never ACTIVE between", async () => {
    const { r, again } = await lockedThenRestarted(48_000);
    expect(again.gate("F1").state).toBe("LOCKED");
    r.session.setBalance(11, 48_000);
    await flush();
    expect(again.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
    expect(statesOf(r.events, "F1").some((s) => s.startsWith("ACTIVE"))).toBe(false);
    expect(r.store.state.followers.F1).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
    await again.stop();
  });

  it("clears at the first balance when the account is above its trailing floor", async () => {
    const { r, again } = await lockedThenRestarted(49_000);
    expect(again.gate("F1").state).toBe("LOCKED");
    r.session.setBalance(11, 49_000);
    await flush();
    expect(again.snapshot("F1")).toMatchObject({ state: "ACTIVE", startOfDayBalance: 49_000 });
    expect(again.snapshot("F1")?.lockKind).toBeUndefined();
    expect(r.store.state.followers.F1).toMatchObject({ state: "ACTIVE", tradingDay: "2026-01-14" });
    await again.stop();
  });
});

describe("a daily lock rolled with net liq unknown", () => {
  const daily: FollowerRiskRecord = {
    state: "LOCKED",
    lockKind: "daily",
    lockReason: "daily loss",
    lockedAt: at("2026-01-13T18:00:00Z"),
    tradingDay: "2026-01-13",
    tradingWeek: "2026-01-12",
    weekStartBalance: 51_000,
    highWaterMark: 51_000,
  };
  const limits: Limits = { weeklyLoss: 1500 };

  it("becomes a weekly lock at the first net liq still past the weekly loss", () => {
    const rolled = roll(daily, { tradingDay: "2026-01-14", limits, netLiq: undefined });
    expect(rolled).toMatchObject({ state: "LOCKED", lockKind: "daily" });
    expect(settleRolledLock(rolled, "2026-01-14", limits, 49_400)).toMatchObject({
      state: "LOCKED",
      lockKind: "weekly",
    });
    expect(settleRolledLock(rolled, "2026-01-14", limits, 49_600).state).toBe("ACTIVE");
  });

  it("clears at once when no trailing or weekly limit could hold it", () => {
    expect(roll(daily, { tradingDay: "2026-01-14", limits: {}, netLiq: undefined }).state).toBe("ACTIVE");
  });

  it("a lock taken today is not a rolled one", () => {
    const today = { ...daily, lockedAt: at("2026-01-14T18:00:00Z"), tradingDay: "2026-01-14" };
    expect(settleRolledLock(today, "2026-01-14", limits, 52_000)).toBe(today);
  });
});
