import { afterEach, describe, expect, it } from "vitest";
import type { SimRecords, Simulator } from "../../engine/sim/index.js";
import { get, post, type RawClient, startSim, syncedClient, waitFor } from "./helpers.js";

/** The trading side of the control API over HTTP: orders as the trader enters them in Tradovate's window. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
const records = async () => (await get(sim, "/sim/records")).json as SimRecords;
const byId = async (id: number) => (await records()).orders.find((o) => o.orderId === id)!;

describe("placing, modifying and cancelling orders over /sim/...", () => {
  it("/sim/order places any type, not automated; /sim/modify and /sim/cancel act on it", async () => {
    sim = await startSim();
    const c = await syncedClient(sim);
    clients.push(c);
    await post(sim, "/sim/price", { symbol: "ES", price: 6800 });
    const r = await post(sim, "/sim/order", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "StopLimit",
      stopPrice: 6810,
      price: 6812,
    });
    const { orderId } = r.json as { orderId: number };
    await waitFor(() => c.props().some((p) => p.entityType === "command"), "command");
    expect(c.props().find((p) => p.entityType === "command")!.entity).toMatchObject({
      isAutomated: false,
      userSessionId: 0,
    });
    expect((await records()).workingOrders).toEqual([
      expect.objectContaining({
        orderId,
        accountName: "DEMO1000",
        orderType: "StopLimit",
        stopPrice: 6810,
        price: 6812,
        qty: 2,
        status: "Working",
        isAutomated: false,
      }),
    ]);
    const modified = await post(sim, "/sim/modify", { orderId, qty: 3, stopPrice: 6805 });
    expect(modified.json).toEqual({ commandId: expect.any(Number) });
    expect(await byId(orderId)).toMatchObject({
      qty: 3,
      stopPrice: 6805,
      price: 6812,
      orderType: "StopLimit",
    });
    expect((await post(sim, "/sim/cancel", { orderId })).json).toEqual({ commandId: expect.any(Number) });
    expect(await byId(orderId)).toMatchObject({ status: "Canceled" });
    expect((await post(sim, "/sim/cancel", { orderId })).json).toMatchObject({ failureReason: "TooLate" });
  });

  it("/sim/oco, /sim/oso and /sim/strategy place linked orders; the records show the links", async () => {
    sim = await startSim();
    await post(sim, "/sim/price", { symbol: "NQ", price: 25000 });
    const oco = (
      await post(sim, "/sim/oco", {
        account: "DEMO2001",
        symbol: "NQZ6",
        action: "Buy",
        qty: 1,
        orderType: "Limit",
        price: 24990,
        other: { orderType: "Stop", stopPrice: 25010 },
      })
    ).json as { orderId: number; ocoId: number };
    expect(await byId(oco.ocoId)).toMatchObject({ action: "Buy", orderType: "Stop", linkedId: oco.orderId });

    const oso = (
      await post(sim, "/sim/oso", {
        account: "DEMO2002",
        symbol: "NQZ6",
        action: "Sell",
        qty: 2,
        orderType: "Limit",
        price: 25020,
        bracket1: { orderType: "Limit", price: 24980 },
        bracket2: { orderType: "Stop", stopPrice: 25040 },
      })
    ).json as { orderId: number; oso1Id: number; oso2Id: number };
    expect(await byId(oso.oso1Id)).toMatchObject({
      action: "Buy",
      status: "Suspended",
      parentId: oso.orderId,
    });
    expect(await byId(oso.oso2Id)).toMatchObject({ linkedId: oso.oso1Id });

    const strategy = (
      await post(sim, "/sim/strategy", {
        account: "DEMO2003",
        symbol: "NQZ6",
        action: "Buy",
        brackets: [{ qty: 1, profitTarget: 20, stopLoss: -10 }],
      })
    ).json as { orderStrategyId: number; orderId: number };
    expect(await byId(strategy.orderId)).toMatchObject({
      status: "Filled",
      strategyId: strategy.orderStrategyId,
    });
    const working = (await records()).workingOrders;
    expect(working.filter((o) => o.strategyId === strategy.orderStrategyId).map((o) => o.orderType)).toEqual([
      "Limit",
      "Stop",
    ]);
    expect(working).toHaveLength(7); // the OCO pair, the OSO entry and its two brackets, the two strategy legs
  });

  it("explains bad requests with 400 {error}; a refusal by the broker is a normal answer", async () => {
    sim = await startSim();
    const missing = await post(sim, "/sim/order", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
    });
    expect(missing.status).toBe(400);
    expect((missing.json as { error: string }).error).toContain("orderType");
    expect((await post(sim, "/sim/modify", { orderId: 1, qty: 2 })).json).toEqual({
      error: "unknown order 1",
    });
    const offTick = await post(sim, "/sim/order", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6790.1,
    });
    expect([offTick.status, (offTick.json as { failureReason: string }).failureReason]).toEqual([
      200,
      "InvalidPrice",
    ]);
    expect(
      (await post(sim, "/sim/strategy", { account: "DEMO1000", symbol: "ESZ6", action: "Buy", brackets: [] }))
        .status,
    ).toBe(400);
  });
});

describe("venue settings and faults over /sim/...", () => {
  it("/sim/depth, /sim/fees, /sim/liquidation-only, /sim/bust and /sim/events-first", async () => {
    sim = await startSim();
    await post(sim, "/sim/price", { symbol: "ES", price: 6800 });
    expect((await post(sim, "/sim/depth", { symbol: "ES", depth: 1 })).json).toEqual({});
    expect((await post(sim, "/sim/fees", { symbol: "ES", fee: 1.5 })).json).toEqual({});
    await post(sim, "/sim/trade", { account: "DEMO1000", symbol: "ESZ6", action: "Buy", qty: 2 });
    let rec = await records();
    expect(rec.fills.map((f) => [f.qty, f.price, f.fee])).toEqual([
      [1, 6800, 1.5],
      [1, 6800.25, 1.5],
    ]);
    expect(rec.cashBalances[0]).toMatchObject({ amount: 49997, fees: 3 });

    expect((await post(sim, "/sim/liquidation-only", { account: "DEMO1000", on: true })).json).toEqual({});
    const refused = await post(sim, "/sim/trade", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
    });
    expect(refused.json).toMatchObject({ failureReason: "LiquidationOnly" });

    const bust = await post(sim, "/sim/bust", { fillId: rec.fills[0]!.fillId });
    expect(bust.json).toEqual({
      fillId: rec.fills[0]!.fillId,
      orderId: rec.fills[0]!.orderId,
      accountName: "DEMO1000",
    });
    rec = await records();
    expect(rec.positions[0]!.netPos).toBe(1);
    expect(rec.fills[0]!.active).toBe(false);
    expect((await post(sim, "/sim/bust", { fillId: 42 })).json).toEqual({ error: "unknown fill 42" });

    expect((await post(sim, "/sim/events-first", { on: true })).json).toEqual({});
    expect((await post(sim, "/sim/depth", { symbol: "ES", depth: 0 })).status).toBe(400);
    expect((await post(sim, "/sim/liquidation-only", { account: "NOPE", on: true })).json).toEqual({
      error: "unknown account NOPE",
    });
  });
});
