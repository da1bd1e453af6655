import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { get, login, post, RawClient, startSim, waitFor, waitForAsync } from "./helpers.js";

/** The simulator's frames and replies against the shapes in tradovate-protocol.md, over real sockets. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function open(token?: string, heartbeat = true, url = sim.wsUrl): Promise<RawClient> {
  const c = token ? await RawClient.authorized(sim, token, heartbeat, url) : await RawClient.open(url);
  clients.push(c);
  return c;
}

const DEMO1000 = 700001;

describe("auth over REST (§2)", () => {
  it("returns an AccessTokenResponse for good credentials", async () => {
    sim = await startSim();
    const r = await post(sim, "/v1/auth/accesstokenrequest", {
      name: "demo",
      password: "demo",
      appId: "t",
      appVersion: "1",
      cid: 1,
      sec: "s",
      deviceId: "d",
    });
    expect(r.status).toBe(200);
    const body = r.json as Record<string, unknown>;
    expect(body).toMatchObject({ userStatus: "Active", name: "demo", userId: expect.any(Number) });
    expect(typeof body.accessToken).toBe("string");
    expect(typeof body.mdAccessToken).toBe("string");
    const expires = Date.parse(body.expirationTime as string);
    expect(expires - Date.now()).toBeGreaterThan(80 * 60_000);
  });

  it("answers bad credentials with HTTP 200 and errorText, no token", async () => {
    sim = await startSim();
    const r = await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "nope" });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ errorText: expect.stringMatching(/password/i) });
    const unknown = await post(sim, "/v1/auth/accesstokenrequest", {});
    expect(unknown.json).toHaveProperty("errorText");
  });

  it("refuses REST calls without a valid token with 401", async () => {
    sim = await startSim();
    expect((await get(sim, "/v1/account/list")).status).toBe(401);
    expect((await get(sim, "/v1/account/list", "garbage")).status).toBe(401);
  });

  it("expired tokens get 401; renewal issues a new token that works; WS stays open after expiry", async () => {
    sim = await startSim();
    const t = await login(sim);
    const ws = await open(t.accessToken);
    const renewed = await get(sim, "/v1/auth/renewaccesstoken", t.accessToken);
    expect(renewed.status).toBe(200);
    const nt = renewed.json as { accessToken: string; expirationTime: string };
    expect(nt.accessToken).not.toBe(t.accessToken);
    expect(Date.parse(nt.expirationTime)).toBeGreaterThanOrEqual(Date.parse(t.expirationTime));
    expect((await get(sim, "/v1/account/list", nt.accessToken)).status).toBe(200);

    sim.control.expireTokens();
    expect((await get(sim, "/v1/account/list", nt.accessToken)).status).toBe(401);
    expect((await get(sim, "/v1/auth/renewaccesstoken", nt.accessToken)).status).toBe(401);
    // The authorized socket keeps working; a new socket cannot authorize with the dead token.
    expect((await ws.request("account/list")).s).toBe(200);
    const fresh = await open();
    expect(await fresh.request("authorize", undefined, nt.accessToken)).toMatchObject({ s: 401 });
  });

  it("tokens expire on their own after tokenLifetimeMs", async () => {
    sim = await startSim({ tokenLifetimeMs: 150 });
    const t = await login(sim);
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(200);
    await waitForAsync(
      async () => (await get(sim, "/v1/account/list", t.accessToken)).status === 401,
      "token to expire",
    );
  });

  it("a third login ends the oldest session: its token is dead and its sockets close", async () => {
    sim = await startSim();
    const first = await login(sim);
    const ws = await open(first.accessToken);
    const second = await login(sim);
    const other = await login(sim, "prop");
    expect((await get(sim, "/v1/account/list", first.accessToken)).status).toBe(200);
    const third = await login(sim);
    await waitFor(() => ws.closed, "oldest socket closed");
    expect(ws.frames.at(-1)).toMatch(/^c\[\d+,".+"\]$/);
    // A superseded session answers 408, as Tradovate does (SDK JSDoc), not 401.
    expect((await get(sim, "/v1/account/list", first.accessToken)).status).toBe(408);
    for (const t of [second, third, other])
      expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(200);
  });
});

describe("socket framing (§3)", () => {
  it("sends o on connect and accepts authorize with a raw or JSON-quoted token, even before o is seen", async () => {
    sim = await startSim();
    const t = await login(sim);
    const a = await open();
    const idA = a.send("authorize", undefined, t.accessToken); // sent without waiting for o
    await waitFor(() => a.messages.find((m) => m.i === idA), "authorize reply");
    expect(a.frames[0]).toBe("o");
    expect(a.messages.find((m) => m.i === idA)).toEqual({ s: 200, i: idA });

    const b = await open();
    await waitFor(() => b.frames.includes("o"), "o");
    expect(await b.request("authorize", undefined, `"${t.accessToken}"\n`)).toMatchObject({ s: 200 });
    expect(b.frames[1]).toBe(`a[{"s":200,"i":1}]`);
  });

  it("answers a bad token with 401 Invalid access token and refuses requests before authorize", async () => {
    sim = await startSim();
    const c = await open();
    expect(await c.request("authorize", undefined, "not-a-token")).toEqual({
      s: 401,
      i: 1,
      d: "Invalid access token",
    });
    const r = await c.request("account/list");
    expect(r.s).toBe(401);
    expect(typeof r.d).toBe("string");
  });

  it("closes a socket that stops sending, keeps one that sends []", async () => {
    sim = await startSim({ heartbeatTimeoutMs: 300 });
    const t = await login(sim);
    const silent = await open(t.accessToken, false);
    const alive = await open(t.accessToken, true);
    await waitFor(() => silent.closed, "silent socket closed", 5000);
    expect(alive.closed).toBe(false);
  });

  it("closes a socket not authorized in time, even one that sends [] (ISS #23)", async () => {
    sim = await startSim({ heartbeatTimeoutMs: 300 });
    const t = await login(sim);
    const stranger = await open();
    stranger.startHeartbeat();
    const alive = await open(t.accessToken, true);
    await waitFor(() => stranger.closed, "unauthorized socket closed", 5000);
    expect(stranger.frames.at(-1)).toBe('c[1000,"Not authorized"]');
    expect(alive.closed).toBe(false);
  });

  it("sends h to an idle socket", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    await waitFor(() => c.frames.includes("h"), "h frame", 6000);
  });

  it("answers malformed frames with an error reply and keeps serving", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    c.raw("this is not a request");
    c.raw("order/list\nnot-a-number\n\n");
    await waitFor(() => c.messages.filter((m) => m.s === 400).length >= 2, "two 400 replies");
    expect(c.messages.filter((m) => m.s === 400).every((m) => typeof m.d === "string")).toBe(true);
    const badJson = await c.request("order/placeorder", undefined, "{not json");
    expect(badJson).toMatchObject({ s: 400, d: "Invalid JSON body" });
    const unknown = await c.request("quote/subscribe");
    expect(unknown).toMatchObject({ s: 404, d: expect.stringContaining("Not found") });
    expect((await c.request("account/list")).s).toBe(200);
  });

  it("routes any REST endpoint over the socket, case-insensitively", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    const accounts = await c.request("Account/List");
    expect((accounts.d as Array<{ name: string }>).map((a) => a.name)).toEqual([
      "DEMO1000",
      "DEMO2001",
      "DEMO2002",
      "DEMO2003",
    ]);
    const es = await c.request("contract/find", undefined, "", "name=ESZ6");
    expect(es.d).toMatchObject({
      name: "ESZ6",
      id: expect.any(Number),
      contractMaturityId: expect.any(Number),
    });
    const placed = await c.request("order/placeOrder", {
      accountId: DEMO1000,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    });
    expect(placed.d).toEqual({ orderId: expect.any(Number) });
  });
});

describe("sync and order events (§3.5, §3.6)", () => {
  it("snapshot carries every SyncMessage collection and only the user's accounts", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    const r = await c.request("user/syncrequest", { users: [t.userId] });
    expect(r.s).toBe(200);
    const d = r.d as Record<string, unknown[]>;
    for (const key of [
      "users",
      "accounts",
      "accountRiskStatuses",
      "userAccountAutoLiqs",
      "cashBalances",
      "positions",
      "orders",
      "orderVersions",
      "fills",
      "fillPairs",
      "contracts",
      "contractMaturities",
      "products",
      "executionReports",
      "commands",
      "commandReports",
      "marginSnapshots",
      "contractGroups",
      "currencies",
      "exchanges",
      "spreadDefinitions",
      "orderStrategies",
      "orderStrategyLinks",
      "userProperties",
      "properties",
      "userPlugins",
      "orderStrategyTypes",
    ]) {
      expect(Array.isArray(d[key]), key).toBe(true);
    }
    expect(d.users).toEqual([expect.objectContaining({ id: t.userId, name: "demo" })]);
    expect((d.accounts as Array<{ name: string }>).map((a) => a.name)).toEqual([
      "DEMO1000",
      "DEMO2001",
      "DEMO2002",
      "DEMO2003",
    ]);
    expect(d.accounts![0]).toMatchObject({
      id: DEMO1000,
      userId: t.userId,
      accountType: "Customer",
      active: true,
      marginAccountType: "Speculator",
    });
    expect(d.cashBalances).toHaveLength(4);
    expect(d.cashBalances![0]).toMatchObject({
      accountId: DEMO1000,
      amount: 50000,
      realizedPnL: 0,
      currencyId: 1,
    });
    expect(d.products!.find((p) => (p as { name: string }).name === "ES")).toMatchObject({
      tickSize: 0.25,
      valuePerPoint: 50,
    });
  });

  it("accounts:[…] subscribes to just those accounts", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    const r = await c.request("user/syncrequest", { accounts: [700002], splitResponses: true });
    expect((r.d as { accounts: Array<{ id: number }> }).accounts.map((a) => a.id)).toEqual([700002]);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 1);
    await waitFor(() => c.props().some((p) => p.entityType === "fill"), "fill");
    const orders = c.props().filter((p) => p.entityType === "order");
    expect(new Set(orders.map((o) => o.entity.accountId))).toEqual(new Set([700002]));
  });

  it("a market order emits Tradovate's entity sequence with the documented fields", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    await c.request("user/syncrequest", { users: [t.userId] });
    sim.control.setPrice("ES", 6800);
    const reply = await c.request("order/placeorder", {
      accountSpec: "DEMO1000",
      accountId: DEMO1000,
      clOrdId: "cp-1",
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 2,
      orderType: "Market",
      isAutomated: true,
    });
    const orderId = (reply.d as { orderId: number }).orderId;
    await waitFor(() => c.props().some((p) => p.entityType === "cashBalance"), "cashBalance event");
    const replyIndex = c.messages.findIndex((m) => m.i === reply.i);
    const firstEvent = c.messages.findIndex((m) => m.e === "props");
    expect(replyIndex).toBeLessThan(firstEvent); // reply first, then events
    const seq = c
      .props()
      .map(
        (p) =>
          `${p.entityType} ${p.eventType}${p.entity.ordStatus ? ` ${p.entity.ordStatus}` : ""}${p.entity.execType ? ` ${p.entity.execType}` : ""}`,
      );
    expect(seq).toEqual([
      "command Created",
      "order Created PendingNew",
      "orderVersion Created",
      "commandReport Created PendingNew",
      "executionReport Created Working New",
      "order Updated Working",
      "executionReport Created Filled Trade",
      "fill Created",
      "order Updated Filled",
      "position Created",
      "cashBalance Updated",
    ]);
    const byType = (type: string) => c.props().find((p) => p.entityType === type)!.entity;
    expect(byType("command")).toMatchObject({
      orderId,
      clOrdId: "cp-1",
      commandType: "New",
      isAutomated: true,
    });
    expect(byType("order")).toMatchObject({ id: orderId, accountId: DEMO1000, action: "Buy", admin: false });
    expect(byType("order")).not.toHaveProperty("orderQty");
    expect(byType("orderVersion")).toMatchObject({
      id: byType("command").id,
      orderId,
      orderQty: 2,
      orderType: "Market",
    });
    const fill = byType("fill");
    expect(fill).toMatchObject({
      orderId,
      action: "Buy",
      qty: 2,
      price: 6800,
      active: true,
      finallyPaired: 0,
      tradeDate: { year: expect.any(Number), month: expect.any(Number), day: expect.any(Number) },
    });
    expect(typeof fill.contractId).toBe("number");
    expect(typeof fill.timestamp).toBe("string");
    expect(fill).not.toHaveProperty("accountId");
    const trade = c.props().find((p) => p.entity.execType === "Trade")!.entity;
    expect(trade).toMatchObject({
      lastQty: 2,
      lastPx: 6800,
      cumQty: 2,
      avgPx: 6800,
      accountId: DEMO1000,
      orderId,
    });
    expect(byType("position")).toMatchObject({
      accountId: DEMO1000,
      netPos: 2,
      netPrice: 6800,
      bought: 2,
      boughtValue: 13600,
      sold: 0,
      soldValue: 0,
      prevPos: 0,
    });
  });

  it("keeps positions and realized P&L with the product's point value, and pairs closing fills", async () => {
    sim = await startSim({ varyFrames: false });
    const t = await login(sim);
    const c = await open(t.accessToken);
    await c.request("user/syncrequest", { users: [t.userId] });
    const place = (action: string, qty: number, symbol = "MNQZ6") =>
      c.request("order/placeorder", {
        accountId: 700002,
        action,
        symbol,
        orderQty: qty,
        orderType: "Market",
        isAutomated: true,
      });
    sim.control.setPrice("MNQ", 25000);
    await place("Buy", 3);
    sim.control.setPrice("MNQ", 25010.5);
    await place("Sell", 5); // closes 3 (+10.5 × 3 × $2 = $63), opens 2 short
    await waitFor(() => c.props().some((p) => p.entityType === "fillPair"), "fillPair");
    const positions = c.props().filter((p) => p.entityType === "position");
    expect(positions.at(-1)!.entity).toMatchObject({
      netPos: -2,
      netPrice: 25010.5,
      bought: 3,
      sold: 5,
      soldValue: 125052.5,
    });
    const cash = c
      .props()
      .filter((p) => p.entityType === "cashBalance")
      .at(-1)!.entity;
    // Realized P&L is the trade's; the cash amount also pays 8 contract-fills of MNQ fees ($0.75 each).
    expect(cash).toMatchObject({ amount: 50057, realizedPnL: 63 });
    const pair = c.props().find((p) => p.entityType === "fillPair")!.entity;
    expect(pair).toMatchObject({
      qty: 3,
      buyPrice: 25000,
      sellPrice: 25010.5,
      positionId: positions[0]!.entity.id,
      active: true,
    });
    // fillPair comes after cashBalance in the same frame.
    const types = c.props().map((p) => p.entityType);
    expect(types.lastIndexOf("fillPair")).toBeGreaterThan(types.lastIndexOf("cashBalance"));

    sim.control.setPrice("MNQ", 25000.5);
    const snap = await c.request("cashBalance/getcashbalancesnapshot", { accountId: 700002 });
    expect(snap.d).toMatchObject({ totalCashValue: 50057, realizedPnL: 63, openPnL: 40, netLiq: 50097 });
    const list = await get(sim, "/v1/position/list", t.accessToken);
    expect(list.json).toEqual([expect.objectContaining({ accountId: 700002, netPos: -2 })]);
  });

  it("cancelorder cancels a working limit order; a second cancel is TooLate", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    await c.request("user/syncrequest", { users: [t.userId] });
    sim.control.setPrice("ES", 6800);
    const placed = await c.request("order/placeorder", {
      accountId: DEMO1000,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Limit",
      price: 6790,
      isAutomated: true,
    });
    const orderId = (placed.d as { orderId: number }).orderId;
    const cancel = await c.request("order/cancelorder", { orderId, isAutomated: true });
    expect(cancel.d).toEqual({ commandId: expect.any(Number) });
    await waitFor(
      () => c.props().some((p) => p.entityType === "order" && p.entity.ordStatus === "Canceled"),
      "order Canceled",
    );
    const cmd = c
      .props()
      .filter((p) => p.entityType === "command")
      .at(-1)!.entity;
    expect(cmd).toMatchObject({
      orderId,
      commandType: "Cancel",
      id: (cancel.d as { commandId: number }).commandId,
    });
    expect((await c.request("order/cancelorder", { orderId })).d).toMatchObject({ failureReason: "TooLate" });
    sim.control.setPrice("ES", 6780);
    expect(sim.control.records().fills).toHaveLength(0);
  });

  it("a working limit order fills at its price when the market reaches it", async () => {
    sim = await startSim();
    const t = await login(sim);
    sim.control.setPrice("ES", 6800);
    await post(
      sim,
      "/v1/order/placeorder",
      {
        accountId: DEMO1000,
        action: "Buy",
        symbol: "ESZ6",
        orderQty: 1,
        orderType: "Limit",
        price: 6795,
        isAutomated: true,
      },
      t.accessToken,
    );
    sim.control.setPrice("ES", 6797);
    expect(sim.control.records().fills).toHaveLength(0);
    sim.control.setPrice("ES", 6794);
    expect(sim.control.records().fills).toEqual([
      expect.objectContaining({ price: 6795, qty: 1, action: "Buy" }),
    ]);
  });

  it("liquidateposition cancels the contract's working orders and closes the position", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    await c.request("user/syncrequest", { users: [t.userId] });
    sim.control.setPrice("NQ", 25000);
    await c.request("order/placeorder", {
      accountId: DEMO1000,
      action: "Sell",
      symbol: "NQZ6",
      orderQty: 3,
      orderType: "Market",
      isAutomated: true,
    });
    await c.request("order/placeorder", {
      accountId: DEMO1000,
      action: "Sell",
      symbol: "NQZ6",
      orderQty: 1,
      orderType: "Limit",
      price: 25100,
      isAutomated: true,
    });
    const contractId = sim.control.records().positions[0]!.contractId;
    sim.control.setPrice("NQ", 24990);
    const r = await c.request("order/liquidateposition", {
      accountId: DEMO1000,
      contractId,
      admin: false,
      isAutomated: true,
    });
    expect(r.d).toEqual({ orderId: expect.any(Number) });
    const rec = sim.control.records();
    expect(rec.positions[0]).toMatchObject({ netPos: 0, accountName: "DEMO1000" });
    expect(rec.orders.map((o) => o.status)).toEqual(["Filled", "Canceled", "Filled"]);
    expect(rec.orders[2]).toMatchObject({
      action: "Buy",
      qty: 3,
      orderId: (r.d as { orderId: number }).orderId,
    });
    expect(rec.cashBalances.find((b) => b.accountName === "DEMO1000")).toMatchObject({ realizedPnL: 600 });
    const again = await c.request("order/liquidateposition", {
      accountId: DEMO1000,
      contractId,
      admin: false,
    });
    expect(again.d).toHaveProperty("failureReason");
  });

  it("placeorder failures: account set to reject, unknown symbol, foreign account, bad body", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    sim.control.rejectOrders("DEMO2001", "MaxPosLimitReached", "Position limit reached");
    const body = {
      accountId: 700002,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
      clOrdId: "r-1",
    };
    expect((await c.request("order/placeorder", body)).d).toEqual({
      failureReason: "MaxPosLimitReached",
      failureText: "Position limit reached",
    });
    expect(sim.control.records().orders).toEqual([
      expect.objectContaining({
        accountName: "DEMO2001",
        clOrdId: "r-1",
        status: "Rejected",
        failureReason: "MaxPosLimitReached",
        orderId: null,
      }),
    ]);
    sim.control.rejectOrders("DEMO2001", null);
    expect((await c.request("order/placeorder", body)).d).toEqual({ orderId: expect.any(Number) });
    expect((await c.request("order/placeorder", { ...body, symbol: "XXZ6" })).d).toMatchObject({
      failureReason: "UnknownReason",
    });
    expect((await c.request("order/placeorder", { ...body, accountId: 700101 })).d).toMatchObject({
      failureReason: "UnknownReason",
    });
    const bad = await c.request("order/placeorder", { accountId: DEMO1000, action: "Hold", symbol: "ESZ6" });
    expect(bad.s).toBe(400);
    expect(bad.d).toEqual(expect.stringContaining("action"));
  });

  it("event-mode rejection: accepted, then commandReport RiskRejected and order Rejected", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    await c.request("user/syncrequest", { users: [t.userId] });
    sim.control.rejectOrders("DEMO2002", "RiskCheckTimeout", undefined, "event");
    const r = await c.request("order/placeorder", {
      accountId: 700003,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    });
    expect(r.d).toEqual({ orderId: expect.any(Number) });
    await waitFor(
      () => c.props().some((p) => p.entityType === "order" && p.entity.ordStatus === "Rejected"),
      "order Rejected",
    );
    expect(c.props().find((p) => p.entityType === "commandReport")!.entity).toMatchObject({
      commandStatus: "RiskRejected",
      rejectReason: "RiskCheckTimeout",
    });
    expect(c.props().some((p) => p.entityType === "fill")).toBe(false);
  });
});

describe("penalties and rate limits (§2.1, §6)", () => {
  it("p-ticket replies for the next N auth/order requests, then normal service", async () => {
    sim = await startSim();
    sim.control.penaltyTicket(1, 0.3);
    const first = await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "demo" });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ "p-ticket": expect.any(String), "p-time": 0.3 });
    const ticket = (first.json as Record<string, string>)["p-ticket"];
    // Enforced: resent before p-time, or resent without the ticket, it is penalised again.
    const early = await post(sim, "/v1/auth/accesstokenrequest", {
      name: "demo",
      password: "demo",
      "p-ticket": ticket,
    });
    expect(early.json).toMatchObject({ "p-ticket": ticket });
    const blind = await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "demo" });
    expect(blind.json).toMatchObject({ "p-ticket": ticket });
    await new Promise((r) => setTimeout(r, 320));
    const retry = await post(sim, "/v1/auth/accesstokenrequest", {
      name: "demo",
      password: "demo",
      "p-ticket": ticket,
    });
    expect(retry.json).toHaveProperty("accessToken");

    const t = retry.json as { accessToken: string };
    const c = await open(t.accessToken);
    sim.control.penaltyTicket(1, 5, true);
    expect((await c.request("account/list")).s).toBe(200); // reads are not penalised
    const r = await c.request("order/placeorder", {
      accountId: DEMO1000,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    });
    expect(r).toMatchObject({
      s: 200,
      d: { "p-ticket": expect.any(String), "p-time": 5, "p-captcha": true },
    });
    expect(sim.control.records().orders).toHaveLength(0);
  });

  it("429: HTTP with an empty body, WS as {s:429,i} without d", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    sim.control.rateLimit(true);
    const r = await get(sim, "/v1/account/list", t.accessToken);
    expect(r.status).toBe(429);
    expect(r.text).toBe("");
    const id = c.send("account/list");
    await waitFor(() => c.messages.find((m) => m.i === id), "429 reply");
    expect(c.frames.at(-1)).toBe(`a[{"s":429,"i":${id}}]`);
    sim.control.rateLimit(false);
    expect((await c.request("account/list")).s).toBe(200);
  });
});

describe("market data (md/subscribeQuote)", () => {
  it("sends the current quote, then one on every price change, until unsubscribed", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.mdAccessToken, true, sim.mdUrl);
    sim.control.setPrice("ES", 6800);
    const r = await c.request("md/subscribeQuote", { symbol: "ESZ6" });
    expect(r.s).toBe(200);
    const quotes = () =>
      c.messages
        .filter((m) => m.e === "md")
        .flatMap((m) => (m.d as { quotes: Array<Record<string, unknown>> }).quotes);
    await waitFor(() => quotes().length >= 1, "first quote");
    const contractId = ((await c.request("contract/find", undefined, "", "name=ESZ6")).d as { id: number })
      .id;
    expect(quotes()[0]).toMatchObject({
      id: contractId,
      contractId,
      timestamp: expect.any(String),
      entries: {
        Trade: { price: 6800, size: expect.any(Number) },
        Bid: { price: 6800 },
        Offer: { price: 6800.25 },
      },
    });
    sim.control.jumpPrice("ESZ6", 1.3); // snapped to the tick grid
    await waitFor(() => quotes().length >= 2, "second quote");
    expect((quotes()[1]!.entries as { Trade: { price: number } }).Trade.price).toBe(6801.25);
    expect((await c.request("md/unsubscribeQuote", { symbol: "ESZ6" })).s).toBe(200);
    sim.control.setPrice("ES", 6700);
    sim.control.setPrice("NQ", 20000);
    await c.request("account/list");
    expect(quotes()).toHaveLength(2);
    expect((await c.request("md/subscribeQuote", { symbol: "ZZZ9" })).s).toBe(400);
  });

  it("the random walk moves prices in whole ticks when priceIntervalMs is set", async () => {
    sim = await startSim({ priceIntervalMs: 20, seed: 7 });
    const start = sim.control.price("CL")!;
    await waitFor(() => sim.control.price("CL") !== start, "CL to move");
    const steps = (sim.control.price("CL")! - start) / 0.01;
    expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
  });
});

describe("REST reference data", () => {
  it("contract/find, item, suggest, product/find, deps, relaxed GET/POST, 404s", async () => {
    sim = await startSim();
    const t = await login(sim);
    const es = (await get(sim, "/v1/contract/find?name=ESZ6", t.accessToken)).json as {
      id: number;
      contractMaturityId: number;
    };
    expect((await post(sim, `/v1/contract/item?id=${es.id}`, undefined, t.accessToken)).json).toMatchObject({
      name: "ESZ6",
    });
    const suggest = (await get(sim, "/v1/contract/suggest?t=ES&l=10", t.accessToken)).json as Array<{
      name: string;
    }>;
    expect(suggest.map((c) => c.name).slice(0, 2)).toEqual(["ESH7", "ESZ6"]);
    expect(suggest.map((c) => c.name)).toContain("MESZ6");
    const product = (await get(sim, "/v1/product/find?name=MYM", t.accessToken)).json;
    expect(product).toMatchObject({ name: "MYM", tickSize: 1, valuePerPoint: 0.5 });
    const maturity = (await get(sim, `/v1/contractMaturity/item?id=${es.contractMaturityId}`, t.accessToken))
      .json;
    expect(maturity).toMatchObject({
      isFront: true,
      expirationMonth: 12,
      expirationDate: expect.stringContaining("2026-12-18"),
    });
    expect((await get(sim, "/v1/contract/find?name=ESZ9", t.accessToken)).status).toBe(404);
    expect((await get(sim, "/v1/nothing/here", t.accessToken)).status).toBe(404);
    expect((await get(sim, "/v1/accountRiskStatus/list", t.accessToken)).json).toHaveLength(4);
    expect((await get(sim, "/v1/userAccountAutoLiq/list", t.accessToken)).json).toHaveLength(4);
    expect((await get(sim, `/v1/account/deps?masterid=${t.userId}`, t.accessToken)).json).toHaveLength(4);
    // Another user's accounts are invisible.
    expect((await get(sim, "/v1/account/item?id=700101", t.accessToken)).status).toBe(404);
  });
});
