import { describe, expect, it } from "vitest";
import { FollowerBook, MAX_LIVE_ORDERS } from "../../engine/copier/followerBook.js";

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

  it("a stale report (an older state arriving after newer fills, e.g. a slow or duplicated frame) is ignored", () => {
    const b = new FollowerBook();
    b.resetAccount("A", [{ contract: "NQZ6", netPos: -5, volume: 5 }]);
    // Close 5, open +2, add +4, reduce −3: all filled and seen.
    const steps: [string, number][] = [
      ["c1", 5],
      ["c2", 2],
      ["c3", 4],
      ["c4", -3],
    ];
    steps.forEach(([id, qty], i) => {
      b.sent("A", "NQZ6", id, qty);
      b.acked(id, 100 + i);
      b.fill("A", "NQZ6", qty, { clOrdId: id, orderId: 100 + i });
    });
    expect(b.position("A", "NQZ6")).toBe(3);
    // The report from before all that arrives late (volume 5 < 19): the fills win.
    b.report("A", "NQZ6", -5, 5);
    expect(b.position("A", "NQZ6")).toBe(3);
    // A report that covers exactly the fills seen is the same state: adopted, nothing changes.
    b.report("A", "NQZ6", 3, 19);
    expect(b.position("A", "NQZ6")).toBe(3);
  });

  it("a report that covers exactly the fills seen corrects a drift", () => {
    const b = new FollowerBook();
    b.resetAccount("A", [{ contract: "ESZ6", netPos: 1, volume: 1 }]);
    b.fill("A", "ESZ6", 1, { orderId: 7 });
    expect(b.position("A", "ESZ6")).toBe(2);
    b.report("A", "ESZ6", 3, 2);
    expect(b.position("A", "ESZ6")).toBe(3);
  });

  it("after a sync, a contract missing from the snapshot is flat, and an early report does not count a fill twice", () => {
    const b = new FollowerBook();
    b.resetAccount("A", []);
    expect(b.has("A", "CLF7")).toBe(true);
    b.report("A", "CLF7", 2, 2); // reordered ahead of its fill
    b.fill("A", "CLF7", 2, { orderId: 5 });
    expect(b.position("A", "CLF7")).toBe(2);
  });

  it("duplicated reports and fills in any order add up to the truth", () => {
    const b = new FollowerBook();
    b.resetAccount("A", [{ contract: "ESZ6", netPos: 0, volume: 0 }]);
    b.sent("A", "ESZ6", "c1", 3);
    b.report("A", "ESZ6", 3, 3);
    b.report("A", "ESZ6", 3, 3);
    b.fill("A", "ESZ6", 3, { clOrdId: "c1", orderId: 1 });
    b.acked("c1", 1);
    b.report("A", "ESZ6", 3, 3);
    b.sent("A", "ESZ6", "c2", -3);
    expect(b.position("A", "ESZ6")).toBe(0);
    b.report("A", "ESZ6", 3, 3); // old state again, after c2 was sent
    expect(b.position("A", "ESZ6")).toBe(0);
    b.fill("A", "ESZ6", -3, { clOrdId: "c2", orderId: 2 });
    expect(b.position("A", "ESZ6")).toBe(0);
    expect(b.isPending("c2")).toBe(false);
  });
});

describe("FollowerBook: a live order is never forgotten", () => {
  it("keeps every live order however many there are (the old bound of 10 000 evicted live ones)", () => {
    const b = new FollowerBook();
    const accounts = Array.from({ length: 12 }, (_, i) => `F${i}`);
    for (const a of accounts) b.seed(a, "ESZ6", 0);
    for (const a of accounts) for (let n = 0; n < 999; n++) b.sent(a, "ESZ6", `${a}-${n}`, 1);
    expect(accounts.map((a) => b.position(a, "ESZ6"))).toEqual(accounts.map(() => 999));
    expect(b.isPending("F0-0")).toBe(true);
  });

  it.each([
    ["filled", (b: FollowerBook) => b.fill("A", "ESZ6", 1, { clOrdId: "c0", orderId: 1 })],
    ["rejected", (b: FollowerBook) => b.failed("c0")],
    ["folded into a snapshot", (b: FollowerBook) => b.resetAccount("A", [])],
  ])(`full at ${MAX_LIVE_ORDERS} live orders of one account; one %s makes room`, (_, finish) => {
    const b = new FollowerBook();
    b.seed("A", "ESZ6", 0);
    for (let n = 0; n < MAX_LIVE_ORDERS; n++) b.sent("A", "ESZ6", `c${n}`, 1);
    expect(b.full("A")).toBe(true);
    expect(b.full("B")).toBe(false);
    finish(b);
    expect(b.full("A")).toBe(false);
  });

  it("a snapshot names the orders it let go of, and only that account's", () => {
    const b = new FollowerBook();
    b.sent("A", "ESZ6", "a1", 1);
    b.sent("A", "NQZ6", "a2", -1);
    b.sent("B", "ESZ6", "b1", 1);
    expect(b.resetAccount("A", [{ contract: "ESZ6", netPos: 1 }]).sort()).toEqual(["a1", "a2"]);
    expect([b.isPending("a1"), b.isPending("b1")]).toEqual([false, true]);
    expect(b.position("A", "ESZ6")).toBe(1);
  });
});

describe("FollowerBook.sureExit: an exit sells only what the follower surely holds", () => {
  it.each([
    // [held, live orders (signed, unfilled), exit delta, what goes now]
    [0, [2], -2, 0], // all of it an opening on its way
    [2, [2], -4, -2], // held 2, an add of 2 on its way
    [2, [], -2, -2], // nothing on its way
    [4, [-2], -1, -1], // an exit on its way: sure it leaves 2, this reduce may go
    [0, [-3], 3, 0], // a short opening on its way, bought back
    [-1, [-2], 3, 1],
    [2, [2], 0, 0],
  ] as const)("held %i, on its way %j, exit %i: %i now", (held, live, delta, now) => {
    const b = book(held);
    for (const [i, qty] of live.entries()) b.sent("A", "ESZ6", `c${i}`, qty);
    expect(b.sureExit("A", "ESZ6", delta)).toBe(now);
  });

  it("an opening's part fill is sure", () => {
    const b = book();
    b.sent("A", "ESZ6", "c1", 3);
    b.acked("c1", 9);
    b.fill("A", "ESZ6", 1, { clOrdId: "c1", orderId: 9 });
    expect(b.sureExit("A", "ESZ6", -3)).toBe(-1);
  });
});
