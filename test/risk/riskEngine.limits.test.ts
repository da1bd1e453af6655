import { describe, expect, it } from "vitest";
import { type configWith, ES, flush, longF1, NQ, statesOf } from "./fakes.js";

/** One follower F1 (account 11) with 50 000 cash, long 1 ES at 5000, plus a leader LEAD (account 1). */
async function setup(limits: Parameters<typeof configWith>[0][number]["limits"]) {
  const r = await longF1(limits);
  await flush();
  return r;
}

describe("RiskEngine: each limit trips exactly at its threshold, not before", () => {
  it("takes the first net liq seen as the start-of-day balance and persists it", async () => {
    const r = await setup({ dailyLoss: 1000 });
    expect(r.engine.snapshot("F1")).toMatchObject({
      startOfDayBalance: 50_000,
      netLiq: 50_000,
      dayPnl: 0,
      tradingDay: "2026-01-12",
    });
    expect(r.store.state.followers.F1).toMatchObject({ startOfDayBalance: 50_000, tradingDay: "2026-01-12" });
    expect(r.session.subscriptions).toContain(ES.name);
  });

  it("daily loss: −$987.50 no, −$1000.00 breach", async () => {
    const r = await setup({ dailyLoss: 1000 });
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4980.25);
    await flush();
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    expect(r.engine.snapshot("F1")).toMatchObject({ dayPnl: -987.5, roomDaily: 12.5 });
    expect(r.log.filter((l) => l.startsWith("liquidate"))).toEqual([]);
    r.session.quote(ES, 4980);
    // the gate closes synchronously, before any await: the very next copy is refused
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await flush();
    expect(r.log.some((l) => l.startsWith("liquidate F1"))).toBe(true);
    expect(r.engine.snapshot("F1")).toMatchObject({ lockKind: "daily" });
    expect(r.engine.snapshot("F1")?.lockReason).toMatch(/daily loss limit/);
  });

  it("trailing drawdown: high-water mark follows open profit; floor − $12.50 no, at floor breach", async () => {
    const r = await setup({ trailingDrawdown: 1500 });
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 5040); // +2000 open → HWM 52 000, floor 50 500
    r.session.quote(ES, 5010.25); // 50 512.50
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({
      highWaterMark: 52_000,
      roomTrailing: 12.5,
      state: "ACTIVE",
    });
    r.session.quote(ES, 5010); // 50 500 = floor
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ lockKind: "trailing", highWaterMark: 52_000 });
  });

  it("daily profit target: $487.50 no, $500.00 breach, and the account is flattened and locked", async () => {
    const r = await setup({ dailyProfitTarget: 500 });
    r.session.quote(ES, 5009.75);
    await flush();
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    r.session.quote(ES, 5010);
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect(r.session.positions(11)[0]?.netPos).toBe(0);
    expect(r.engine.snapshot("F1")).toMatchObject({ cashBalance: 50_500, lockKind: "profit" });
    expect(statesOf(r.events, "F1")).toEqual([
      expect.stringMatching(/^LIQUIDATE_ONLY: daily profit target/),
      expect.stringMatching(/^LOCKED: daily profit target/),
    ]);
  });

  it("a position change trips a limit too (not only a price)", async () => {
    const r = await setup({ dailyLoss: 1000 });
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4990); // −500 on 1 lot
    await flush();
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    r.session.setPosition(11, ES, 2, 5000); // now −1000 on 2 lots
    expect(r.engine.gate("F1").state).toBe("LIQUIDATE_ONLY");
  });

  it("values several contracts with their own point values", async () => {
    const r = await setup({});
    r.session.prices.set(NQ.id, 18_000);
    r.session.setPosition(11, NQ, -2, 18_000);
    r.session.quote(NQ, 17_990); // −2 × −10 × 20 = +400
    r.session.quote(ES, 5001); // +50
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ netLiq: 50_450, dayPnl: 450 });
  });

  it("max trades per day: openings counted, tradesLeft reaches 0, no flatten and no lock", async () => {
    const r = await setup({ maxTradesPerDay: 2 });
    expect(r.engine.gate("F1").tradesLeft).toBe(2);
    r.engine.recordOpening("F1");
    expect(r.engine.gate("F1")).toMatchObject({ state: "ACTIVE", tradesLeft: 1 });
    r.engine.recordOpening("F1");
    await flush();
    expect(r.engine.gate("F1")).toMatchObject({ state: "ACTIVE", tradesLeft: 0 });
    expect(r.log.filter((l) => l.startsWith("liquidate"))).toEqual([]);
    // Trade counts are saved lazily, within a second.
    await r.clock.advance(1000);
    expect(r.store.state.followers.F1?.tradesToday).toBe(2);
  });

  it("the gate is the same object until something in it changes (no allocation on the hot path)", async () => {
    const r = await setup({ dailyLoss: 1000 });
    const g = r.engine.gate("F1");
    r.session.quote(ES, 4999);
    expect(r.engine.gate("F1")).toBe(g);
    expect(r.engine.gate("nobody")).toMatchObject({ state: "ACTIVE", brokerLocked: false });
  });

  it("throttles risk snapshots per follower and always delivers the latest", async () => {
    const r = await setup({ dailyLoss: 5000 });
    const before = r.events.filter((e) => e.type === "risk").length;
    for (let i = 1; i <= 20; i++) r.session.quote(ES, 5000 + i * 0.25);
    const during = r.events.filter((e) => e.type === "risk").length - before;
    expect(during).toBeLessThanOrEqual(1);
    await r.clock.advance(250);
    const last = r.events.filter((e) => e.type === "risk").at(-1);
    expect(last).toMatchObject({ type: "risk", netLiq: 50_250 });
  });
});
