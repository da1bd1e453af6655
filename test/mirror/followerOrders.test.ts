import { describe, expect, it } from "vitest";
import { FollowerOrders } from "../../engine/mirror/followerOrders.js";
import type { WorkingOrder } from "../../engine/types.js";

describe("FollowerOrders.cancelling: a mirror whose cancel is on its way may still fill", () => {
  it("names the leader order of each mirror being cancelled, per follower, until its broker answers", () => {
    const orders = new FollowerOrders();
    orders.setBusy("F", "mm-77-2-a", "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
    orders.setBusy("F", "mm-78-2-b", "modifying");
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

describe("FollowerOrders.cancellingOn: an exit beside a mirror being cancelled could fill twice", () => {
  it("names the line and side until the order is heard finished, then tells who waits, once", async () => {
    const ended: string[] = [];
    const orders = new FollowerOrders(undefined, (f, contract) => ended.push(`${f} ${contract}`));
    orders.setBusy("F", "mm-77-2-a", "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
    expect(orders.cancellingOn("F", "ESZ6", "Sell")).toBe(true);
    expect(orders.cancellingOn("F", "ESZ6", "Buy")).toBe(false);
    expect(orders.cancellingOn("F", "NQZ6", "Sell")).toBe(false);
    expect(orders.cancellingOn("G", "ESZ6", "Sell")).toBe(false);
    // The cancel's answer only says it was taken: the order may still fill.
    orders.cancelAnswered("mm-77-2-a", true);
    expect(orders.cancellingOn("F", "ESZ6", "Sell")).toBe(true);
    const finished = { orderId: 5, accountId: 2, contractId: "1", clOrdId: "mm-77-2-a", status: "Filled" };
    orders.update("F", finished);
    orders.update("F", finished);
    expect(orders.cancellingOn("F", "ESZ6", "Sell")).toBe(false);
    expect(ended).toEqual([]); // told after the event in hand
    await Promise.resolve();
    expect(ended).toEqual(["F ESZ6"]);
  });

  it("a refused cancel ends it too", async () => {
    const ended: string[] = [];
    const orders = new FollowerOrders(undefined, (f, contract) => ended.push(`${f} ${contract}`));
    orders.setBusy("F", "mm-77-2-a", "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
    orders.setBusy("F", "mm-77-2-a", undefined);
    expect(orders.cancellingOn("F", "ESZ6", "Sell")).toBe(false);
    await Promise.resolve();
    expect(ended).toEqual(["F ESZ6"]);
  });
});

describe("FollowerOrders.sizeOf: what a follower's mirrors of one leader order fill in all", () => {
  const working = (orderId: number, clOrdId: string, qty: number, filledQty = 0): WorkingOrder => ({
    ...{ orderId, accountId: 2, contractId: "1", contract: "ESZ6", side: "Buy", orderType: "Limit" },
    ...{ qty, filledQty, clOrdId, status: "Working" },
  });

  it.each([
    ["nothing for it", [], 0],
    ["a working one, by its whole size (its part fill included)", [working(5, "mm-88-2-a", 3, 1)], 3],
    ["another leader order's mirror is not its", [working(5, "mm-89-2-a", 3)], 0],
    ["another account's mirror is not its", [working(5, "mm-88-9-a", 3)], 0],
    ["two of its mirrors", [working(5, "mm-88-2-a", 3), working(6, "mm-88-2-b", 2)], 5],
  ] as const)("%s", (_, open, size) => {
    expect(new FollowerOrders().sizeOf("F", 2, open, 88)).toBe(size);
  });

  it("one being cancelled counts by its fills, a finished one by its fills, a placement on its way whole", () => {
    const orders = new FollowerOrders();
    orders.setBusy("F", "mm-88-2-a", "cancelling", { leaderId: 88, contract: "ESZ6", side: "Buy" });
    const cancelling = working(5, "mm-88-2-a", 4, 1);
    orders.update("F", { ...working(6, "mm-88-2-b", 2, 2), status: "Filled" });
    orders.sent("F", {
      ...{ clOrdId: "mm-88-2-c", leaderId: 88, contract: "ESZ6", set: "c", side: "Buy" },
      ...{ orderType: "Limit", qty: 3, filled: 0 },
    });
    expect(orders.sizeOf("F", 2, [cancelling], 88)).toBe(1 + 2 + 3);
    // The placement shows up among the working orders: counted once.
    expect(orders.sizeOf("F", 2, [cancelling, working(7, "mm-88-2-c", 3)], 88)).toBe(1 + 2 + 3);
  });
});

describe("FollowerOrders: a mirror its broker refused is told (the copier makes up what it answered)", () => {
  const placing = (clOrdId: string) => ({
    ...{ clOrdId, leaderId: 88, contract: "ESZ6", set: clOrdId.split("-")[3]!, side: "Sell" as const },
    ...{ orderType: "Stop", qty: 2, filled: 0 },
  });

  it("refused in its answer, or rejected after it was taken; not a lost answer, a cancel or a fill", () => {
    const told: string[] = [];
    const orders = new FollowerOrders((follower, leaderId, contract) =>
      told.push(`${follower} ${leaderId} ${contract}`),
    );
    orders.sent("F", placing("mm-88-2-a"));
    orders.notPlaced("F", "mm-88-2-a", false);
    orders.sent("F", placing("mm-88-2-b"));
    orders.notPlaced("F", "mm-88-2-b", true); // its fate is unknown: the snapshot tells
    const report = {
      accountId: 2,
      contractId: "1",
      contract: "ESZ6",
      side: "Sell" as const,
      orderType: "Stop",
    };
    orders.update("F", { ...report, orderId: 6, clOrdId: "mm-88-2-c", status: "Rejected" });
    orders.update("F", { ...report, orderId: 7, clOrdId: "mm-88-2-d", status: "Canceled" });
    orders.update("F", {
      ...report,
      orderId: 8,
      clOrdId: "mm-88-2-e",
      status: "Filled",
      qty: 2,
      filledQty: 2,
    });
    expect(told).toEqual(["F 88 ESZ6", "F 88 ESZ6"]);
  });
});

describe("FollowerOrders.filledLegGone: a leg of a set mimik links went by filling (its partners go too)", () => {
  const report = (orderId: number, clOrdId: string, filledQty: number, status = "Working"): WorkingOrder => ({
    ...{ orderId, accountId: 2, contractId: "1", contract: "ESZ6", side: "Sell", orderType: "Limit" },
    ...{ qty: 3, filledQty, clOrdId, status },
  });
  const leg = (clOrdId: string, filled = 0) => ({
    ...{
      clOrdId,
      leaderId: Number(clOrdId.split("-")[1]),
      contract: "ESZ6",
      set: "a",
      side: "Sell" as const,
    },
    ...{ orderType: "Limit", qty: 3, filled },
  });
  const target = "mm-11-2-a";
  const stop = "mm-12-2-a";

  it.each([
    ["no fill in the set", [], [leg(stop)], false],
    [
      "the target partly filled, working on beside the stop",
      [report(5, target, 1)],
      [leg(target, 1), leg(stop)],
      false,
    ],
    [
      "the target partly filled, working on, its stop refused (missing)",
      [report(5, target, 1)],
      [leg(target, 1)],
      false,
    ],
    ["the target filled and gone", [report(5, target, 3, "Filled")], [leg(stop)], true],
    [
      "the target partly filled, then gone (cancelled at the broker)",
      [report(5, target, 1)],
      [leg(stop)],
      true,
    ],
    ["a fill in another set", [report(5, "mm-11-2-b", 3, "Filled")], [leg(stop)], false],
    [
      "a fill of the leg placed again into the set (a name of its own)",
      [report(6, "mm-12-2-a-c", 1)],
      [leg(target), leg("mm-12-2-a-c", 1)],
      false,
    ],
  ] as const)("%s", (_, reports, legs, gone) => {
    const orders = new FollowerOrders();
    for (const r of reports) orders.update("F", r);
    expect(orders.filledLegGone("F", "a", legs)).toBe(gone);
    expect(orders.filledLegGone("G", "a", legs)).toBe(false);
  });
});

describe("FollowerOrders: a trailing stop's distance where its broker does not report it (ProjectX)", () => {
  it("is the one it was placed with; a reported one wins", () => {
    const orders = new FollowerOrders();
    orders.sent("F", {
      ...{ clOrdId: "mm-90-2-a", leaderId: 90, contract: "ESZ6", set: "a", side: "Sell" },
      ...{ orderType: "TrailingStop", qty: 2, filled: 0, stopPrice: 6790, trail: 10 },
    });
    const open: WorkingOrder = {
      ...{ orderId: 5, accountId: 2, contractId: "1", contract: "ESZ6", side: "Sell" },
      ...{ orderType: "TrailingStop", qty: 2, stopPrice: 6795, clOrdId: "mm-90-2-a", status: "Working" },
    };
    expect(orders.held("F", 2, [open])).toMatchObject([{ orderId: 5, trail: 10, stopPrice: 6795 }]);
    expect(orders.held("F", 2, [{ ...open, trail: 12 }])).toMatchObject([{ trail: 12 }]);
  });
});
