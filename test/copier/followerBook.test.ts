import { describe, expect, it } from "vitest";
import { FollowerBook } from "../../engine/copier/followerBook.js";

function book(start = 0) {
  const b = new FollowerBook();
  b.seed("A", "ESZ6", start);
  return b;
}

describe("FollowerBook: broker-reported + in flight, whatever order the broker reports in", () => {
  it("counts a sent order at once, then the same after fill and report", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", 2);
    expect(b.position("A", "ESZ6")).toBe(2);
    b.acked("c1", 9);
    b.fill("A", "ESZ6", 2, { clOrdId: "c1", orderId: 9 });
    expect(b.position("A", "ESZ6")).toBe(2);
    b.report("A", "ESZ6", 2);
    expect(b.position("A", "ESZ6")).toBe(2);
    expect(b.isPending("c1")).toBe(false);
  });

  it("a position report before its fill event does not count the fill twice", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", 2);
    b.report("A", "ESZ6", 2);
    expect(b.position("A", "ESZ6")).toBe(2);
    b.fill("A", "ESZ6", 2, { clOrdId: "c1", orderId: 9 });
    expect(b.position("A", "ESZ6")).toBe(2);
  });

  it("a fill before the ack without our clOrdId is moved to the order at the ack", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", -3);
    expect(b.fill("A", "ESZ6", -3, { orderId: 9 })).toBeUndefined();
    b.acked("c1", 9);
    expect(b.position("A", "ESZ6")).toBe(-3);
    b.report("A", "ESZ6", -3);
    expect(b.position("A", "ESZ6")).toBe(-3);
  });

  it("…also when a report came in between", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", 1);
    b.fill("A", "ESZ6", 1, { orderId: 9 });
    b.report("A", "ESZ6", 1);
    b.acked("c1", 9);
    expect(b.position("A", "ESZ6")).toBe(1);
  });

  it("manual fills count before their report, once", () => {
    const b = book(1);
    b.fill("A", "ESZ6", 2, { orderId: 77 });
    expect(b.position("A", "ESZ6")).toBe(3);
    b.report("A", "ESZ6", 3);
    expect(b.position("A", "ESZ6")).toBe(3);
    // report first, then the manual fill
    b.report("A", "ESZ6", 4);
    b.fill("A", "ESZ6", 1, { orderId: 78 });
    expect(b.position("A", "ESZ6")).toBe(4);
  });

  it("a rejected order stops counting; a partly filled one keeps what filled", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", 3);
    b.failed("c1");
    expect(b.position("A", "ESZ6")).toBe(0);
    b.sent("A", "ESZ6", "c2", 3);
    b.fill("A", "ESZ6", 1, { clOrdId: "c2", orderId: 5 });
    b.failed("c2");
    expect(b.position("A", "ESZ6")).toBe(1);
    b.report("A", "ESZ6", 1);
    expect(b.position("A", "ESZ6")).toBe(1);
  });

  it("a sync snapshot replaces everything for the account", () => {
    const b = book(5);
    b.sent("A", "ESZ6", "c1", 2);
    b.resetAccount("A", [{ contract: "ESZ6", netPos: 7 }]);
    expect(b.position("A", "ESZ6")).toBe(7);
    expect(b.isPending("c1")).toBe(false);
  });
});
