import { afterEach, describe, expect, it, vi } from "vitest";
import type { RawOrder, RawReport } from "../../engine/broker/entities.js";
import { OrderCache } from "../../engine/broker/orderCache.js";

/** Ids above 2³¹, as the broker's are. */
const ID = 4_300_000_000;
const A = 100;
const B = 200;
const nameOf = (contractId: number) => (contractId === 9001 ? "ESZ6" : undefined);

const order = (id: number, ordStatus: string, accountId = A): RawOrder => ({
  id,
  accountId,
  contractId: 9001,
  ordStatus,
  action: "Buy",
});
const version = (orderId: number, id = orderId + 1, orderQty = 3) => ({
  id,
  orderId,
  orderQty,
  orderType: "Limit",
  price: 5000,
  stopPrice: undefined,
  pegDifference: undefined,
  timeInForce: "Day",
});
const report = (r: Partial<RawReport>): RawReport => ({
  commandId: undefined,
  orderId: undefined,
  rejectReason: undefined,
  text: undefined,
  ...r,
});

/** An order with everything the cache keeps about it: terms, fills, clOrdId, refusals, reported status and view. */
function fullOrder(cache: OrderCache, id: number, accountId = A): void {
  cache.store(order(id, "Working", accountId));
  cache.applyVersion(version(id));
  cache.rememberClOrdId(id, `mimik-${id}`);
  cache.applyCommand({ id: id + 10, orderId: id, clOrdId: undefined, commandType: "Modify" });
  cache.applyCommand({ id: id + 11, orderId: id, clOrdId: undefined, commandType: "Cancel" });
  cache.applyReport(report({ commandId: id + 10, commandStatus: "RiskRejected", rejectReason: "TooLate" }));
  cache.applyReport(report({ commandId: id + 11, commandStatus: "ExecutionRejected" }));
  cache.applyReport(report({ orderId: id, cumQty: 2 }));
  const o = cache.get(id)!;
  cache.statusChanged(o);
  cache.news(cache.view(id, nameOf)!);
}

describe("OrderCache: one record per order, as the maps it replaced kept it", () => {
  it("a snapshot drops every order's terms and fills, and keeps its clOrdId, refusals and what was reported", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 10 });
    fullOrder(cache, ID);
    cache.clearOrders();
    expect(cache.get(ID)).toBeUndefined();
    expect(cache.has(ID)).toBe(false);
    expect(cache.working(A, nameOf)).toEqual([]);
    cache.store(order(ID, "Working"));
    const view = cache.view(ID, nameOf)!;
    // Terms and filled count went with the snapshot: the snapshot's own versions bring them back.
    expect(view.qty).toBeUndefined();
    expect(view.filledQty).toBe(0);
    expect(view.clOrdId).toBe(`mimik-${ID}`);
    expect(view.modifyRefused).toEqual({ commandId: ID + 10, reason: "TooLate" });
    expect(view.cancelRefused).toEqual({ commandId: ID + 11, reason: "ExecutionRejected" });
    // The status was reported before: the same one is not told again.
    expect(cache.statusChanged(cache.get(ID)!)).toBe(false);
  });

  it("a re-read of one account drops its orders alone, and keeps their terms and filled counts", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 10 });
    fullOrder(cache, ID, A);
    fullOrder(cache, ID + 100, B);
    cache.clearOrders(new Set([A]));
    expect(cache.get(ID)).toBeUndefined();
    expect(cache.working(A, nameOf)).toEqual([]);
    expect(cache.get(ID + 100)?.ordStatus).toBe("Working");
    expect(cache.working(B, nameOf).map((o) => o.orderId)).toEqual([ID + 100]);
    cache.store(order(ID, "Working"));
    const view = cache.view(ID, nameOf)!;
    expect(view.qty).toBe(3);
    expect(view.filledQty).toBe(2);
    expect(view.clOrdId).toBe(`mimik-${ID}`);
    expect(view.modifyRefused?.commandId).toBe(ID + 10);
    // Nothing in the view changed since it was reported.
    expect(cache.news(view)).toBeUndefined();
  });

  it("after a snapshot the statuses and views of its orders count as reported, another account's not", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 10 });
    cache.store(order(ID, "Working", A));
    cache.store(order(ID + 1, "Working", B));
    cache.markStatusesReported(nameOf, new Set([A]));
    expect(cache.statusChanged(cache.get(ID)!)).toBe(false);
    expect(cache.news(cache.view(ID, nameOf)!)).toBeUndefined();
    expect(cache.statusChanged(cache.get(ID + 1)!)).toBe(true);
    expect(cache.news(cache.view(ID + 1, nameOf)!)).toEqual({});
  });

  it("a rejected order's status changes with its reason, and the event carries it", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 10 });
    cache.store(order(ID, "Rejected"));
    expect(cache.statusChanged(cache.get(ID)!)).toBe(true);
    cache.applyReport(report({ orderId: ID, rejectReason: "RiskRejected", text: "no margin" }));
    expect(cache.statusChanged(cache.get(ID)!)).toBe(true);
    expect(cache.statusChanged(cache.get(ID)!)).toBe(false);
    expect(cache.statusEvent(cache.get(ID)!, "c")?.rejectReason).toBe("RiskRejected: no margin");
  });

  it("forgets the oldest finished orders with all that was kept about them, never one working again", () => {
    const cache = new OrderCache({ finishedOrders: 2, commands: 100 });
    for (let i = 0; i < 4; i++) fullOrder(cache, ID + i * 100);
    // The first finishes, then works again (a late replace); the other three finish.
    cache.store(order(ID, "Filled"));
    cache.store(order(ID, "Working"));
    for (let i = 1; i < 4; i++) cache.store(order(ID + i * 100, "Filled"));
    cache.forgetFinished();
    expect(cache.get(ID)?.ordStatus).toBe("Working");
    expect(cache.clOrdId(ID)).toBe(`mimik-${ID}`);
    expect(cache.get(ID + 100)).toBeUndefined();
    expect(cache.clOrdId(ID + 100)).toBeUndefined();
    expect(cache.rejectReason(ID + 100)).toBeUndefined();
    expect(cache.get(ID + 200)?.ordStatus).toBe("Filled");
    // Finishing again counts it again: the oldest of the three finished then goes.
    cache.store(order(ID, "Canceled"));
    cache.forgetFinished();
    expect(cache.get(ID + 200)).toBeUndefined();
    expect(cache.get(ID + 300)?.ordStatus).toBe("Filled");
    expect(cache.get(ID)?.ordStatus).toBe("Canceled");
    // A forgotten order stored again starts afresh: nothing of the old one comes back.
    cache.store(order(ID + 100, "Working"));
    const view = cache.view(ID + 100, nameOf)!;
    expect([view.qty, view.filledQty, view.clOrdId, view.modifyRefused]).toEqual([
      undefined,
      0,
      undefined,
      undefined,
    ]);
  });

  it("a finished order a snapshot dropped is still counted, and forgotten in its turn", () => {
    const cache = new OrderCache({ finishedOrders: 1, commands: 100 });
    cache.store(order(ID, "Filled"));
    cache.rememberClOrdId(ID, "mine");
    cache.clearOrders();
    cache.store(order(ID + 1, "Filled"));
    cache.forgetFinished();
    expect(cache.clOrdId(ID)).toBeUndefined();
    expect(cache.get(ID + 1)?.ordStatus).toBe("Filled");
  });

  it("a refusal of a modify or cancel no longer kept is a reject reason, not a refusal", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 2 });
    cache.store(order(ID, "Working"));
    cache.applyCommand({ id: 1, orderId: ID, clOrdId: undefined, commandType: "Modify" });
    cache.applyCommand({ id: 2, orderId: ID, clOrdId: undefined, commandType: "New" });
    cache.applyCommand({ id: 3, orderId: ID, clOrdId: "restart-1", commandType: "New" });
    // Command 1 was the oldest of three with room for two: its report finds no order.
    expect(cache.applyReport(report({ commandId: 1, commandStatus: "RiskRejected" }))).toBeUndefined();
    expect(
      cache.applyReport(
        report({ orderId: ID, commandId: 1, commandStatus: "RiskRejected", rejectReason: "X" }),
      ),
    ).toBe(ID);
    expect(cache.view(ID, nameOf)?.modifyRefused).toBeUndefined();
    expect(cache.rejectReason(ID)).toBe("X");
    // A command's clOrdId is taken for an order without one, and never over ours.
    expect(cache.clOrdId(ID)).toBe("restart-1");
    cache.applyCommand({ id: 4, orderId: ID, clOrdId: "restart-2", commandType: "New" });
    expect(cache.clOrdId(ID)).toBe("restart-1");
  });
});

describe("OrderCache: the cost of an order's events", () => {
  afterEach(() => vi.restoreAllMocks());

  it("forgetting a finished order is one delete, not one per thing kept about it", () => {
    const cache = new OrderCache({ finishedOrders: 0, commands: 10_000 });
    for (let i = 0; i < 200; i++) {
      fullOrder(cache, ID + i * 100);
      cache.store(order(ID + i * 100, "Filled"));
    }
    const deletes = vi.spyOn(Map.prototype, "delete");
    const setDeletes = vi.spyOn(Set.prototype, "delete");
    cache.forgetFinished();
    expect(cache.get(ID)).toBeUndefined();
    // Nine maps and a set kept an order: ten deletes each, 2 000 for 200 orders.
    expect(deletes.mock.calls.length + setDeletes.mock.calls.length).toBe(200);
  });

  it("an order's view and status read its record once", () => {
    const cache = new OrderCache({ finishedOrders: 10, commands: 10 });
    fullOrder(cache, ID);
    const gets = vi.spyOn(Map.prototype, "get");
    const view = cache.view(ID, nameOf)!;
    cache.news(view);
    cache.statusChanged(cache.get(ID)!);
    // view 1, news 1, get 1, statusChanged 1 (the maps took 6, 1, 1 and 2).
    expect(gets.mock.calls.length).toBe(4);
  });
});
