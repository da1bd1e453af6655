import { describe, expect, it } from "vitest";
import { BrokerModel } from "../../engine/broker/model.js";
import { MODEL_LIMITS } from "../../engine/broker/modelShape.js";
import type { BrokerEvent, FillEvent, OrderStatusEvent } from "../../engine/types.js";
import { silentLogger } from "../../engine/types.js";

const ACC = { id: 100, name: "DEMO100" };
const LIMITS = { finishedOrders: 3, fillIds: 5, commands: 4 };

function synced(): BrokerModel {
  const m = new BrokerModel("conn", silentLogger, () => 42, LIMITS);
  m.setAccounts([ACC]);
  m.applySnapshot(
    {
      accounts: [{ id: 100, name: "DEMO100", active: true }],
      contracts: [{ id: 9001, name: "ESZ6", contractMaturityId: 51 }],
      contractMaturities: [{ id: 51, productId: 7 }],
      products: [{ id: 7, name: "ES", tickSize: 0.25, valuePerPoint: 50 }],
    },
    true,
  );
  return m;
}

const props = (entityType: string, entity: unknown, eventType = "Created") => ({
  entityType,
  eventType,
  entity,
});
const order = (id: number, ordStatus: string) => ({
  id,
  accountId: 100,
  contractId: 9001,
  ordStatus,
  action: "Buy",
});
const fill = (id: number, orderId: number) => ({
  id,
  orderId,
  contractId: 9001,
  action: "Buy",
  qty: 1,
  price: 6000,
  active: true,
});

function fillsOf(events: BrokerEvent[]): FillEvent[] {
  return events.filter((e): e is FillEvent => e.type === "fill");
}

/** Our order `id`: placed (clOrdId known), then finished with `status`. */
function finishOrder(m: BrokerModel, id: number, status = "Filled"): BrokerEvent[] {
  m.applyProps(props("order", order(id, "Working")), 0);
  m.rememberClOrdId(id, `mk-${id}`);
  return m.applyProps(props("order", order(id, status), "Updated"), 0);
}

describe("BrokerModel memory bounds", () => {
  it("ships limits generous enough for a trading day", () => {
    expect(MODEL_LIMITS.finishedOrders).toBeGreaterThanOrEqual(5_000);
    expect(MODEL_LIMITS.fillIds).toBeGreaterThanOrEqual(MODEL_LIMITS.finishedOrders);
  });

  it("forgets the oldest finished orders beyond the limit; working and recent ones stay ours", () => {
    const m = synced();
    m.applyProps(props("order", order(1, "Working")), 0);
    m.rememberClOrdId(1, "mk-1");
    for (let id = 2; id <= 7; id++) finishOrder(m, id, id === 4 ? "Canceled" : "Filled");
    expect(m.order(1)?.ordStatus).toBe("Working");
    expect([2, 3, 4].map((id) => m.order(id))).toEqual([undefined, undefined, undefined]);
    expect([5, 6, 7].map((id) => m.order(id)?.ordStatus)).toEqual(["Filled", "Filled", "Filled"]);
    expect(m.workingOrders(100).map((o) => o.orderId)).toEqual([1]);
    // A late fill of a recent finished order, and a fill of the old working one, still carry our clOrdId.
    expect(fillsOf(m.applyProps(props("fill", fill(905, 5)), 1))).toMatchObject([
      { accountId: 100, clOrdId: "mk-5" },
    ]);
    expect(fillsOf(m.applyProps(props("fill", fill(901, 1)), 1))).toMatchObject([
      { accountId: 100, clOrdId: "mk-1" },
    ]);
    // A fill of a forgotten order waits for the session to fetch the order, as any unknown order does.
    expect(fillsOf(m.applyProps(props("fill", fill(902, 2)), 1))).toEqual([]);
    expect(m.missing().orderIds).toEqual([2]);
  });

  it("ages an order from when it first finished, and never forgets one that is working again", () => {
    const m = synced();
    for (let id = 1; id <= 3; id++) finishOrder(m, id);
    m.applyProps(props("order", order(1, "Filled"), "Updated"), 0); // a repeat does not make it younger
    m.applyProps(props("order", order(2, "Working"), "Updated"), 0); // out of order: working again
    finishOrder(m, 4);
    finishOrder(m, 5);
    expect(m.order(1)).toBeUndefined();
    expect(m.order(2)?.ordStatus).toBe("Working");
    expect(m.workingOrders(100).map((o) => o.orderId)).toEqual([2]);
    // Once it finishes again it ages from then.
    m.applyProps(props("order", order(2, "Filled"), "Updated"), 0);
    for (let id = 6; id <= 7; id++) finishOrder(m, id);
    expect(m.order(2)?.ordStatus).toBe("Filled");
    finishOrder(m, 8);
    expect(m.order(2)).toBeUndefined();
  });

  it("keeps the window exact over a long run", () => {
    const m = synced();
    for (let id = 1; id <= 5_000; id++) {
      finishOrder(m, id);
      m.applyProps(props("fill", fill(100_000 + id, id)), 0);
    }
    expect([4_997, 4_998, 4_999, 5_000].map((id) => m.order(id) !== undefined)).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(fillsOf(m.applyProps(props("fill", fill(104_996, 4_996)), 0))).toEqual([]);
    expect(fillsOf(m.applyProps(props("fill", fill(104_995, 4_995)), 0))).toHaveLength(0);
    expect(m.missing().orderIds).toEqual([4_995]);
  });

  it("forgets nothing while a fill waits for its order", () => {
    const m = synced();
    expect(fillsOf(m.applyProps(props("fill", fill(950, 50)), 7))).toEqual([]);
    for (let id = 1; id <= 6; id++) finishOrder(m, id);
    expect([1, 2, 3, 4, 5, 6].every((id) => m.order(id) !== undefined)).toBe(true);
    // The awaited order arrives: the fill goes out, then the old orders are forgotten.
    const events = m.applyProps(props("order", order(50, "Filled")), 8);
    expect(fillsOf(events)).toMatchObject([{ fillId: 950, orderId: 50, receivedAt: 7 }]);
    finishOrder(m, 7);
    expect(m.order(1)).toBeUndefined();
    expect(m.order(7)).toBeDefined();
    expect(m.hasPending()).toBe(false);
  });

  it("a forgotten order's status is reported again if the broker repeats it (nothing is suppressed wrongly)", () => {
    const m = synced();
    for (let id = 1; id <= 5; id++) finishOrder(m, id);
    const again = m
      .applyProps(props("order", order(1, "Filled"), "Updated"), 0)
      .filter((e): e is OrderStatusEvent => e.type === "orderStatus");
    expect(again).toMatchObject([{ orderId: 1, status: "Filled" }]);
  });

  it("remembers only the most recent fill ids", () => {
    const m = synced();
    finishOrder(m, 1);
    for (let id = 1; id <= 8; id++)
      expect(fillsOf(m.applyProps(props("fill", fill(id, 1)), 0))).toHaveLength(1);
    for (const recent of [4, 5, 6, 7, 8])
      expect(fillsOf(m.applyProps(props("fill", fill(recent, 1)), 0))).toEqual([]);
    // Beyond the window a repeat is no longer recognised here (the copier's ledger still is).
    expect(fillsOf(m.applyProps(props("fill", fill(1, 1)), 0))).toHaveLength(1);
  });

  it("remembers only the most recent command → order links", () => {
    const m = synced();
    m.applyProps(props("order", order(1, "Working")), 0);
    m.applyProps(props("order", order(2, "Working")), 0);
    m.applyProps(props("command", { id: 11, orderId: 1, commandType: "New" }), 0);
    for (let c = 12; c <= 15; c++)
      m.applyProps(props("command", { id: c, orderId: 2, commandType: "New" }), 0);
    m.applyProps(props("order", order(1, "Rejected"), "Updated"), 0);
    m.applyProps(props("order", order(2, "Rejected"), "Updated"), 0);
    const reasons = (commandId: number) =>
      m
        .applyProps(props("commandReport", { id: commandId + 100, commandId, rejectReason: "Risk" }), 0)
        .filter((e): e is OrderStatusEvent => e.type === "orderStatus")
        .map((e) => e.rejectReason);
    expect(reasons(11)).toEqual([]);
    expect(reasons(15)).toEqual(["Risk"]);
  });
});
