import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, parseScenario, type Simulator } from "../../engine/sim/index.js";
import { aboutOrder, type RawClient, sequence, startSim, syncedClient, waitFor } from "./helpers.js";

/** A real venue: partial fills, resting orders that trigger as the price walks, fees. Over real sockets. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function client(user = "demo"): Promise<RawClient> {
  const c = await syncedClient(sim, user);
  clients.push(c);
  return c;
}

const DEMO1000 = 700001;
const place = (c: RawClient, patch: Record<string, unknown>) =>
  c.request("order/placeorder", {
    accountId: DEMO1000,
    action: "Buy",
    symbol: "ESZ6",
    orderQty: 1,
    orderType: "Market",
    isAutomated: true,
    ...patch,
  });
const orderIdOf = (m: { d?: unknown }) => (m.d as { orderId: number }).orderId;
const fillsOf = (c: RawClient, orderId: number) =>
  c.props().filter((p) => p.entityType === "fill" && p.entity.orderId === orderId);

describe("partial fills (depth per price level)", () => {
  it("a market order walks a shallow book in several fills; the order stays Working until the last", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 2);
    const orderId = orderIdOf(await place(c, { orderQty: 5 }));
    await waitFor(() => fillsOf(c, orderId).length === 3, "three fills");
    expect(fillsOf(c, orderId).map((f) => [f.entity.qty, f.entity.price])).toEqual([
      [2, 6800],
      [2, 6800.25],
      [1, 6800.5],
    ]);
    // Each fill has the §3.6 sequence; the order is Working after the first two, Filled after the last.
    const trades = aboutOrder(c.props(), orderId)
      .filter((p) => p.entity.execType === "Trade")
      .map((p) => [p.entity.cumQty, p.entity.ordStatus]);
    expect(trades).toEqual([
      [2, "Working"],
      [4, "Working"],
      [5, "Filled"],
    ]);
    const seq = sequence(c.props()).slice(6);
    expect(seq).toEqual([
      ...["executionReport Created Working Trade", "fill Created", "order Updated Working"],
      ...["position Created", "cashBalance Updated"],
      ...["executionReport Created Working Trade", "fill Created", "order Updated Working"],
      ...["position Updated", "cashBalance Updated"],
      ...["executionReport Created Filled Trade", "fill Created", "order Updated Filled"],
      ...["position Updated", "cashBalance Updated"],
    ]);
    // One published frame per fill, so a client sees each land on its own.
    expect(c.frames.filter((f) => f.includes('"entityType":"fill"'))).toHaveLength(3);
    const rec = sim.control.records();
    expect(rec.positions[0]).toMatchObject({ netPos: 5, netPrice: 6800.2 });
    expect(rec.cashBalances.find((b) => b.accountName === "DEMO1000")).toMatchObject({
      amount: 50000 - 5 * 2.25,
      realizedPnL: 0,
      fees: 11.25,
    });
    expect(rec.orders[0]).toMatchObject({ status: "Filled", filledQty: 5, avgPrice: 6800.2 });
  });

  it("a resting limit fills in parts, one level's depth per price event, at its own price", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 2);
    const orderId = orderIdOf(await place(c, { orderQty: 5, orderType: "Limit", price: 6795 }));
    expect(sim.control.records().fills).toHaveLength(0);
    sim.control.setPrice("ES", 6795);
    expect(sim.control.records().workingOrders).toEqual([
      expect.objectContaining({ orderId, status: "Working", filledQty: 2 }),
    ]);
    sim.control.setPrice("ES", 6794);
    sim.control.setPrice("ES", 6794.5);
    expect(sim.control.records().fills.map((f) => [f.qty, f.price])).toEqual([
      [2, 6795],
      [2, 6795],
      [1, 6795],
    ]);
    expect(sim.control.records().orders[0]).toMatchObject({ status: "Filled", filledQty: 5 });
    await waitFor(() => fillsOf(c, orderId).length === 3, "three fill events");
  });

  it("a marketable limit takes what its price allows and rests with the rest", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 1);
    const orderId = orderIdOf(await place(c, { orderQty: 4, orderType: "Limit", price: 6800.5 }));
    expect(sim.control.records().fills.map((f) => f.price)).toEqual([6800, 6800.25, 6800.5]);
    expect(sim.control.records().workingOrders).toEqual([
      expect.objectContaining({ orderId, filledQty: 3, qty: 4, price: 6800.5 }),
    ]);
  });

  it("IOC keeps what trades at once and cancels the rest; FOK trades all or nothing", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 2);
    const ioc = orderIdOf(
      await place(c, { orderQty: 5, orderType: "Limit", price: 6800.25, timeInForce: "IOC" }),
    );
    const fok = orderIdOf(
      await place(c, { orderQty: 5, orderType: "Limit", price: 6800.25, timeInForce: "FOK" }),
    );
    const byId = (id: number) => sim.control.records().orders.find((o) => o.orderId === id);
    expect(byId(ioc)).toMatchObject({ status: "Canceled", filledQty: 4 });
    expect(byId(fok)).toMatchObject({ status: "Canceled", filledQty: 0 });
    expect(sim.control.records().positions[0]!.netPos).toBe(4);
  });

  it("the depth comes from the scenario too, and null makes the book unlimited again", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      products: defaultScenario.products.map((p) => (p.name === "NQ" ? { ...p, depth: 1 } : p)),
    });
    sim = await startSim({ scenario });
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 3);
    expect(sim.control.records().fills).toHaveLength(3);
    sim.control.setDepth("NQ", null);
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 3);
    expect(sim.control.records().fills).toHaveLength(4);
  });
});

describe("resting orders trigger as the price walks", () => {
  it("a stop becomes a market order when the price reaches it (setPrice or jumpPrice)", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const buyStop = orderIdOf(await place(c, { orderType: "Stop", stopPrice: 6810 }));
    const sellStop = orderIdOf(await place(c, { action: "Sell", orderType: "Stop", stopPrice: 6790 }));
    sim.control.jumpPrice("ES", 5);
    expect(sim.control.records().fills).toHaveLength(0);
    sim.control.setPrice("ES", 6812);
    expect(sim.control.records().fills).toEqual([
      expect.objectContaining({ orderId: buyStop, price: 6812, action: "Buy" }),
    ]);
    sim.control.jumpPrice("ES", -25);
    expect(sim.control.records().fills.at(-1)).toMatchObject({
      orderId: sellStop,
      price: 6787,
      action: "Sell",
    });
  });

  it("a StopLimit becomes a limit at its stop, and fills only at its limit or better", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const gapped = orderIdOf(await place(c, { orderType: "StopLimit", stopPrice: 6810, price: 6811 }));
    const version = await waitFor(
      () => c.props().find((p) => p.entityType === "orderVersion" && p.entity.orderId === gapped),
      "orderVersion",
    );
    expect(version.entity).toMatchObject({ orderType: "StopLimit", stopPrice: 6810, price: 6811 });
    sim.control.setPrice("ES", 6815); // stop reached, limit not: it now rests as a limit at 6811
    expect(sim.control.records().fills).toHaveLength(0);
    expect(sim.control.records().workingOrders).toEqual([expect.objectContaining({ orderId: gapped })]);
    sim.control.setPrice("ES", 6811);
    expect(sim.control.records().fills).toEqual([expect.objectContaining({ orderId: gapped, price: 6811 })]);

    const through = orderIdOf(
      await place(c, { action: "Sell", orderType: "StopLimit", stopPrice: 6805, price: 6804 }),
    );
    sim.control.setPrice("ES", 6804.5); // stop and limit reached together: trades at the market
    expect(sim.control.records().fills.at(-1)).toMatchObject({ orderId: through, price: 6804.5 });
  });
});

describe("fees", () => {
  it("each fill costs the product's fee per contract, taken from cashBalance.amount, not from realizedPnL", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      products: defaultScenario.products.map((p) => (p.name === "CL" ? { ...p, fee: 2.1 } : p)),
    });
    sim = await startSim({ scenario, varyFrames: false });
    const c = await client();
    sim.control.setPrice("CL", 60);
    await place(c, { symbol: "CLF7", orderQty: 2 });
    sim.control.setPrice("CL", 60.1);
    await place(c, { symbol: "CLF7", action: "Sell", orderQty: 2 });
    await waitFor(
      () => c.props().filter((p) => p.entityType === "cashBalance").length === 2,
      "two cash updates",
    );
    const cash = c
      .props()
      .filter((p) => p.entityType === "cashBalance")
      .map((p) => p.entity);
    expect(cash.map((e) => [e.amount, e.realizedPnL])).toEqual([
      [50000 - 4.2, 0],
      [50000 + 200 - 8.4, 200],
    ]);
    sim.control.setFee("CL", 0);
    await place(c, { symbol: "CLF7", orderQty: 1 });
    expect(sim.control.records().cashBalances.find((b) => b.accountName === "DEMO1000")).toMatchObject({
      amount: 50191.6,
      fees: 8.4,
    });
    expect(sim.control.records().fills.map((f) => f.fee)).toEqual([4.2, 4.2, 0]);
    expect(() => sim.control.setFee("ZZ", 1)).toThrow(/unknown symbol/);
  });
});
