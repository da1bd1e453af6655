import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { REFUSALS } from "../../engine/outcome.js";
import { configWith, ES, flush, rig } from "./fakes.js";

const at = (iso: string) => Date.parse(iso);

/** F1 (account 11): 50 000 cash, long 1 ES at 5000, price 5000. */
async function setup(startIso: string, limits: Limits) {
  const r = rig(at(startIso));
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.addAccount(11, "F1", 50_000);
  r.session.prices.set(ES.id, 5000);
  r.session.positionsBy
    .get(11)
    ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
  r.setConfig(configWith([{ account: "F1", limits }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  await flush();
  return r;
}

/** Open 1 ES at the current price and lose `points` on it: a daily loss of points × 50. */
async function lose(r: Awaited<ReturnType<typeof setup>>, points: number) {
  const price = r.session.prices.get(ES.id) ?? 5000;
  r.session.setPosition(11, ES, 1, price);
  r.session.quote(ES, price - points);
  await flush();
}

describe("the 17:00 CT roll across DST", () => {
  it("spring forward (2026-03-08): clears daily locks at 17:00 CST on the 7th and at 17:00 CDT on the 8th", async () => {
    const r = await setup("2026-03-07T18:00:00Z", { dailyLoss: 1000 }); // Sat 12:00 CST
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.engine.snapshot("F1")?.tradingDay).toBe("2026-03-07");

    await r.clock.advanceTo(at("2026-03-07T22:59:59.999Z"));
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-03-07T23:00:00Z")); // 17:00 CST
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.engine.snapshot("F1")).toMatchObject({
      tradingDay: "2026-03-08",
      startOfDayBalance: 49_000,
      dayPnl: 0,
      highWaterMark: 50_000,
    });
    expect(r.store.state.followers.F1).toMatchObject({
      state: "ACTIVE",
      startOfDayBalance: 49_000,
      tradingDay: "2026-03-08",
    });

    await lose(r, 20);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    // after the clocks sprang forward the roll is 17:00 CDT = 22:00Z, an hour earlier in UTC
    await r.clock.advanceTo(at("2026-03-08T21:59:59.999Z"));
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-03-08T22:00:00Z"));
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.engine.snapshot("F1")).toMatchObject({ tradingDay: "2026-03-09", startOfDayBalance: 48_000 });
  });

  it("fall back (2026-11-01): 17:00 CDT on Oct 31 is 22:00Z, 17:00 CST on Nov 1 is 23:00Z", async () => {
    const r = await setup("2026-10-31T17:00:00Z", { dailyLoss: 1000 }); // Sat 12:00 CDT
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-10-31T22:00:00Z"));
    expect(r.engine.gate("F1").state).toBe("ACTIVE");

    await lose(r, 20);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-11-01T22:00:00Z")); // only 16:00 CST now
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-11-01T22:59:59.999Z"));
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.clock.advanceTo(at("2026-11-01T23:00:00Z"));
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.engine.snapshot("F1")?.tradingDay).toBe("2026-11-02");
  });

  it("keeps trailing and manual locks and the high-water mark; resets trades", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { trailingDrawdown: 1000, maxTradesPerDay: 1 });
    r.session.quote(ES, 5020); // HWM 51 000
    r.session.quote(ES, 5000); // floor 50 000 reached
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({
      state: "LOCKED",
      lockKind: "trailing",
      highWaterMark: 51_000,
    });
    r.engine.recordOpening("F1");
    expect(r.engine.gate("F1").tradesLeft).toBe(0);
    await r.clock.advanceTo(at("2026-01-12T23:00:00Z"));
    expect(r.engine.snapshot("F1")).toMatchObject({
      state: "LOCKED",
      lockKind: "trailing",
      highWaterMark: 51_000,
      tradesToday: 0,
      tradingDay: "2026-01-13",
      startOfDayBalance: 50_000,
    });
    expect(r.engine.gate("F1").tradesLeft).toBe(1);
  });

  it("a daily lock still liquidating at the roll clears once the broker reports flat", async () => {
    const r = await setup("2026-01-12T22:30:00Z", { dailyLoss: 1000 }); // 16:30 CST
    r.liquidator.failNext = 1_000;
    r.session.quote(ES, 4980);
    await r.clock.advanceTo(at("2026-01-12T23:00:01Z"));
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    r.liquidator.failNext = 0;
    await r.clock.advance(30_000);
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.session.positions(11)[0]?.netPos).toBe(0);
  });

  it("a flatten by hand while a daily breach is still liquidating locks it by hand: the roll keeps it", async () => {
    const r = await setup("2026-01-12T22:30:00Z", { dailyLoss: 1000 }); // 16:30 CST
    r.liquidator.failNext = 1_000;
    r.session.quote(ES, 4980);
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "daily" });
    const [outcome] = await r.engine.flattenAndLock(["F1"]);
    expect(outcome).toMatchObject({ status: "liquidating" });
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "manual" });
    expect(r.store.state.followers.F1).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "manual" });
    await r.clock.advanceTo(at("2026-01-12T23:00:01Z")); // the roll, still liquidating
    r.liquidator.failNext = 0;
    await r.clock.advance(30_000);
    expect(r.session.positions(11)[0]?.netPos).toBe(0);
    expect(r.engine.snapshot("F1")).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "manual",
    });
    expect((await r.engine.unlock("F1")).status).toBe("unlocked");
  });

  it("a flat-by lock whose flatten left the account past its daily loss becomes a daily lock: the roll clears it", async () => {
    const r = await setup("2026-01-12T21:55:00Z", { dailyLoss: 1000 }); // 15:55 CST, long 1 ES
    r.session.quote(ES, 4982); // −900: inside the limit
    await flush();
    await r.engine.flattenAndLock(["F1"], "flat by 15:55 CT", "window");
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "window" });
    r.session.setBalance(11, 48_950); // the flatten's fees and slippage: −1050
    await flush();
    // The window lifts only a window lock (and refuses to lift one past a limit): the limit's own
    // lock is what holds now, and it clears at the roll like any daily lock.
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
    await r.clock.advanceTo(at("2026-01-12T23:00:00Z"));
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "ACTIVE", tradingDay: "2026-01-13" });
  });

  it("a daily lock also past the trailing floor at the roll becomes a trailing lock", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000, trailingDrawdown: 1500 });
    r.session.quote(ES, 4980); // −1000: daily trips; floor 48 500 not reached
    await flush();
    r.session.setBalance(11, 48_000); // a fee or a manual loss after the lock
    await r.clock.advanceTo(at("2026-01-12T23:00:00Z"));
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
  });
});

describe("restart", () => {
  it("a new engine over the same store keeps locks, high-water marks and start-of-day balances", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { trailingDrawdown: 1000 });
    r.session.quote(ES, 5020);
    r.session.quote(ES, 5000);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.engine.stop();

    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: { trailingDrawdown: 1000 } }]));
    await again.start();
    expect(again.gate("F1").state).toBe("LOCKED");
    r.session.setBalance(11, 50_000);
    expect(again.snapshot("F1")).toMatchObject({
      lockKind: "trailing",
      highWaterMark: 51_000,
      startOfDayBalance: 50_000,
    });
    expect((await again.unlock("F1")).status).toBe("refused");
    await again.stop();
  });

  it("a rise of the high-water mark reaches the store within a second, and a restart trips on it", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { trailingDrawdown: 1000 });
    r.session.quote(ES, 5030); // HWM 51 500
    await r.clock.advance(1000);
    expect(r.store.state.followers.F1?.highWaterMark).toBe(51_500);

    const again = r.restart(); // as after a kill -9: no stop()
    r.setConfig(configWith([{ account: "F1", limits: { trailingDrawdown: 1000 } }]));
    await again.start();
    r.session.quote(ES, 5010); // 50 500: the floor of the saved mark
    expect(again.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await again.stop();
  });

  it("a flatten interrupted by a crash resumes at the next start", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000 });
    r.liquidator.failNext = 1;
    r.session.quote(ES, 4980);
    await flush();
    expect(r.store.state.followers.F1?.state).toBe("LIQUIDATE_ONLY");
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000 } }]));
    await again.start();
    await flush();
    expect(again.gate("F1").state).toBe("LOCKED");
    expect(r.session.positions(11)[0]?.netPos).toBe(0);
    await again.stop();
  });

  it("a restart on a later trading day applies the missed roll: daily locks cleared, trailing kept", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000 });
    r.session.quote(ES, 4980);
    await flush();
    r.store.state.followers.F2 = {
      state: "LOCKED",
      lockKind: "trailing",
      tradingDay: "2026-01-12",
      highWaterMark: 9,
    };
    await r.engine.stop();
    r.clock.t = at("2026-01-14T15:00:00Z");
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000 } }, { account: "F2" }]));
    await again.start();
    expect(again.gate("F1").state).toBe("ACTIVE");
    expect(again.gate("F2").state).toBe("LOCKED");
    expect(again.snapshot("F2")).toMatchObject({ tradingDay: "2026-01-14", highWaterMark: 9 });
    await again.stop();
  });
});

describe("a roll whose timer is late (a laptop asleep over 17:00 CT)", () => {
  it("is applied the moment the trader looks or unlocks, not at the next leader fill", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000 }); // Monday 12:00 CT
    await lose(r, 20); // −1000: flattened and locked
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
    // Woken at 18:00 CT: the roll's timer has not fired yet, and nothing has traded since.
    r.clock.t = at("2026-01-13T00:00:00Z");
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "ACTIVE", tradingDay: "2026-01-13" });
    await r.engine.stop();
  });

  it("an unlock then is judged on the new day, not refused for yesterday's loss", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000, trailingDrawdown: 5000 });
    await lose(r, 20);
    await r.engine.lock("F1"); // by hand, with the daily loss past: the roll keeps it
    r.clock.t = at("2026-01-13T00:00:00Z");
    expect(await r.engine.unlock("F1")).toMatchObject({ status: "unlocked" });
    await r.engine.stop();
  });
});

describe("a clock set back across the roll", () => {
  it("a restart never rolls the saved day backwards: its daily lock and start of day stay", async () => {
    const r = await setup("2026-01-12T23:10:00Z", { dailyLoss: 1000 }); // Monday 17:10 CT: Tuesday's session
    await lose(r, 20); // −1000: flattened and locked
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
    await r.engine.stop();
    // The machine's clock is set back an hour (16:10 CT, Monday's session) and mimik restarted.
    r.clock.t = at("2026-01-12T22:10:00Z");
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000 } }]));
    await again.start();
    r.session.setBalance(11, 49_000);
    await flush();
    expect(again.gate("F1").state).toBe("LOCKED");
    expect(again.snapshot("F1")).toMatchObject({
      lockKind: "daily",
      tradingDay: "2026-01-13",
      startOfDayBalance: 50_000,
    });
    expect(r.store.state.followers.F1).toMatchObject({ state: "LOCKED", tradingDay: "2026-01-13" });
    await again.stop();
  });
});

describe("unlock through the engine", () => {
  it("refuses past the trailing floor and says why; forced, it restarts the mark and does not trip again", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { trailingDrawdown: 1000 });
    r.session.quote(ES, 5020);
    r.session.quote(ES, 5000);
    await flush();
    const refused = await r.engine.unlock("F1");
    expect(refused.status).toBe("refused");
    expect(refused.reason).toMatch(/trailing floor \$50000\.00.*--force/);
    expect(r.engine.gate("F1").state).toBe("LOCKED");

    const forced = await r.engine.unlock("F1", { force: true });
    expect(forced).toMatchObject({ status: "unlocked" });
    expect(forced.reason).toMatch(/high-water mark reset/);
    await r.clock.advance(5_000);
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.store.state.followers.F1).toMatchObject({ state: "ACTIVE", highWaterMark: 50_000 });
    expect(r.engine.snapshot("F1")?.lockKind).toBeUndefined();
  });

  it("forced past the daily limit: waived until the roll, enforced again after it", async () => {
    const r = await setup("2026-01-12T18:00:00Z", { dailyLoss: 1000 });
    r.session.quote(ES, 4980);
    await flush();
    expect((await r.engine.unlock("F1")).status).toBe("refused");
    expect((await r.engine.unlock("F1", { force: true })).status).toBe("unlocked");
    await lose(r, 10);
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    r.session.closeAtMarket(11, ES.id);
    await r.clock.advanceTo(at("2026-01-12T23:00:00Z"));
    await lose(r, 20);
    expect(r.engine.gate("F1").state).toBe("LOCKED");
  });

  it("an unknown name is refused", async () => {
    const r = await setup("2026-01-12T18:00:00Z", {});
    expect(await r.engine.unlock("ghost")).toEqual({
      target: "ghost",
      status: "refused",
      reason: REFUSALS.notFollower,
    });
  });
});

describe("start order", () => {
  it("setConfig before start, with balances already known, never overwrites a saved lock", async () => {
    const r = rig(at("2026-01-12T18:00:00Z"));
    r.session.addAccount(11, "F1", 50_000);
    r.store.state.followers.F1 = {
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "manual",
      tradingDay: "2026-01-12",
      startOfDayBalance: 51_000,
      highWaterMark: 52_000,
    };
    r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 5000 } }]));
    await flush();
    expect(r.store.saves).toEqual([]);
    await r.engine.start();
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({
      state: "LOCKED",
      startOfDayBalance: 51_000,
      highWaterMark: 52_000,
      netLiq: 50_000,
      dayPnl: -1000,
    });
    expect(r.store.state.followers.F1).toMatchObject({ state: "LOCKED", startOfDayBalance: 51_000 });
    await r.engine.stop();
  });
});
