/**
 * Issue 14: the model's order views. Every change of an order (status, version, fills, clOrdId,
 * links) is collected and comes out once per order from orderUpdates(), after the frame, never
 * among the events a frame's fill produces; an order on a contract with no name yet waits for it.
 */
import { describe, expect, it } from "vitest";
import { BrokerModel } from "../../engine/broker/model.js";
import { silentLogger } from "../../engine/types.js";

function synced() {
  const m = new BrokerModel("conn", silentLogger, () => 0);
  m.setAccounts([{ id: 100, name: "DEMO1" }]);
  m.applySnapshot(
    {
      users: [{ id: 1 }],
      accounts: [{ id: 100, name: "DEMO1" }],
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

describe("BrokerModel order updates", () => {
  it("collects an order's changes and gives each order once, as it stands after the frame", () => {
    const m = synced();
    const frame = [
      m.applyProps(props("command", { id: 70, orderId: 600, clOrdId: "mm-1-100-a", commandType: "New" }), 1),
      m.applyProps(
        props("order", {
          id: 600,
          accountId: 100,
          contractId: 9001,
          action: "Sell",
          ordStatus: "PendingNew",
          timestamp: "2026-11-20T14:00:00.000Z",
          linkedId: 601,
        }),
        1,
      ),
      m.applyProps(
        props("orderVersion", {
          id: 70,
          orderId: 600,
          orderQty: 2,
          orderType: "Stop",
          stopPrice: 6790,
          timeInForce: "GTC",
        }),
        1,
      ),
      m.applyProps(
        props(
          "order",
          { id: 600, accountId: 100, contractId: 9001, action: "Sell", ordStatus: "Working" },
          "Updated",
        ),
        1,
      ),
    ].flat();
    expect(frame.filter((e) => e.type === "orderUpdate")).toEqual([]);
    expect(m.orderUpdates()).toEqual([
      {
        type: "orderUpdate",
        connection: "conn",
        order: {
          orderId: 600,
          accountId: 100,
          contractId: "9001",
          contract: "ESZ6",
          side: "Sell",
          orderType: "Stop",
          qty: 2,
          filledQty: 0,
          stopPrice: 6790,
          timeInForce: "GTC",
          status: "Working",
          clOrdId: "mm-1-100-a",
          ocoWith: 601,
          placedAt: Date.parse("2026-11-20T14:00:00.000Z"),
        },
      },
    ]);
    expect(m.orderUpdates()).toEqual([]);
    // A repeat of the same state is no news; a fill is.
    m.applyProps(
      props(
        "order",
        { id: 600, accountId: 100, contractId: 9001, action: "Sell", ordStatus: "Working" },
        "Updated",
      ),
      2,
    );
    expect(m.orderUpdates()).toEqual([]);
    m.applyProps(
      props("executionReport", { id: 80, commandId: 70, orderId: 600, execType: "Trade", cumQty: 1 }),
      3,
    );
    expect(m.orderUpdates()).toMatchObject([{ order: { orderId: 600, filledQty: 1 } }]);
    // The latest version wins, whatever order versions arrive in.
    m.applyProps(
      props("orderVersion", { id: 90, orderId: 600, orderQty: 1, orderType: "Stop", stopPrice: 6795 }),
      4,
    );
    m.applyProps(
      props("orderVersion", { id: 70, orderId: 600, orderQty: 2, orderType: "Stop", stopPrice: 6790 }),
      4,
    );
    expect(m.orderUpdates()).toMatchObject([{ order: { qty: 1, stopPrice: 6795 } }]);
  });

  it("a modify is told even when the frame leaves its terms as they were (moved away and back)", () => {
    const m = synced();
    const version = (id: number, stopPrice: number) =>
      m.applyProps(props("orderVersion", { id, orderId: 600, orderQty: 2, orderType: "Stop", stopPrice }), 1);
    m.applyProps(
      props("order", { id: 600, accountId: 100, contractId: 9001, action: "Sell", ordStatus: "Working" }),
      1,
    );
    version(70, 6790);
    // Its first version is its placement, not a modify.
    expect(m.orderUpdates()).toEqual([
      { type: "orderUpdate", connection: "conn", order: expect.objectContaining({ stopPrice: 6790 }) },
    ]);
    version(71, 6785);
    version(72, 6790);
    expect(m.orderUpdates()).toEqual([
      {
        type: "orderUpdate",
        connection: "conn",
        order: expect.objectContaining({ stopPrice: 6790 }),
        modified: true,
      },
    ]);
    // Told once: the next frame without a version says nothing of a modify.
    m.applyProps(
      props(
        "order",
        { id: 600, accountId: 100, contractId: 9001, action: "Sell", ordStatus: "Working" },
        "Updated",
      ),
      2,
    );
    expect(m.orderUpdates()).toEqual([]);
    version(73, 6795);
    expect(m.orderUpdates()).toMatchObject([{ order: { stopPrice: 6795 }, modified: true }]);
  });

  it.each([10, -10])(
    "a trailing stop's distance is its version's pegDifference (%i), as a distance",
    (peg) => {
      const m = synced();
      m.applyProps(
        props("order", { id: 800, accountId: 100, contractId: 9001, action: "Sell", ordStatus: "Working" }),
        1,
      );
      m.applyProps(
        props("orderVersion", {
          id: 81,
          orderId: 800,
          orderQty: 2,
          orderType: "TrailingStop",
          stopPrice: 6790,
          pegDifference: peg,
        }),
        1,
      );
      expect(m.workingOrders(100)).toMatchObject([{ orderType: "TrailingStop", stopPrice: 6790, trail: 10 }]);
    },
  );

  it("an order on a contract with no name yet waits for it, like a fill", () => {
    const m = synced();
    m.applyProps(
      props("order", { id: 700, accountId: 100, contractId: 9002, action: "Buy", ordStatus: "Working" }),
      1,
    );
    expect(m.orderUpdates()).toEqual([]);
    expect(m.missing().contractIds).toEqual([9002]);
    m.applyEntity("contract", { id: 9002, name: "NQZ6", contractMaturityId: 52 });
    m.flush();
    expect(m.orderUpdates()).toMatchObject([{ order: { orderId: 700, contract: "NQZ6" } }]);
  });

  it("open orders are read per account, finished ones leave the list", () => {
    const m = synced();
    m.applyProps(
      props("order", { id: 800, accountId: 100, contractId: 9001, action: "Buy", ordStatus: "Working" }),
      1,
    );
    expect(m.workingOrders(100).map((o) => o.orderId)).toEqual([800]);
    m.applyProps(
      props(
        "order",
        { id: 800, accountId: 100, contractId: 9001, action: "Buy", ordStatus: "Canceled" },
        "Updated",
      ),
      2,
    );
    expect(m.workingOrders(100)).toEqual([]);
  });

  it("a working order deleted is told as ended, like a cancel (the copier waits on its status)", () => {
    const m = synced();
    const order = { id: 801, accountId: 100, contractId: 9001, action: "Buy", ordStatus: "Working" };
    m.applyProps(props("order", order), 1);
    const events = m.applyProps(props("order", order, "Deleted"), 2);
    expect(events.filter((e) => e.type === "orderStatus")).toEqual([
      expect.objectContaining({ type: "orderStatus", orderId: 801, status: "Canceled" }),
    ]);
    expect(m.workingOrders(100)).toEqual([]);
  });
});
