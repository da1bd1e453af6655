/** The broker client against the real simulator over real sockets. */
import { afterEach, describe, expect, it } from "vitest";
import type { FillEvent } from "../../engine/types.js";
import { waitFor } from "./helpers/fakeTradovate.js";
import { type SimHarness, startSimHarness } from "./helpers/sim.js";

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

function account(session: { accounts(): Array<{ id: number; name: string }> }, name: string) {
  const a = session.accounts().find((x) => x.name === name);
  if (!a) throw new Error(`no account ${name}`);
  return a;
}

describe("BrokerSession against the simulator", () => {
  it("logs in, syncs every account of the login and resolves contracts", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    expect(session.state()).toBe("connected");
    const sync = await seen.next("sync");
    expect(sync.initial).toBe(true);
    expect(sync.accounts.map((a) => a.name).sort()).toEqual(["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"]);
    const es = await session.findContract("ESZ6");
    expect(es).toMatchObject({ name: "ESZ6", root: "ES", tickSize: 0.25, pointValue: 50 });
    expect(session.contractByName("ESZ6")).toEqual(es);
    expect(await session.findContract("ZZZZ9")).toBeUndefined();
    const acc = account(session, "DEMO1000");
    expect(session.cashBalance(acc.id)).toEqual({
      amount: 50_000,
      realizedPnL: 0,
      dayStart: { tradingDay: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), balance: 50_000 },
      weekStart: { tradingWeek: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), balance: 50_000 },
    });
  });

  it("syncs only the configured accounts", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open({ accounts: ["DEMO2001"] });
    await session.start();
    expect((await seen.next("sync")).accounts.map((a) => a.name)).toEqual(["DEMO2001"]);
  });

  it("places a market order: orderId, FillEvent with clOrdId, position, balance; then P&L on close", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    const acc = account(session, "DEMO1000");
    h.sim.control.setPrice("ES", 6800);
    const result = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      clOrdId: "cp-open-1",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.ackAt).toBeGreaterThanOrEqual(result.writtenAt);
    const fill = await seen.next("fill", (f) => f.orderId === result.orderId);
    expect(fill).toMatchObject({
      accountId: acc.id,
      contract: "ESZ6",
      side: "Buy",
      qty: 2,
      price: 6800,
      clOrdId: "cp-open-1",
    });
    const pos = await seen.next(
      "position",
      (p) => p.position.accountId === acc.id && p.position.netPos === 2,
    );
    expect(pos.position).toMatchObject({ contract: "ESZ6", netPrice: 6800 });
    expect(session.positions(acc.id)).toEqual([expect.objectContaining({ netPos: 2, netPrice: 6800 })]);
    await seen.next("orderStatus", (o) => o.orderId === result.orderId && o.status === "Filled");

    h.sim.control.setPrice("ES", 6810);
    const close = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      clOrdId: "cp-close-1",
    });
    expect(close.ok).toBe(true);
    await seen.next("position", (p) => p.position.accountId === acc.id && p.position.netPos === 0);
    // 10 points × $50 × 2 contracts.
    const balance = await seen.next("balance", (b) => b.accountId === acc.id && b.realizedPnL !== 0);
    expect(balance.realizedPnL).toBe(1000);
    expect(session.cashBalance(acc.id)?.realizedPnL).toBe(1000);
  });

  it("copies a manual trade's fill without clOrdId, and liquidates the position", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    const acc = account(session, "DEMO2002");
    const manual = h.sim.control.manualTrade("DEMO2002", "NQZ6", "Sell", 3);
    expect("orderId" in manual).toBe(true);
    const fill = await seen.next("fill", (f) => f.accountId === acc.id);
    expect(fill).toMatchObject({ contract: "NQZ6", side: "Sell", qty: 3, clOrdId: undefined });
    expect(session.contractById(fill.contractId)).toMatchObject({ root: "NQ", pointValue: 20 });
    const liq = await session.liquidatePosition(acc.id, fill.contractId);
    expect(liq.ok).toBe(true);
    await seen.next("position", (p) => p.position.accountId === acc.id && p.position.netPos === 0);
  });

  it("cancels an order", async () => {
    h = await startSimHarness();
    const { session } = h.open();
    await session.start();
    const r = await session.cancelOrder(987_654_321);
    // Unknown order: the simulator refuses; the result is a value, never a throw.
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failureReason).toBeTruthy();
  });

  it("surfaces failureReason of a rejected order (reply and event modes)", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    const acc = account(session, "DEMO2003");
    h.sim.control.rejectOrders("DEMO2003", "TradingLocked", "Account is locked");
    const r = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "cp-rej",
    });
    expect(r).toMatchObject({ ok: false, failureReason: "TradingLocked", failureText: "Account is locked" });

    h.sim.control.rejectOrders("DEMO2003", "MaxPosLimitReached", "too big", "event");
    const accepted = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "cp-rej-2",
    });
    expect(accepted.ok).toBe(true);
    const status = await seen.next("orderStatus", (o) => o.status === "Rejected" && o.clOrdId === "cp-rej-2");
    expect(status.accountId).toBe(acc.id);
    // Said as a refused answer is: the reason and Tradovate's text for it.
    expect(status.rejectReason).toBe("MaxPosLimitReached: too big");
  });

  it("streams quotes from the market-data socket", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    session.subscribeQuotes("ESZ6");
    await seen.next("quote", (q) => q.contract === "ESZ6");
    h.sim.control.setPrice("ES", 6900);
    const q = await seen.next("quote", (x) => x.price === 6900);
    expect(session.lastPrice(q.contractId)).toBe(6900);
  });

  it("renews the token before it expires, without logging in again", async () => {
    h = await startSimHarness({ tokenLifetimeMs: 1500 });
    const { session, logger } = h.open({ renewBeforeMs: 1000 });
    await session.start();
    await waitFor(() => logger.lines.filter((l) => l.includes("renewed")).length >= 2, 6000, "two renewals");
    expect(logger.lines.filter((l) => l.includes("logged in")).length).toBe(1);
    // REST still works with the renewed token.
    expect(await session.findContract("MESZ6")).toMatchObject({ root: "MES" });
    expect(session.state()).toBe("connected");
  });

  it("logs in again when the token was expired behind its back and the socket drops", async () => {
    h = await startSimHarness();
    const { session, seen, logger } = h.open();
    await session.start();
    h.sim.control.expireTokens();
    h.sim.control.dropSockets();
    await seen.next("sync", (s) => !s.initial, 8000);
    expect(logger.lines.filter((l) => l.includes("logged in")).length).toBe(2);
  });

  it("reconnects and re-syncs after the sockets drop; missed fills are history", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    const acc = account(session, "DEMO1000");
    h.sim.control.dropSockets();
    await seen.next("connection", (c) => c.state === "reconnecting");
    // A trade while we are away: it must come back as snapshot history, not as a FillEvent.
    h.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const gap = h.sim.control.records().fills.at(-1)!;
    const resync = await seen.next("sync", (s) => !s.initial, 8000);
    const history = await seen.next("historyFill", (f) => f.fillId === gap.fillId);
    await waitFor(() => session.state() === "connected");
    expect(resync.positions).toEqual(
      expect.arrayContaining([expect.objectContaining({ accountId: acc.id, contract: "ESZ6", netPos: 1 })]),
    );
    expect(history).toMatchObject({ accountId: acc.id, contract: "ESZ6", side: "Buy", qty: 1 });
    expect(resync.fillIds).not.toContain(gap.fillId);
    expect(seen.of("fill")).toEqual([]);
    const states = seen.of("connection").map((c) => c.state);
    expect(states.slice(-2)).toEqual(["reconnecting", "connected"]);
    // And live events flow again on the new socket.
    h.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await seen.next("fill", (f: FillEvent) => f.accountId === acc.id && f.side === "Sell");
  });

  it("is dropped by the simulator when it stops heartbeating, and reconnects", async () => {
    h = await startSimHarness({ heartbeatTimeoutMs: 400 });
    // Heartbeats far too slow: the server must drop the socket.
    const { session, seen } = h.open({ heartbeatMs: 60_000 });
    await session.start();
    await seen.next("connection", (c) => c.state === "reconnecting", 5000);
    await seen.next("sync", (s) => !s.initial, 5000);
  });

  it("keeps a heartbeating socket alive past the server's timeout", async () => {
    h = await startSimHarness({ heartbeatTimeoutMs: 400 });
    const { session, seen } = h.open({ heartbeatMs: 100 });
    await session.start();
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen.of("connection").map((c) => c.state)).toEqual(["connecting", "connected"]);
  });

  it("reconnects after a shutdown notice", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    expect(h.sim.control.shutdownSockets("Maintenance", "weekly")).toBeGreaterThan(0);
    const lost = await seen.next("connection", (c) => c.state === "reconnecting");
    expect(lost.reason).toMatch(/Maintenance|closed/);
    await seen.next("sync", (s) => !s.initial, 5000);
  });

  it("emits each fill once when the simulator duplicates and reorders events", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    h.sim.control.duplicateEvents(true);
    h.sim.control.reorderEvents(true);
    for (let i = 0; i < 5; i++) h.sim.control.manualTrade("DEMO2001", "ESZ6", i % 2 ? "Sell" : "Buy", 1);
    await waitFor(() => seen.of("fill").length >= 5, 5000, "five fills");
    await new Promise((r) => setTimeout(r, 200));
    const ids = seen.of("fill").map((f) => f.fillId);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it("waits out an order penalty ticket and resends with p-ticket", async () => {
    h = await startSimHarness();
    const { session } = h.open();
    await session.start();
    const acc = account(session, "DEMO1000");
    h.sim.control.penaltyTicket(1, 1);
    const r = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "cp-pen",
    });
    expect(r.ok).toBe(true);
    const orders = h.sim.control.records().orders.filter((o) => o.orderId !== null);
    expect(orders).toHaveLength(1);
  });

  it("stops on a captcha login penalty with a clear reason", async () => {
    h = await startSimHarness();
    h.sim.control.penaltyTicket(1, 1, true);
    const { session, seen } = h.open();
    await session.start();
    expect(session.state()).toBe("reauth-needed");
    expect(seen.of("connection").at(-1)?.reason).toMatch(/captcha/);
  });

  it("on 429 pauses requests, reports blockedUntil, and fails orders fast", async () => {
    h = await startSimHarness();
    const { session } = h.open({ rateLimit: { perMinute: 80, perHour: 5000, lockoutMs: 60_000 } });
    await session.start();
    const acc = account(session, "DEMO1000");
    h.sim.control.rateLimit(true);
    const req = { accountId: acc.id, accountName: acc.name, symbol: "ESZ6", action: "Buy" as const, qty: 1 };
    const first = await session.placeOrder({ ...req, clOrdId: "cp-429-a" });
    expect(first).toMatchObject({ ok: false, failureReason: "RateLimited" });
    expect(session.rateBudget().blockedUntil).toBeGreaterThan(Date.now());
    h.sim.control.rateLimit(false);
    const second = await session.placeOrder({ ...req, clOrdId: "cp-429-b" });
    // Still inside our own lockout: nothing is sent.
    expect(second).toMatchObject({ ok: false, failureReason: "RateLimited" });
    expect(second.writtenAt).toBeUndefined();
    expect(h.sim.control.records().orders.filter((o) => o.orderId !== null)).toHaveLength(0);
    expect(session.state()).toBe("connected");
  });

  it("can be stopped and started again", async () => {
    h = await startSimHarness();
    const { session, seen } = h.open();
    await session.start();
    await session.stop();
    expect(session.state()).toBe("down");
    await session.start();
    expect(session.state()).toBe("connected");
    expect(seen.of("sync").map((s) => s.initial)).toEqual([true, false]);
    const acc = account(session, "DEMO1000");
    const r = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "cp-restart",
    });
    expect(r.ok).toBe(true);
  });

  it("counts requests against the budget", async () => {
    h = await startSimHarness();
    const { session } = h.open({ rateLimit: { perMinute: 50, perHour: 1000 } });
    await session.start();
    const before = session.rateBudget();
    // Not in the snapshot's contracts, so this is a real request.
    expect(await session.findContract("QQQZ9")).toBeUndefined();
    const after = session.rateBudget();
    expect(after.left).toBeLessThan(before.left);
    expect(after.windowMs).toBe(3_600_000);
  });
});
