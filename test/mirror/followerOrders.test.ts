import { describe, expect, it } from "vitest";
import { FollowerOrders } from "../../engine/mirror/followerOrders.js";

describe("FollowerOrders.cancelling: a mirror whose cancel is on its way may still fill", () => {
  it("names the leader order of each mirror being cancelled, per follower, until its broker answers", () => {
    const orders = new FollowerOrders();
    orders.setBusy("F", "mm-77-2-a", "cancelling", 77);
    orders.setBusy("F", "mm-78-2-b", "modifying", 78);
    expect(orders.cancelling("F", 77)).toBe(true);
    expect(orders.cancelling("F", 78)).toBe(false);
    expect(orders.cancelling("G", 77)).toBe(false);
    orders.update("F", {
      orderId: 5,
      accountId: 2,
      contractId: "1",
      clOrdId: "mm-77-2-a",
      status: "Canceled",
    });
    expect(orders.cancelling("F", 77)).toBe(false);
  });
});
