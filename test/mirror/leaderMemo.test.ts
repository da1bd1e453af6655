/**
 * LeaderMemo.moved: every report of a leader order is read for a change of its terms, so a stop
 * moved away and back before a mirror pass is still a move (what was refused for it is over).
 */
import { describe, expect, it } from "vitest";
import { LeaderMemo } from "../../engine/mirror/leaderMemo.js";
import type { WorkingOrder } from "../../engine/types.js";

const order = (patch: Partial<WorkingOrder> = {}): WorkingOrder => ({
  orderId: 7,
  accountId: 1,
  contractId: "1",
  contract: "ESZ6",
  side: "Sell",
  orderType: "Stop",
  qty: 2,
  filledQty: 0,
  stopPrice: 6790,
  timeInForce: "Day",
  status: "Working",
  ...patch,
});

describe("LeaderMemo.moved", () => {
  it("says each change of a leader order's terms, the way back too, and nothing else", () => {
    const memo = new LeaderMemo();
    expect(memo.moved(order())).toBe(false); // first heard
    expect(memo.moved(order({ filledQty: 1 }))).toBe(false); // a fill is not a move
    expect(memo.moved(order({ stopPrice: 6795 }))).toBe(true);
    expect(memo.moved(order({ stopPrice: 6790 }))).toBe(true);
    expect(memo.moved(order({ stopPrice: 6790, qty: 3 }))).toBe(true);
    expect(memo.moved(order({ stopPrice: 6790, qty: 3 }))).toBe(false);
    expect(memo.moved(order({ orderId: 8, stopPrice: 1 }))).toBe(false);
  });

  it("a trailing stop's stop ratcheting is not a move; its trail changing is", () => {
    const memo = new LeaderMemo();
    const trailing = (stopPrice: number, trail = 4) => order({ orderType: "TrailingStop", stopPrice, trail });
    memo.moved(trailing(6790));
    expect(memo.moved(trailing(6791))).toBe(false);
    expect(memo.moved(trailing(6791, 6))).toBe(true);
  });

  it("forgets an order once it has ended", () => {
    const memo = new LeaderMemo();
    memo.moved(order());
    expect(memo.moved(order({ status: "Canceled", stopPrice: 6795 }))).toBe(false);
    expect(memo.moved(order({ stopPrice: 6800 }))).toBe(false);
  });
});
