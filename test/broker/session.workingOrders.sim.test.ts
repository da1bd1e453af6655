/**
 * Issue 14: the session's working-order side against the real simulator: orders of every type the
 * mirror sends, OCO placement, modify, cancel, and the leader's orders (OSO bracket legs, OCO
 * links, terms, fills) as OrderUpdateEvents and reads.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerSession, OrderUpdateEvent, WorkingOrder } from "../../engine/types.js";
import { waitFor } from "./helpers/fakeTradovate.js";
import { type SimHarness, startSimHarness } from "./helpers/sim.js";

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

function account(session: BrokerSession, name: string) {
  const a = session.accounts().find((x) => x.name === name);
  if (!a) throw new Error(`no account ${name}`);
  return a;
}

async function started() {
  h = await startSimHarness();
  h.sim.control.setPrice("ES", 6800);
  const opened = h.open();
  await opened.session.start();
  return opened;
}

function lastView(events: OrderUpdateEvent[], orderId: number): WorkingOrder | undefined {
  return events.filter((e) => e.order.orderId === orderId).at(-1)?.order;
}

describe("working orders through the session (simulator)", () => {
  it("places a limit with price and time in force, modifies it and cancels it; every step is an orderUpdate", async () => {
    const { session, seen } = await started();
    const acc = account(session, "DEMO2001");
    const placed = await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      clOrdId: "mm-1-1-a",
      orderType: "Limit",
      price: 6790,
      timeInForce: "GTC",
      exit: false,
    });
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    const record = h!.sim.control.records().workingOrders.find((o) => o.orderId === placed.orderId);
    expect(record).toMatchObject({ orderType: "Limit", price: 6790, qty: 2, timeInForce: "GTC" });
    await waitFor(
      () => lastView(seen.of("orderUpdate"), placed.orderId)?.status === "Working",
      2000,
      "the limit working",
    );
    expect(session.workingOrders(acc.id)).toEqual([
      expect.objectContaining({
        orderId: placed.orderId,
        contract: "ESZ6",
        side: "Buy",
        orderType: "Limit",
        qty: 2,
        filledQty: 0,
        price: 6790,
        timeInForce: "GTC",
        status: "Working",
        clOrdId: "mm-1-1-a",
      }),
    ]);

    const modified = await session.modifyOrder({
      accountId: acc.id,
      orderId: placed.orderId,
      qty: 3,
      orderType: "Limit",
      price: 6785.5,
      timeInForce: "GTC",
    });
    expect(modified).toMatchObject({ ok: true, orderId: placed.orderId });
    await waitFor(
      () => lastView(seen.of("orderUpdate"), placed.orderId)?.price === 6785.5,
      2000,
      "the new version",
    );
    expect(lastView(seen.of("orderUpdate"), placed.orderId)).toMatchObject({ qty: 3, status: "Working" });

    expect((await session.cancelOrder(placed.orderId)).ok).toBe(true);
    await waitFor(
      () => lastView(seen.of("orderUpdate"), placed.orderId)?.status === "Canceled",
      2000,
      "the cancel",
    );
    expect(session.workingOrders(acc.id)).toEqual([]);
  });

  it("places a native OCO (stop and limit): both legs named by their clOrdIds and linked", async () => {
    const { session } = await started();
    const acc = account(session, "DEMO2001");
    await session.placeOrder({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      clOrdId: "open",
    });
    await waitFor(() => session.positions(acc.id).some((p) => p.netPos === 2), 2000, "long 2");
    const result = await session.placeOco!({
      accountId: acc.id,
      accountName: acc.name,
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      clOrdId: "mm-10-1-x",
      orderType: "Stop",
      stopPrice: 6790,
      exit: true,
      other: { action: "Sell", orderType: "Limit", price: 6820, clOrdId: "mm-11-1-x" },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.otherOrderId).toBeDefined();
    await waitFor(() => session.workingOrders(acc.id).length === 2, 2000, "two legs");
    const legs = session.workingOrders(acc.id);
    const stop = legs.find((o) => o.clOrdId === "mm-10-1-x")!;
    const limit = legs.find((o) => o.clOrdId === "mm-11-1-x")!;
    expect(stop).toMatchObject({ orderType: "Stop", stopPrice: 6790, qty: 2, side: "Sell" });
    expect(stop.price).toBeUndefined();
    expect(limit).toMatchObject({ orderType: "Limit", price: 6820, qty: 2 });
    expect(stop.ocoWith).toBe(limit.orderId);
    expect(limit.ocoWith).toBe(stop.orderId);

    h!.sim.control.setPrice("ES", 6820);
    await waitFor(() => session.workingOrders(acc.id).length === 0, 2000, "the target fills, the stop goes");
    expect(session.positions(acc.id).find((p) => p.contract === "ESZ6")?.netPos).toBe(0);
  });

  it("sees the leader's OSO bracket: entry, Suspended legs linked to it and to each other, then filled", async () => {
    const { session, seen } = await started();
    const acc = account(session, "DEMO1000");
    const oso = h!.sim.control.placeOso(
      "DEMO1000",
      { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
      { orderType: "Stop", stopPrice: 6780 },
      { orderType: "Limit", price: 6815 },
    );
    if (!("oso1Id" in oso)) throw new Error("oso refused");
    await waitFor(() => session.workingOrders(acc.id).length === 3, 2000, "entry and legs");
    const byId = new Map(session.workingOrders(acc.id).map((o) => [o.orderId, o]));
    expect(byId.get(oso.orderId)).toMatchObject({ orderType: "Limit", price: 6795, status: "Working" });
    expect(byId.get(oso.oso1Id)).toMatchObject({
      status: "Suspended",
      bracketOf: oso.orderId,
      ocoWith: oso.oso2Id,
      orderType: "Stop",
      stopPrice: 6780,
      side: "Sell",
    });
    expect(byId.get(oso.oso1Id)?.placedAt).toEqual(expect.any(Number));

    h!.sim.control.setPrice("ES", 6795);
    await waitFor(
      () => lastView(seen.of("orderUpdate"), oso.orderId)?.status === "Filled",
      2000,
      "the entry filled",
    );
    expect(lastView(seen.of("orderUpdate"), oso.orderId)).toMatchObject({ filledQty: 2 });
    await waitFor(
      () => session.workingOrders(acc.id).every((o) => o.status === "Working"),
      2000,
      "the legs working",
    );
    expect(
      session
        .workingOrders(acc.id)
        .map((o) => o.orderId)
        .sort(),
    ).toEqual([oso.oso1Id, oso.oso2Id!].sort());
  });
});
