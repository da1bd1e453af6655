import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { aboutOrder, login, RawClient, sequence, startSim, syncedClient, waitFor } from "./helpers.js";

/** Order operations a copier of working orders needs (tradovate-protocol.md §5.2), over real sockets. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function client(): Promise<RawClient> {
  const c = await syncedClient(sim);
  clients.push(c);
  return c;
}

const DEMO1000 = 700001;
const base = { accountId: DEMO1000, symbol: "ESZ6", isAutomated: true };
const byId = (id: number) => sim.control.records().orders.find((o) => o.orderId === id)!;
const statuses = (c: RawClient, orderId: number) =>
  aboutOrder(c.props(), orderId)
    .filter((p) => p.entityType === "order")
    .map((p) => p.entity.ordStatus);

describe("order/modifyorder", () => {
  it("a new quantity and price: command (Modify) and a new orderVersion, then the order trades on its new terms", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const placed = await c.request("order/placeorder", {
      ...base,
      action: "Buy",
      orderQty: 2,
      orderType: "Limit",
      price: 6790,
    });
    const orderId = (placed.d as { orderId: number }).orderId;
    const before = c.props().length;
    const r = await c.request("order/modifyorder", {
      orderId,
      orderQty: 3,
      orderType: "Limit",
      price: 6795,
      isAutomated: true,
    });
    expect(r).toMatchObject({ s: 200, d: { commandId: expect.any(Number) } });
    const commandId = (r.d as { commandId: number }).commandId;
    await waitFor(() => c.props().length >= before + 5, "modify events");
    const events = c.props().slice(before);
    expect(sequence(events)).toEqual([
      "command Created",
      "orderVersion Created",
      "commandReport Created Working",
      "executionReport Created Working Replaced",
      "order Updated Working",
    ]);
    expect(events[0]!.entity).toMatchObject({
      id: commandId,
      orderId,
      commandType: "Modify",
      isAutomated: true,
    });
    expect(events[1]!.entity).toMatchObject({
      id: commandId,
      orderId,
      orderQty: 3,
      orderType: "Limit",
      price: 6795,
    });
    expect(sim.control.records().workingOrders).toEqual([
      expect.objectContaining({ orderId, qty: 3, price: 6795, status: "Working" }),
    ]);
    sim.control.setPrice("ES", 6795);
    expect(sim.control.records().fills).toEqual([expect.objectContaining({ orderId, qty: 3, price: 6795 })]);
  });

  it("modifying to Market trades at once; a finished order is TooLate; bad terms are refused", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const placed = await c.request("order/placeorder", {
      ...base,
      action: "Sell",
      orderQty: 1,
      orderType: "Limit",
      price: 6820,
    });
    const orderId = (placed.d as { orderId: number }).orderId;
    const modify = (patch: Record<string, unknown>) =>
      c.request("order/modifyorder", {
        orderId,
        orderQty: 1,
        orderType: "Limit",
        isAutomated: true,
        ...patch,
      });
    expect((await modify({ price: 6820.1 })).d).toMatchObject({ failureReason: "InvalidPrice" });
    expect((await modify({ orderId: 12345, price: 6820 })).d).toMatchObject({
      failureReason: "UnknownReason",
    });
    expect((await modify({ orderType: "Market" })).d).toEqual({ commandId: expect.any(Number) });
    expect(byId(orderId)).toMatchObject({ status: "Filled", orderType: "Market" });
    expect((await modify({ price: 6820 })).d).toMatchObject({ failureReason: "TooLate" });
  });
  it("a trailing stop changes its quantity only: anything else is TrailingStopNonOrderQtyModify", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    const placed = await c.request("order/placeorder", {
      ...base,
      action: "Sell",
      orderQty: 2,
      orderType: "TrailingStop",
      stopPrice: 6790,
      pegDifference: 10,
    });
    const orderId = (placed.d as { orderId: number }).orderId;
    sim.control.setPrice("ES", 6805); // the stop trails up to 6795
    const modify = (patch: Record<string, unknown>) =>
      c.request("order/modifyorder", {
        orderId,
        orderQty: 2,
        orderType: "TrailingStop",
        isAutomated: true,
        ...patch,
      });
    for (const patch of [
      { pegDifference: 5 },
      { stopPrice: 6790 },
      { orderType: "Stop", stopPrice: 6795 },
      { timeInForce: "GTC" },
    ])
      expect((await modify(patch)).d).toMatchObject({ failureReason: "TrailingStopNonOrderQtyModify" });
    expect(byId(orderId)).toMatchObject({ qty: 2, stopPrice: 6795, orderType: "TrailingStop" });
    // Its quantity alone (with its own stop and trail, said again or left out) is taken.
    expect((await modify({ orderQty: 3 })).d).toEqual({ commandId: expect.any(Number) });
    expect((await modify({ orderQty: 1, stopPrice: 6795, pegDifference: 10 })).d).toEqual({
      commandId: expect.any(Number),
    });
    sim.control.setPrice("ES", 6810);
    expect(byId(orderId)).toMatchObject({ qty: 1, stopPrice: 6800, orderType: "TrailingStop" });
  });
});

describe("order/cancelorder", () => {
  it("command (Cancel), then the order Updated Canceled", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const placed = await c.request("order/placeorder", {
      ...base,
      action: "Buy",
      orderQty: 1,
      orderType: "Stop",
      stopPrice: 6810,
    });
    const orderId = (placed.d as { orderId: number }).orderId;
    const before = c.props().length;
    const r = await c.request("order/cancelorder", { orderId, isAutomated: true });
    await waitFor(() => statuses(c, orderId).includes("Canceled"), "Canceled");
    expect(sequence(c.props().slice(before))).toEqual([
      "command Created",
      "commandReport Created Canceled",
      "executionReport Created Canceled Canceled",
      "order Updated Canceled",
    ]);
    expect(c.props()[before]!.entity).toMatchObject({
      id: (r.d as { commandId: number }).commandId,
      commandType: "Cancel",
    });
    sim.control.setPrice("ES", 6815);
    expect(sim.control.records().fills).toHaveLength(0);
  });

  it("a slow cancel is answered at once; the order filling on its way refuses it TooLate", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.slowCancels("DEMO1000", 300);
    const stop = { ...base, action: "Buy", orderQty: 1, orderType: "Stop" };
    const placed = await c.request("order/placeorder", { ...stop, stopPrice: 6810 });
    const orderId = (placed.d as { orderId: number }).orderId;
    const r = await c.request("order/cancelorder", { orderId, isAutomated: true });
    const commandId = (r.d as { commandId: number }).commandId;
    expect(byId(orderId).status).toBe("Working"); // taken, not carried out yet
    sim.control.setPrice("ES", 6815);
    const report = await waitFor(
      () => c.props().find((p) => p.entityType === "commandReport" && p.entity.commandId === commandId),
      "the cancel's report",
    );
    expect(report.entity).toMatchObject({ commandStatus: "ExecutionRejected", rejectReason: "TooLate" });
    expect(statuses(c, orderId).at(-1)).toBe("Filled");
    expect(sim.control.records().fills.map((f) => [f.action, f.qty])).toEqual([["Buy", 1]]);

    const second = await c.request("order/placeorder", { ...stop, stopPrice: 6830 });
    const secondId = (second.d as { orderId: number }).orderId;
    await c.request("order/cancelorder", { orderId: secondId, isAutomated: true });
    await waitFor(() => statuses(c, secondId).includes("Canceled"), "the untouched order Canceled");
  });
});

describe("order/placeoso", () => {
  it("brackets wait Suspended, work sized to what the entry filled, and one filling cancels the other", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.setDepth("ES", 1);
    const r = await c.request("order/placeoso", {
      ...base,
      action: "Buy",
      orderQty: 2,
      orderType: "Limit",
      price: 6795,
      bracket1: { action: "Sell", orderType: "Limit", price: 6805 },
      bracket2: { action: "Sell", orderType: "Stop", stopPrice: 6785 },
    });
    const { orderId, oso1Id, oso2Id } = r.d as { orderId: number; oso1Id: number; oso2Id: number };
    expect([orderId, oso1Id, oso2Id].every(Number.isInteger)).toBe(true);
    await waitFor(() => statuses(c, oso2Id).includes("Suspended"), "brackets suspended");
    const created = (id: number) =>
      c.props().find((p) => p.entityType === "order" && p.entity.id === id)!.entity;
    expect(created(oso1Id)).toMatchObject({ parentId: orderId, linkedId: oso2Id, ocoId: oso1Id });
    expect(created(oso2Id)).toMatchObject({ parentId: orderId, linkedId: oso1Id, ocoId: oso1Id });
    expect(byId(oso1Id)).toMatchObject({ status: "Suspended", parentId: orderId });

    sim.control.setPrice("ES", 6795); // the entry fills 1 of 2: brackets work for 1
    expect([byId(orderId).filledQty, byId(oso1Id).status, byId(oso1Id).qty, byId(oso2Id).qty]).toEqual([
      1,
      "Working",
      1,
      1,
    ]);
    sim.control.setPrice("ES", 6794); // the rest fills: brackets grow to 2 with a new orderVersion each
    expect([byId(oso1Id).qty, byId(oso2Id).qty]).toEqual([2, 2]);
    await waitFor(
      () =>
        c
          .props()
          .some(
            (p) => p.entityType === "orderVersion" && p.entity.orderId === oso2Id && p.entity.orderQty === 2,
          ),
      "bracket resized",
    );

    sim.control.setPrice("ES", 6805); // the target fills 1: the stop shrinks to 1
    expect([byId(oso1Id).filledQty, byId(oso2Id).qty]).toEqual([1, 1]);
    sim.control.setPrice("ES", 6806); // the target fills: the stop is cancelled
    expect([byId(oso1Id).status, byId(oso2Id).status]).toEqual(["Filled", "Canceled"]);
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
    expect(sim.control.records().workingOrders).toEqual([]);
    await waitFor(() => statuses(c, oso2Id).at(-1) === "Canceled", "stop Canceled event");
  });

  it("an entry cancelled before it fills takes its brackets with it", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const r = await c.request("order/placeoso", {
      ...base,
      action: "Sell",
      orderQty: 1,
      orderType: "Limit",
      price: 6810,
      bracket1: { action: "Buy", orderType: "Limit", price: 6800 },
    });
    const { orderId, oso1Id } = r.d as { orderId: number; oso1Id: number; oso2Id?: number };
    expect(r.d).not.toHaveProperty("oso2Id");
    await c.request("order/cancelorder", { orderId, isAutomated: true });
    expect([byId(orderId).status, byId(oso1Id).status]).toEqual(["Canceled", "Canceled"]);
  });

  it("a bracket on the entry's own side is refused", async () => {
    sim = await startSim();
    const c = await client();
    const r = await c.request("order/placeoso", {
      ...base,
      action: "Buy",
      orderQty: 1,
      orderType: "Market",
      bracket1: { action: "Buy", orderType: "Limit", price: 6900 },
    });
    expect(r.d).toMatchObject({
      failureReason: "UnknownReason",
      failureText: expect.stringContaining("bracket1"),
    });
    expect(sim.control.records().orders).toHaveLength(0);
  });
});

describe("order/placeoco", () => {
  it("two orders, one cancels the other: a fill of one, or a cancel", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    const r = await c.request("order/placeoco", {
      ...base,
      action: "Sell",
      orderQty: 2,
      orderType: "Limit",
      price: 6810,
      other: { action: "Sell", orderType: "Stop", stopPrice: 6790 },
    });
    const { orderId, ocoId } = r.d as { orderId: number; ocoId: number };
    expect(byId(orderId)).toMatchObject({ linkedId: ocoId, status: "Working", qty: 2 });
    expect(byId(ocoId)).toMatchObject({ linkedId: orderId, orderType: "Stop", qty: 2 });
    sim.control.setPrice("ES", 6789);
    expect([byId(ocoId).status, byId(orderId).status]).toEqual(["Filled", "Canceled"]);
    expect(sim.control.records().positions[0]!.netPos).toBe(0);

    const again = await c.request("order/placeoco", {
      ...base,
      action: "Buy",
      orderQty: 1,
      orderType: "Limit",
      price: 6780,
      other: { action: "Buy", orderType: "Stop", stopPrice: 6800 },
    });
    const pair = again.d as { orderId: number; ocoId: number };
    await c.request("order/cancelorder", { orderId: pair.ocoId, isAutomated: true });
    expect([byId(pair.orderId).status, byId(pair.ocoId).status]).toEqual(["Canceled", "Canceled"]);
  });

  it("legs modified to a new quantity cover it: a partial fill does not shrink them back", async () => {
    sim = await startSim();
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    const oco = sim.control.placeOco(
      "DEMO1000",
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Limit", price: 6810 },
      { orderType: "Stop", stopPrice: 6790 },
    ) as { orderId: number; ocoId: number };
    // The position grows to 4; both exits follow it.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    sim.control.modifyOrder(oco.orderId, { qty: 4 });
    sim.control.modifyOrder(oco.ocoId, { qty: 4 });
    sim.control.setDepth("ES", 1);
    sim.control.setPrice("ES", 6790); // the stop sweeps a one-lot book
    expect(byId(oco.ocoId)).toMatchObject({ status: "Filled", qty: 4, filledQty: 4 });
    expect(byId(oco.orderId).status).toBe("Canceled");
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
  });

  it("an OCO the account's risk check refuses (event mode): both legs Rejected, neither Canceled first", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    sim.control.rejectOrders("DEMO1000", "RiskCheckTimeout", undefined, "event");
    const r = await c.request("order/placeoco", {
      ...base,
      action: "Sell",
      orderQty: 1,
      orderType: "Limit",
      price: 6810,
      other: { action: "Sell", orderType: "Stop", stopPrice: 6790 },
    });
    const { orderId, ocoId } = r.d as { orderId: number; ocoId: number };
    await waitFor(() => statuses(c, ocoId).at(-1) === "Rejected", "second leg Rejected");
    expect(statuses(c, orderId)).toEqual(["PendingNew", "Rejected"]);
    expect(statuses(c, ocoId)).toEqual(["PendingNew", "Rejected"]);
    expect([byId(orderId).status, byId(ocoId).status]).toEqual(["Rejected", "Rejected"]);
  });

  it("moving a leg its partner's partial fill shrank keeps what the pair covers", async () => {
    sim = await startSim();
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 4);
    sim.control.setDepth("ES", 1);
    const oco = sim.control.placeOco(
      "DEMO1000",
      { symbol: "ESZ6", action: "Sell", qty: 4, orderType: "Limit", price: 6810 },
      { orderType: "Stop", stopPrice: 6790 },
    ) as { orderId: number; ocoId: number };
    sim.control.setPrice("ES", 6810); // the target sells 1: the stop now covers 3
    expect(byId(oco.ocoId).qty).toBe(3);
    sim.control.modifyOrder(oco.ocoId, { stopPrice: 6805 });
    sim.control.setPrice("ES", 6811); // the target sells 1 more
    expect(byId(oco.orderId)).toMatchObject({ status: "Working", qty: 4, filledQty: 2 });
    expect(byId(oco.ocoId)).toMatchObject({ status: "Working", qty: 2 });
  });
});

describe("orderStrategy/startorderstrategy (multibracket)", () => {
  const params = (brackets: unknown[], entryVersion: unknown = { orderQty: 2, orderType: "Market" }) =>
    JSON.stringify({ entryVersion, brackets });

  it("orderStrategy and orderStrategyLink entities; legs priced from the entry's fill; a stop fill ends it", async () => {
    sim = await startSim({ varyFrames: false });
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const r = await c.request("orderStrategy/startOrderStrategy", {
      accountId: DEMO1000,
      accountSpec: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      orderStrategyTypeId: 2,
      params: params([{ qty: 2, profitTarget: 10, stopLoss: -5, trailingStop: false }]),
    });
    const strategy = (r.d as { orderStrategy: Record<string, unknown> }).orderStrategy;
    expect(strategy).toMatchObject({
      id: expect.any(Number),
      accountId: DEMO1000,
      orderStrategyTypeId: 2,
      action: "Buy",
      status: "ActiveStrategy",
    });
    await waitFor(() => c.props().filter((p) => p.entityType === "orderStrategyLink").length === 3, "links");
    const links = c
      .props()
      .filter((p) => p.entityType === "orderStrategyLink")
      .map((p) => p.entity);
    expect(links.map((l) => l.label)).toEqual(["Entry", "Target 1", "Stop 1"]);
    expect(links.every((l) => l.orderStrategyId === strategy.id)).toBe(true);
    const [entry, target, stop] = links.map((l) => byId(l.orderId as number));
    expect(entry).toMatchObject({ status: "Filled", filledQty: 2, strategyId: strategy.id });
    expect(target).toMatchObject({
      orderType: "Limit",
      price: 6810,
      action: "Sell",
      qty: 2,
      status: "Working",
    });
    expect(stop).toMatchObject({ orderType: "Stop", stopPrice: 6795, qty: 2, linkedId: target!.orderId });

    // A fresh snapshot carries the strategy, its links and the strategy type.
    const other = await RawClient.authorized(sim, (await login(sim)).accessToken);
    clients.push(other);
    const snap = (await other.request("user/syncrequest", { accounts: [DEMO1000] })).d as Record<
      string,
      unknown[]
    >;
    expect(snap.orderStrategies).toEqual([expect.objectContaining({ id: strategy.id })]);
    expect(snap.orderStrategyLinks).toHaveLength(3);
    expect(snap.orderStrategyTypes).toEqual([{ id: 2, name: "multibracket", enabled: true }]);

    sim.control.setPrice("ES", 6794);
    expect([byId(stop!.orderId!).status, byId(target!.orderId!).status]).toEqual(["Filled", "Canceled"]);
    await waitFor(
      () =>
        c.props().some((p) => p.entityType === "orderStrategy" && p.entity.status === "ExecutionFinished"),
      "strategy finished",
    );
  });

  it("two brackets split the entry; a trailing stop follows the price", async () => {
    sim = await startSim();
    await client();
    sim.control.setPrice("ES", 6800);
    const started = sim.control.startStrategy("DEMO1000", {
      symbol: "ESZ6",
      action: "Sell",
      brackets: [
        { qty: 1, profitTarget: -5, stopLoss: 5 },
        { qty: 2, profitTarget: -20, stopLoss: 4, trailingStop: true },
      ],
    });
    expect(started).toMatchObject({ orderStrategyId: expect.any(Number), orderId: expect.any(Number) });
    const legs = sim.control.records().workingOrders;
    expect(legs.map((o) => [o.orderType, o.qty, o.price ?? o.stopPrice])).toEqual([
      ["Limit", 1, 6795],
      ["Stop", 1, 6805],
      ["Limit", 2, 6780],
      ["TrailingStop", 2, 6804],
    ]);
    sim.control.setPrice("ES", 6790); // target 1 fills; the trailing stop follows down to 6794
    const trailing = sim.control.records().workingOrders.find((o) => o.orderType === "TrailingStop")!;
    expect(trailing.stopPrice).toBe(6794);
    sim.control.setPrice("ES", 6794);
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
    expect(sim.control.records().workingOrders).toEqual([]);
  });

  it("refuses what Tradovate would: another strategy type, brackets that do not add up, offsets on the wrong side", async () => {
    sim = await startSim();
    const c = await client();
    const start = (patch: Record<string, unknown>) =>
      c.request("orderStrategy/startOrderStrategy", {
        accountId: DEMO1000,
        symbol: "ESZ6",
        action: "Buy",
        orderStrategyTypeId: 2,
        params: params([{ qty: 2, profitTarget: 10, stopLoss: -5 }]),
        ...patch,
      });
    expect((await start({ orderStrategyTypeId: 1 })).d).toEqual({ errorText: expect.stringContaining("2") });
    expect((await start({ params: params([{ qty: 1, profitTarget: 10 }]) })).d).toEqual({
      errorText: expect.stringContaining("add up"),
    });
    expect((await start({ params: params([{ qty: 2, profitTarget: -10 }]) })).d).toEqual({
      errorText: expect.stringContaining("profitTarget"),
    });
    expect((await start({ params: "{not json" })).d).toEqual({ errorText: expect.stringContaining("JSON") });
    expect(sim.control.records().orders).toHaveLength(0);
  });

  it("interruptorderstrategy cancels its open orders and marks it interrupted", async () => {
    sim = await startSim();
    const c = await client();
    sim.control.setPrice("ES", 6800);
    const r = await c.request("orderStrategy/startOrderStrategy", {
      accountId: DEMO1000,
      symbol: "ESZ6",
      action: "Buy",
      orderStrategyTypeId: 2,
      params: params([{ qty: 1, profitTarget: 10 }], { orderQty: 1, orderType: "Limit", price: 6790 }),
    });
    const id = (r.d as { orderStrategy: { id: number } }).orderStrategy.id;
    const stopped = await c.request("orderStrategy/interruptOrderStrategy", { orderStrategyId: id });
    expect((stopped.d as { orderStrategy: { status: string } }).orderStrategy.status).toBe(
      "ExecutionInterrupted",
    );
    expect(sim.control.records().orders[0]).toMatchObject({ status: "Canceled", strategyId: id });
    expect((await c.request("orderStrategy/interruptOrderStrategy", { orderStrategyId: id })).d).toEqual({
      errorText: expect.stringContaining("ExecutionInterrupted"),
    });
  });
});
