/**
 * A follower's exit whose leader order filled first keeps working a moment (late.ts): until it
 * fills or goes to market it still closes part of the follower's position, so the follower's other
 * exits may only cover the rest.
 */
import { describe, expect, it } from "vitest";
import { mirrorWorld } from "./fakeVenue.js";

const L = 1;
const F1 = 2;
const F2 = 3;

type World = ReturnType<typeof mirrorWorld>;

function oco(w: World, qty: number, stopPrice: number, price: number) {
  const stop = w.venue.leaderOrder(L, { side: "Sell", orderType: "Stop", qty, stopPrice });
  const target = w.venue.leaderOrder(L, { side: "Sell", orderType: "Limit", qty, price, ocoWith: stop });
  w.venue.change(stop, { ocoWith: target });
  return { stop, target };
}

/** What the account's working sells would close at most (an OCO counted once). */
function exitsOf(w: World, accountId: number): number {
  const sells = w.venue.open(accountId).filter((o) => o.side === "Sell");
  const counted = new Set<number>();
  let total = 0;
  for (const o of sells) {
    if (counted.has(o.orderId)) continue;
    counted.add(o.orderId);
    const partner = sells.find((p) => p.orderId === o.ocoWith);
    if (partner) counted.add(partner.orderId);
    const left = (x: typeof o) => x.qty! - (x.filledQty ?? 0);
    total += Math.max(left(o), partner ? left(partner) : 0);
  }
  return total;
}

describe("a late exit still counts against the follower's position", () => {
  it("the leader's first OCO filled and the follower's not yet: its other exit does not grow over it", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.setPosition(L, "ESZ6", 4);
    w.venue.setPosition(F1, "ESZ6", 4);
    w.venue.setPosition(F2, "ESZ6", 2);
    const a = oco(w, 2, 6790, 6810);
    oco(w, 2, 6780, 6830);
    await w.settle();
    expect([exitsOf(w, F1), exitsOf(w, F2)]).toEqual([4, 2]);
    w.venue.fill(a.target, 2); // the leader's; the followers' at the same price wait in the queue
    await w.settle();
    w.clock.advance(300);
    await w.settle();
    expect(exitsOf(w, F1)).toBeLessThanOrEqual(4);
    expect(exitsOf(w, F2)).toBeLessThanOrEqual(2);
    const late = w.venue.open(F1).find((o) => o.orderType === "Limit" && o.price === 6810)!;
    w.venue.fill(late.orderId, 2); // it fills after all: the other exit covers what is left
    await w.settle();
    w.clock.advance(300);
    await w.settle();
    expect(exitsOf(w, F1)).toBe(2);
  });
});
