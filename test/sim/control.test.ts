import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, parseScenario, type Simulator } from "../../engine/sim/index.js";
import { get, login, post, RawClient, startSim, waitFor } from "./helpers.js";

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function synced(user = "demo"): Promise<RawClient> {
  const t = await login(sim, user);
  const c = await RawClient.authorized(sim, t.accessToken);
  clients.push(c);
  await c.request("user/syncrequest", { users: [t.userId] });
  return c;
}

describe("control API over HTTP (/sim/...)", () => {
  it("sets, jumps and reads prices on the tick grid", async () => {
    sim = await startSim();
    expect((await post(sim, "/sim/price", { symbol: "ES", price: 6801.1 })).json).toEqual({ price: 6801 });
    expect((await post(sim, "/sim/jump", { symbol: "ESZ6", delta: -0.5 })).json).toEqual({ price: 6800.5 });
    expect((await get(sim, "/sim/price?symbol=ESH7")).json).toEqual({ symbol: "ESH7", price: 6800.5 });
    expect(sim.control.price("ES")).toBe(6800.5);
    expect((await post(sim, "/sim/walk", { on: false })).json).toEqual({});
    expect((await post(sim, "/sim/walk", { on: "no" })).status).toBe(400);
  });

  it("explains bad requests with 400 {error} and unknown routes with 404", async () => {
    sim = await startSim();
    const bad = await post(sim, "/sim/price", { symbol: "ES" });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toContain("price");
    const unknownSymbol = await post(sim, "/sim/price", { symbol: "ZZ", price: 1 });
    expect(unknownSymbol.json).toEqual({ error: "unknown symbol ZZ" });
    expect(
      (await post(sim, "/sim/trade", { account: "NOPE", symbol: "ESZ6", action: "Buy", qty: 1 })).json,
    ).toEqual({ error: "unknown account NOPE" });
    expect((await post(sim, "/sim/nothing", {})).status).toBe(404);
    const notJson = await fetch(`${sim.url}/sim/price`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("a manual trade fills like a click in Tradovate: isAutomated false, seen by subscribers", async () => {
    sim = await startSim();
    const c = await synced();
    await post(sim, "/sim/price", { symbol: "MES", price: 6800 });
    const r = await post(sim, "/sim/trade", { account: "DEMO1000", symbol: "MESZ6", action: "Sell", qty: 2 });
    expect(r.json).toEqual({ orderId: expect.any(Number) });
    await waitFor(() => c.props().some((p) => p.entityType === "fill"), "fill");
    expect(c.props().find((p) => p.entityType === "command")!.entity).toMatchObject({
      isAutomated: false,
      commandType: "New",
    });
    const records = (await get(sim, "/sim/records")).json as ReturnType<Simulator["control"]["records"]>;
    expect(records.orders).toEqual([
      expect.objectContaining({
        accountName: "DEMO1000",
        isAutomated: false,
        symbol: "MESZ6",
        action: "Sell",
        qty: 2,
        status: "Filled",
      }),
    ]);
    expect(records.positions).toEqual([
      expect.objectContaining({ accountName: "DEMO1000", contract: "MESZ6", netPos: -2, netPrice: 6800 }),
    ]);
    expect(records.fills).toEqual([
      expect.objectContaining({ accountName: "DEMO1000", price: 6800, qty: 2 }),
    ]);
  });

  it("reject-modifies refuses an account's modifies over HTTP, not its new orders", async () => {
    sim = await startSim();
    const t = await login(sim);
    const limit = {
      accountId: 700004,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Limit",
      price: 6700,
      isAutomated: true,
    };
    await post(sim, "/sim/reject-modifies", { account: "DEMO2003", failureReason: "UnknownReason" });
    const placed = (await post(sim, "/v1/order/placeorder", limit, t.accessToken)).json as {
      orderId: number;
    };
    expect(placed).toHaveProperty("orderId");
    const modify = {
      orderId: placed.orderId,
      orderQty: 2,
      orderType: "Limit",
      price: 6700,
      isAutomated: true,
    };
    expect((await post(sim, "/v1/order/modifyorder", modify, t.accessToken)).json).toMatchObject({
      failureReason: "UnknownReason",
    });
    await post(sim, "/sim/reject-modifies", { account: "DEMO2003", failureReason: null });
    expect((await post(sim, "/v1/order/modifyorder", modify, t.accessToken)).json).toHaveProperty(
      "commandId",
    );
  });

  it("refuse-cancels takes an account's next cancels, then refuses them in their reports: the order works on", async () => {
    sim = await startSim();
    const c = await synced();
    const limit = {
      ...{ accountId: 700004, action: "Buy", symbol: "ESZ6", orderQty: 1 },
      ...{ orderType: "Limit", price: 6700, isAutomated: true },
    };
    await post(sim, "/sim/refuse-cancels", { account: "DEMO2003", count: 1, failureText: "not now" });
    const { orderId } = (await c.request("order/placeorder", limit)).d as { orderId: number };
    const refused = (await c.request("order/cancelorder", { orderId, isAutomated: true })).d as {
      commandId: number;
    };
    expect(refused).toHaveProperty("commandId");
    const report = await waitFor(
      () =>
        c.props().find((e) => e.entityType === "commandReport" && e.entity.commandId === refused.commandId),
      "the cancel's report",
    );
    expect(report.entity).toMatchObject({ commandStatus: "RiskRejected", text: "not now" });
    expect(sim.control.records().workingOrders.map((o) => o.orderId)).toContain(orderId);
    // The next one is taken as usual.
    await c.request("order/cancelorder", { orderId, isAutomated: true });
    await waitFor(
      () =>
        c
          .props()
          .some(
            (e) => e.entityType === "order" && e.entity.id === orderId && e.entity.ordStatus === "Canceled",
          ),
      "the order cancelled",
    );
    expect((await post(sim, "/sim/refuse-cancels", { account: "DEMO2003", count: -1 })).status).toBe(400);
  });

  it("refuse-cancels in mode reply refuses an account's next cancels in their answer: the order works on", async () => {
    sim = await startSim();
    const c = await synced();
    const limit = {
      ...{ accountId: 700004, action: "Buy", symbol: "ESZ6", orderQty: 1 },
      ...{ orderType: "Limit", price: 6700, isAutomated: true },
    };
    const body = { account: "DEMO2003", count: 1, failureText: "not now", mode: "reply" };
    expect((await post(sim, "/sim/refuse-cancels", body)).status).toBe(200);
    const { orderId } = (await c.request("order/placeorder", limit)).d as { orderId: number };
    const refused = (await c.request("order/cancelorder", { orderId, isAutomated: true })).d;
    expect(refused).toEqual({ failureReason: "UnknownReason", failureText: "not now" });
    expect(sim.control.records().workingOrders.map((o) => o.orderId)).toContain(orderId);
    // The next one is taken as usual.
    expect((await c.request("order/cancelorder", { orderId, isAutomated: true })).d).toHaveProperty(
      "commandId",
    );
    await waitFor(
      () => !sim!.control.records().workingOrders.some((o) => o.orderId === orderId),
      "the order cancelled",
    );
    expect((await post(sim, "/sim/refuse-cancels", { ...body, mode: "later" })).status).toBe(400);
  });

  it("reject, penalty, ratelimit and expire-tokens switch over HTTP", async () => {
    sim = await startSim();
    const t = await login(sim);
    await post(sim, "/sim/reject", { account: "DEMO2003", failureReason: "TradingLocked" });
    const order = {
      accountId: 700004,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    };
    expect((await post(sim, "/v1/order/placeorder", order, t.accessToken)).json).toEqual({
      failureReason: "TradingLocked",
      failureText: expect.any(String),
    });
    await post(sim, "/sim/reject", {
      account: "DEMO2003",
      failureReason: "OrderRejected",
      orderTypes: ["Limit"],
    });
    expect((await post(sim, "/v1/order/placeorder", order, t.accessToken)).json).toHaveProperty("orderId");
    const limit = { ...order, action: "Sell", orderType: "Limit", price: 6900 };
    expect((await post(sim, "/v1/order/placeorder", limit, t.accessToken)).json).toMatchObject({
      failureReason: "OrderRejected",
    });
    await post(sim, "/sim/reject", { account: "DEMO2003", failureReason: null });
    expect((await post(sim, "/v1/order/placeorder", order, t.accessToken)).json).toHaveProperty("orderId");

    await post(sim, "/sim/penalty", { count: 1, pTime: 1 });
    expect((await post(sim, "/v1/order/placeorder", order, t.accessToken)).json).toHaveProperty("p-ticket");
    await post(sim, "/sim/ratelimit", { on: true });
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(429);
    expect((await get(sim, "/sim/records")).status).toBe(200); // control is never rate limited
    await post(sim, "/sim/ratelimit", { on: false });
    await post(sim, "/sim/expire-tokens");
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(401);
  });

  it("lose-answers: the next order requests on the socket answer 500, carried out or not; reads are not touched", async () => {
    sim = await startSim();
    const c = await synced();
    const order = {
      accountSpec: "DEMO2003",
      accountId: 700004,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Limit",
      price: 6000,
      isAutomated: true,
    };
    const working = () => sim.control.records().workingOrders.filter((o) => o.accountName === "DEMO2003");
    await post(sim, "/sim/lose-answers", { count: 2, status: 502 });
    expect((await c.request("position/list")).s).toBe(200);
    expect((await c.request("order/placeorder", { ...order, clOrdId: "lost-1" })).s).toBe(502);
    expect(working().map((o) => o.clOrdId)).toEqual(["lost-1"]); // done at the venue
    expect((await c.request("order/placeorder", { ...order, clOrdId: "lost-2" })).s).toBe(502);
    expect(working()).toHaveLength(2);
    await post(sim, "/sim/lose-answers", { count: 1, carriedOut: false });
    expect((await c.request("order/placeorder", { ...order, clOrdId: "never" })).s).toBe(500);
    expect(working()).toHaveLength(2); // never reached the venue
    // Only those: the one after is answered.
    expect((await c.request("order/placeorder", { ...order, clOrdId: "ok" })).d).toHaveProperty("orderId");
  });
});

describe("socket faults", () => {
  it("drop closes a user's sockets abruptly, without a close frame; others stay", async () => {
    sim = await startSim();
    const demo = await synced("demo");
    const prop = await synced("prop");
    expect((await post(sim, "/sim/drop", { user: "demo" })).json).toEqual({ dropped: 1 });
    await waitFor(() => demo.closed, "demo socket closed");
    expect(demo.closeCode).toBe(1006);
    expect(demo.frames.some((f) => f.startsWith("c"))).toBe(false);
    expect(prop.closed).toBe(false);
    expect(sim.control.socketCount()).toBe(1);
  });

  it("shutdown sends the shutdown event, then c[...], then closes", async () => {
    sim = await startSim();
    const c = await synced();
    expect(
      (await post(sim, "/sim/shutdown", { reasonCode: "Maintenance", reason: "Weekly maintenance" })).json,
    ).toEqual({ closed: 1 });
    await waitFor(() => c.closed, "closed");
    const shutdown = c.messages.find((m) => m.e === "shutdown");
    expect(shutdown).toEqual({
      e: "shutdown",
      d: { reasonCode: "Maintenance", reason: "Weekly maintenance" },
    });
    expect(c.frames.at(-1)).toMatch(/^c\[\d+,"Weekly maintenance"\]$/);
  });

  it("duplicate sends every props frame twice", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await synced();
    sim.control.duplicateEvents(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await waitFor(() => c.props().filter((p) => p.entityType === "fill").length === 2, "fill twice");
    const propsFrames = c.frames.filter((f) => f.includes('"e":"props"'));
    expect(propsFrames).toHaveLength(2);
    expect(propsFrames[0]).toBe(propsFrames[1]);
  });

  it("reorder swaps neighbouring events but keeps an order's Created before its fill", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await synced();
    sim.control.reorderEvents(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await waitFor(() => c.props().some((p) => p.entityType === "fill"), "fill");
    const seq = c.props().map((p) => `${p.entityType} ${p.eventType}`);
    expect(seq.indexOf("commandReport Created")).toBeLessThan(seq.indexOf("orderVersion Created"));
    expect(seq.indexOf("order Created")).toBeLessThan(seq.indexOf("fill Created"));
    expect(seq).toHaveLength(11);
  });

  it("delay holds one user's frames back, in order, without slowing another user", async () => {
    sim = await startSim();
    const demo = await synced("demo");
    const prop = await synced("prop");
    sim.control.delaySocket("demo", 1000);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    const propReply = await prop.request("account/list");
    await waitFor(() => prop.props().some((p) => p.entityType === "fill"), "prop fill");
    expect(propReply.s).toBe(200);
    expect(demo.props().some((p) => p.entityType === "fill")).toBe(false);
    const id = demo.send("account/list");
    await waitFor(() => demo.messages.some((m) => m.i === id), "delayed reply", 5000);
    // The reply was sent after the events, and still arrives after them.
    const fillAt = demo.messages.findIndex((m) => m.e === "props");
    expect(fillAt).toBeGreaterThanOrEqual(0);
    expect(fillAt).toBeLessThan(demo.messages.findIndex((m) => m.i === id));
    sim.control.delaySocket("demo", 0);
  });
});

describe("delay switched off with frames still held", () => {
  it("later frames queue behind the held ones: the last cash balance a client sees is the broker's", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await synced();
    sim.control.delaySocket("demo", 300);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await new Promise((r) => setTimeout(r, 100));
    sim.control.delaySocket("demo", 0);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await waitFor(() => c.props().filter((p) => p.entityType === "fill").length === 3, "three fills");
    expect(
      c
        .props()
        .filter((p) => p.entityType === "fill")
        .map((p) => p.entity.qty),
    ).toEqual([1, 2, 3]);
    const cash = c
      .props()
      .filter((p) => p.entityType === "cashBalance")
      .at(-1)!.entity;
    expect(cash.amount).toBe(sim.control.records().cashBalances[0]!.amount);
  });
});

describe("server-side daily loss auto-liquidation", () => {
  it("liquidates, locks the account (LockTradingImmediately) and refuses later orders with TradingLocked", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "prop",
          password: "prop",
          accounts: [{ name: "APEX3001", balance: 50000, dailyLossAutoLiq: 500 }],
        },
      ],
    });
    sim = await startSim({ scenario });
    const c = await synced("prop");
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6795); // -$250: fine
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    sim.control.setPrice("ES", 6789); // -$550: breach
    await waitFor(() => c.props().some((p) => p.entityType === "accountRiskStatus"), "risk status event");
    expect(c.props().find((p) => p.entityType === "accountRiskStatus")!.entity).toMatchObject({
      id: 700001,
      adminAction: "LockTradingImmediately",
    });
    const rec = sim.control.records();
    expect(rec.positions[0]!.netPos).toBe(0);
    // The loss, and ES fees for the opening and the liquidating fill ($2.25 each).
    expect(rec.cashBalances[0]).toMatchObject({ realizedPnL: -550, amount: 49445.5, fees: 4.5 });
    const r = await c.request("order/placeorder", {
      accountId: 700001,
      action: "Buy",
      symbol: "ESZ6",
      orderQty: 1,
      orderType: "Market",
      isAutomated: true,
    });
    expect(r.d).toMatchObject({ failureReason: "TradingLocked" });
  });
  it("a resting stop that closes the position past the limit locks the account, though it is flat after", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "prop",
          password: "prop",
          accounts: [{ name: "APEX3001", balance: 50000, dailyLossAutoLiq: 500 }],
        },
      ],
    });
    sim = await startSim({ scenario });
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.placeOrder("APEX3001", {
      symbol: "ESZ6",
      action: "Sell",
      qty: 1,
      orderType: "Stop",
      stopPrice: 6789,
    });
    sim.control.setPrice("ES", 6789); // the stop fills: -$550 realized, and flat
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
    const r = sim.control.placeOrder("APEX3001", {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Market",
    });
    expect(r).toMatchObject({ failureReason: "TradingLocked" });
    expect(sim.control.records().fills).toHaveLength(2);
  });
});

describe("bounded history", () => {
  it("drops the oldest finished orders and their entities beyond historyLimit; positions stay right", async () => {
    sim = await startSim({ historyLimit: 3 });
    const t = await login(sim);
    for (let i = 0; i < 6; i++) sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const orders = (await get(sim, "/v1/order/list", t.accessToken)).json as unknown[];
    const fills = (await get(sim, "/v1/fill/list", t.accessToken)).json as unknown[];
    const commands = (await get(sim, "/v1/command/list", t.accessToken)).json as unknown[];
    expect([orders.length, fills.length, commands.length]).toEqual([3, 3, 3]);
    expect(sim.control.records().positions[0]!.netPos).toBe(6);
    expect(sim.control.records().fills).toHaveLength(6);
  });
});
