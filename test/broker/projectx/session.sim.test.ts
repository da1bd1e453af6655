import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/fakeTradovate.js";
import { type PxHarness, pxAccountId, startPxHarness } from "./harness.js";

let h: PxHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe("ProjectX session against the simulator's ProjectX face", () => {
  it("logs in with the API key, syncs the configured accounts and maps contracts to canonical names", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open({ accounts: ["TSX5001"] });
    h.sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    await session.start();
    expect(session.state()).toBe("connected");
    const sync = await seen.next("sync");
    expect(sync.initial).toBe(true);
    expect(sync.accounts.map((a) => a.name)).toEqual(["TSX5001"]);
    expect(sync.positions).toEqual([
      expect.objectContaining({ contractId: "CON.F.US.EP.Z26", contract: "ESZ6", netPos: 2 }),
    ]);
    // The trade made before the start is history: out once for the journal, never a fill.
    expect(sync.fillIds).toEqual([]);
    await seen.next("historyFill");
    expect(seen.of("fill")).toEqual([]);
    expect(session.broker).toBe("projectx");
    expect(session.cashBalance(pxAccountId(h.sim, "TSX5001"))?.amount).toBeLessThan(50_000);
    const spec = await session.findContract("ESZ6");
    expect(spec).toEqual({ id: "CON.F.US.EP.Z26", name: "ESZ6", root: "ES", tickSize: 0.25, pointValue: 50 });
    expect(await session.findContract("ESZ9")).toBeUndefined();
  });

  it("places a market order with the clOrdId as customTag; the fill comes once, named by its trade", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5002");
    const result = await session.placeOrder({
      accountId,
      accountName: "TSX5002",
      symbol: "MNQZ6",
      action: "Sell",
      qty: 3,
      clOrdId: "mk-77-5002",
    });
    expect(result).toMatchObject({ ok: true });
    const fill = await seen.next("fill");
    expect(fill).toMatchObject({
      accountId,
      contract: "MNQZ6",
      contractId: "CON.F.US.MNQ.Z26",
      side: "Sell",
      qty: 3,
      clOrdId: "mk-77-5002",
    });
    expect(fill.fillId).toBeGreaterThan(0);
    await seen.next("position", (e) => e.position.netPos === -3);
    const orders = h.sim.control.records().orders.filter((o) => o.accountName === "TSX5002");
    expect(orders).toEqual([expect.objectContaining({ clOrdId: "mk-77-5002", qty: 3, status: "Filled" })]);
    // The same clOrdId again is refused by ProjectX: a copy never goes twice.
    const again = await session.placeOrder({
      accountId,
      accountName: "TSX5002",
      symbol: "MNQZ6",
      action: "Sell",
      qty: 3,
      clOrdId: "mk-77-5002",
    });
    expect(again).toMatchObject({ ok: false, failureReason: "OrderRejected" });
    expect(!again.ok && again.failureText).toMatch(/custom tag/);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.of("fill")).toHaveLength(1);
  });

  it("maps every refusal to a reason: canTrade false, a contract ProjectX lacks, a closed market", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const order = (symbol: string, clOrdId: string) =>
      session.placeOrder({ accountId, accountName: "TSX5001", symbol, action: "Buy", qty: 1, clOrdId });
    h.sim.control.setCanTrade("TSX5001", false);
    const locked = await seen.next("riskStatus", (e) => e.locked);
    expect(locked).toMatchObject({ accountId, adminAction: "canTrade: false" });
    expect(await order("ESZ6", "a")).toMatchObject({ ok: false, failureReason: "AccountViolation" });
    h.sim.control.setCanTrade("TSX5001", true);
    await seen.next("riskStatus", (e) => !e.locked);
    const missing = await order("ZZZ6", "b");
    expect(missing).toMatchObject({ ok: false, failureReason: "InvalidContract" });
    expect(!missing.ok && missing.failureText).toMatch(/symbols/);
    h.sim.control.marketClosed(true);
    expect(await order("ESZ6", "c")).toMatchObject({ ok: false, failureReason: "OutsideTradingHours" });
  });

  it("liquidates with closeContract and cancels a working order by id", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    h.sim.control.manualTrade("TSX5001", "NQZ6", "Buy", 2);
    const opened = await seen.next("position", (e) => e.position.netPos === 2);
    expect(opened.position.contractId).toBe("CON.F.US.ENQ.Z26");
    const price = h.sim.control.price("NQ")!;
    const placed = h.sim.control.placeOrder("TSX5001", {
      symbol: "NQZ6",
      action: "Sell",
      qty: 1,
      orderType: "Limit",
      price: price + 100,
    });
    const orderId = (placed as { orderId: number }).orderId;
    await seen.next("orderStatus", (e) => e.orderId === orderId && e.status === "Working");
    expect(session.workingOrders(accountId)).toEqual([
      {
        orderId,
        accountId,
        contractId: "CON.F.US.ENQ.Z26",
        contract: "NQZ6",
        side: "Sell",
        orderType: "Limit",
        qty: 1,
        filledQty: 0,
        price: price + 100,
        status: "Working",
        placedAt: expect.any(Number),
      },
    ]);
    // Moved by Order/modify: the same order at the new price.
    expect(
      await session.modifyOrder({ accountId, orderId, qty: 1, orderType: "Limit", price: price + 50 }),
    ).toMatchObject({ ok: true, orderId });
    await seen.next("orderUpdate", (e) => e.order.orderId === orderId && e.order.price === price + 50);
    // ProjectX never changes an order's type: refused before any request, with what to do.
    expect(
      await session.modifyOrder({ accountId, orderId, qty: 1, orderType: "Stop", stopPrice: price - 50 }),
    ).toMatchObject({ ok: false, failureReason: "UnsupportedModify" });
    expect(await session.cancelOrder(orderId)).toMatchObject({ ok: true });
    await seen.next("orderStatus", (e) => e.orderId === orderId && e.status === "Canceled");
    expect(await session.liquidatePosition(accountId, "CON.F.US.ENQ.Z26")).toMatchObject({ ok: true });
    await seen.next("position", (e) => e.position.netPos === 0);
    expect(h.sim.control.records().positions.find((p) => p.accountName === "TSX5001")?.netPos).toBe(0);
    // Flat already (a flatten tried again before the hub told of the first close): ProjectX's
    // "no position" is what the close wants, and nothing more is placed.
    const orders = h.sim.control.records().orders.length;
    expect(await session.liquidatePosition(accountId, "CON.F.US.ENQ.Z26")).toMatchObject({ ok: true });
    expect(h.sim.control.records().orders.length).toBe(orders);
  });

  it("after a hub drop it reconnects, subscribes again and resyncs; missed fills are history", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    expect(h.sim.control.socketCount({ user: "topstep" })).toBe(2);
    h.sim.control.dropSockets({ user: "topstep" });
    await seen.next("connection", (e) => e.state === "reconnecting");
    h.sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    const resync = await seen.next("sync", (e) => !e.initial);
    expect(resync.positions).toEqual([expect.objectContaining({ contract: "ESZ6", netPos: -1 })]);
    await waitFor(() => session.state() === "connected", 3000, "connected again");
    // Subscriptions were made again on the new connection: live fills flow.
    h.sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    const live = await seen.next("fill");
    expect(live).toMatchObject({ side: "Buy", qty: 1, contract: "ESZ6" });
    expect(resync.fillIds).not.toContain(live.fillId);
  });

  it("an order cancelled while the hub was down is not listed as working after the resync", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const price = h.sim.control.price("ES")!;
    const placed = h.sim.control.placeOrder("TSX5001", {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: price - 50,
    });
    const orderId = (placed as { orderId: number }).orderId;
    await seen.next("orderStatus", (e) => e.orderId === orderId && e.status === "Working");
    h.sim.control.dropSockets({ user: "topstep" });
    await seen.next("connection", (e) => e.state === "reconnecting");
    h.sim.control.cancelOrder(orderId);
    await seen.next("sync", (e) => !e.initial);
    // Order/search lists it cancelled (projectx-protocol.md "Endpoints"): it works no more.
    expect(session.workingOrders(accountId)).toEqual([]);
  });

  it("cancels an order it has just placed, before the hub tells of it", async () => {
    h = await startPxHarness();
    const { session } = h.open();
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const price = h.sim.control.price("ES")!;
    const placed = await session.placeOrder({
      accountId,
      accountName: "TSX5001",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: price - 50,
      clOrdId: "placed-then-cancelled",
    });
    expect(placed).toMatchObject({ ok: true });
    const orderId = (placed as { orderId: number }).orderId;
    // Order/place's answer names the order (projectx-protocol.md "Endpoints"): its account is
    // known, so Order/cancel {accountId, orderId} can go without waiting for GatewayUserOrder.
    expect(await session.cancelOrder(orderId)).toMatchObject({ ok: true, orderId });
    const order = h.sim.control.records().orders.find((o) => o.clOrdId === "placed-then-cancelled");
    expect(order?.status).toBe("Canceled");
  });

  it("a resync overtaken by a hub drop never says connected over the dead hub", async () => {
    h = await startPxHarness();
    const sim = h.sim;
    let dropDuringSnapshot = true;
    let state = () => "";
    // The hub drops while the snapshot is being read over REST.
    const fetchImpl: typeof fetch = async (input, init) => {
      if (dropDuringSnapshot && String(input).endsWith("/api/Trade/search")) {
        dropDuringSnapshot = false;
        sim.control.dropSockets({ user: "topstep" });
        await waitFor(() => state() === "reconnecting", 3000, "reconnecting");
      }
      return fetch(input, init);
    };
    const { session, seen } = h.open({ fetchImpl, reconnect: { initialMs: 1000, maxMs: 1000 } });
    state = () => session.state();
    await session.start();
    await new Promise((r) => setTimeout(r, 200));
    // The subscriptions died with that connection (projectx-protocol.md "Real time"): not synced yet.
    expect(session.state()).toBe("reconnecting");
    expect(seen.of("sync")).toEqual([]);
    const sync = await seen.next("sync");
    expect(sync.initial).toBe(true);
    expect(session.state()).toBe("connected");
  });

  it("a bad API key stops logins with the reason, and never shows the key", async () => {
    h = await startPxHarness();
    const { session, seen, logger } = h.open({ apiKey: "wrong-key-123" });
    await session.start();
    expect(session.state()).toBe("reauth-needed");
    const down = seen.of("connection").at(-1);
    expect(down?.reason).toMatch(/ProjectX refused the login \(3: invalid credentials/);
    expect(JSON.stringify(seen.events) + logger.lines.join("\n")).not.toContain("wrong-key-123");
  });

  it("the budget is ProjectX's minute: an opening goes now or is refused at once; exits keep a reserve", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open({ rateLimit: { perMinute: 40 } });
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const before = session.rateBudget();
    expect(before).toMatchObject({ limit: 40, windowMs: 60_000 });
    // Login, accounts twice, three reads per account for the snapshot, token checks for the hubs.
    expect(before.left).toBeLessThanOrEqual(40 - 9);
    const order = (i: number, exit = false) =>
      session.placeOrder({
        accountId,
        accountName: "TSX5001",
        symbol: "ESZ6",
        action: "Buy",
        qty: 1,
        clOrdId: `b-${i}`,
        exit,
      });
    const results = [];
    for (let i = 0; i < before.left + 1; i++) results.push(await order(i));
    const refused = results.filter((r) => !r.ok);
    // 2 of 40 are kept for exits: the openings stop there, refused at once with "request budget".
    expect(results.filter((r) => r.ok)).toHaveLength(before.left - 2);
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => !r.ok && r.failureReason === "request budget")).toBe(true);
    expect(await order(99, true)).toMatchObject({ ok: true });
    expect(session.rateBudget().refused).toBe(3);
    const alert = await seen.next("brokerAlert", (e) => /request budget/.test(e.message));
    expect(alert.message).toMatch(/minute window/);
  });

  it("a 429 pauses every request for a short while, said once; orders meanwhile fail at once", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open({ rateLimit: { lockoutMs: 60_000 } });
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    h.sim.control.rateLimit(true);
    const order = (id: string) =>
      session.placeOrder({
        accountId,
        accountName: "TSX5001",
        symbol: "ESZ6",
        action: "Buy",
        qty: 1,
        clOrdId: id,
      });
    expect(await order("r1")).toMatchObject({ ok: false, failureReason: "RateLimited" });
    expect(await order("r2")).toMatchObject({ ok: false, failureReason: "RateLimited" });
    expect(session.rateBudget().blockedUntil).toBeGreaterThan(Date.now());
    expect(seen.of("brokerAlert").filter((e) => /429/.test(e.message))).toHaveLength(1);
    expect(h.sim.control.records().orders.filter((o) => o.accountName === "TSX5001")).toEqual([]);
  });

  it("a token the server stopped taking is replaced by a new login, and the order still goes", async () => {
    h = await startPxHarness();
    const { session } = h.open();
    await session.start();
    h.sim.control.expireTokens();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const result = await session.placeOrder({
      accountId,
      accountName: "TSX5001",
      symbol: "ESZ6",
      action: "Sell",
      qty: 1,
      clOrdId: "after-expiry",
    });
    expect(result).toMatchObject({ ok: true });
    // A hub reconnect checks the token first, so it does not offer the dead one.
    h.sim.control.dropSockets({ user: "topstep" });
    await waitFor(() => session.state() === "reconnecting", 3000, "reconnecting");
    await waitFor(() => session.state() === "connected", 5000, "connected again with a fresh token");
  });

  it("a login refused for good mid-session stays the state when the hub drops after it", async () => {
    h = await startPxHarness();
    let revoked = false;
    // The API add-on lapses (projectx-protocol.md "Auth": login error 9): no retry can mend it.
    const fetchImpl: typeof fetch = async (input, init) =>
      revoked && String(input).endsWith("/api/Auth/loginKey")
        ? Response.json({ token: null, success: false, errorCode: 9, errorMessage: "No API subscription" })
        : fetch(input, init);
    const { session } = h.open({ fetchImpl });
    await session.start();
    revoked = true;
    h.sim.control.expireTokens();
    const order = {
      accountId: pxAccountId(h.sim, "TSX5001"),
      accountName: "TSX5001",
      symbol: "ESZ6",
      action: "Sell" as const,
      qty: 1,
      clOrdId: "after-revoke",
    };
    expect(await session.placeOrder(order)).toMatchObject({ ok: false });
    expect(session.state()).toBe("reauth-needed");
    h.sim.control.dropSockets({ user: "topstep" });
    // Orders are refused as "Disconnected" once the session has heard of the drop.
    const end = Date.now() + 5000;
    for (;;) {
      const r = await session.placeOrder(order);
      if (!r.ok && r.failureReason === "Disconnected") break;
      if (Date.now() > end) throw new Error("the hub drop was never heard");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(session.state()).toBe("reauth-needed");
  });

  it("quotes for a contract whose lookup fails: logged, never an unhandled rejection", async () => {
    h = await startPxHarness();
    const { session, seen, logger } = h.open({ rateLimit: { lockoutMs: 60_000 } });
    await session.start();
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      // Contract/searchById answered 429 (projectx-protocol.md "Rate limits").
      h.sim.control.rateLimit(true);
      session.subscribeQuotes("NQZ6");
      await seen.next("brokerAlert", (e) => /429/.test(e.message));
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(logger.lines.some((l) => /contract lookup failed/.test(l))).toBe(true);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("a trade heard after the balance that booked it: the day's start is told right once it comes", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open({ accounts: ["TSX5001"] });
    await session.start();
    const accountId = pxAccountId(h.sim, "TSX5001");
    const start = session.cashBalance(accountId)?.dayStart?.balance;
    expect(start).toBe(50_000);
    h.sim.control.setFee("NQZ6", 2);
    h.sim.control.manualTrade("TSX5001", "NQZ6", "Buy", 1);
    await seen.next("position", (e) => e.position.netPos === 1);
    await seen.next("balance", (e) => e.amount === 49_998);
    // The close's trade (−$100, $2 of fees) goes out after its account update.
    h.sim.control.delayTrades("TSX5001", 300);
    h.sim.control.jumpPrice("NQZ6", -5);
    h.sim.control.manualTrade("TSX5001", "NQZ6", "Sell", 1);
    const early = await seen.next("balance", (e) => e.amount === 49_896);
    expect(early.dayStart?.balance).toBe(49_898);
    // The fill is made up from the order's fillVolume; its trade comes 300 ms after.
    await seen.next("fill");
    await new Promise((r) => setTimeout(r, 800));
    // No balance follows the trade: without one told now, the start would stay $102 out.
    expect(seen.of("balance").at(-1)?.dayStart?.balance).toBe(start);
    expect(seen.of("balance").at(-1)?.amount).toBe(49_896);
    expect(session.cashBalance(accountId)?.dayStart?.balance).toBe(start);
  });

  it("duplicated hub events make one fill", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    h.sim.control.duplicateEvents(true);
    h.sim.control.manualTrade("TSX5002", "NQZ6", "Buy", 2);
    await seen.next("position", (e) => e.position.netPos === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.of("fill")).toHaveLength(1);
    expect(seen.of("position").filter((e) => e.position.netPos === 2)).toHaveLength(1);
  });
});

describe("ProjectX market hub drop, as the trader reads it", () => {
  it("says why in words that read whole inside an alert (no stray period before the colon)", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    h.sim.control.dropSockets({ user: "topstep", kind: "md" });
    const down = await seen.next("marketData", (e) => !e.up);
    expect(down.reason).toMatch(/^market hub (lost|closed): /);
    expect(down.reason).not.toMatch(/\.$/);
  });
});

describe("ProjectX market hub reconnect with a contract ProjectX refuses", () => {
  it("subscribes the others and is up again: one refusal does not keep every quote away", async () => {
    h = await startPxHarness();
    const { session, seen } = h.open();
    await session.start();
    session.subscribeQuotes("ESZ9"); // no such contract at ProjectX: its subscription is refused
    session.subscribeQuotes("NQZ6");
    await seen.next("quote", (e) => e.contract === "NQZ6");
    const since = seen.events.length;
    const sinceDrop = () => seen.events.slice(since);
    h.sim.control.dropSockets({ user: "topstep", kind: "md" });
    await waitFor(() => sinceDrop().some((e) => e.type === "marketData" && e.up), 5000, "market data back");
    h.sim.control.jumpPrice("NQ", 5);
    await waitFor(
      () => sinceDrop().some((e) => e.type === "quote" && e.contract === "NQZ6"),
      5000,
      "NQZ6 quotes",
    );
  });
});
