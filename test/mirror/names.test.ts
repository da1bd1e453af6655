/** clOrdIds name the leader order; leader orders are read and grouped into sets. */
import { describe, expect, it } from "vitest";
import { mirrorClOrdId, parseMirrorClOrdId, SetTokens } from "../../engine/mirror/clOrdIds.js";
import { leaderOrderOf, linkedSets, pairLoneExits } from "../../engine/mirror/leaderOrders.js";
import type { LeaderOrder } from "../../engine/mirror/types.js";

describe("mirror clOrdIds", () => {
  it("name the leader order, the follower account and the set, within 64 characters", () => {
    const id = mirrorClOrdId(600_000_000_123, 7654321, new SetTokens(() => 1_800_000_000_000).next());
    expect(id.length).toBeLessThanOrEqual(64);
    expect(parseMirrorClOrdId(id)).toEqual({
      leaderOrderId: 600_000_000_123,
      accountId: 7654321,
      set: expect.any(String),
    });
  });

  it("are not copies' or anyone else's", () => {
    for (const other of ["mk-1-2", "mk-rs-1-x-1", "mm-1-2", "mm-a-2-x", "JT_COPY_1", undefined])
      expect(parseMirrorClOrdId(other)).toBeUndefined();
  });

  it("set tokens never repeat, even when the clock stands still or goes back", () => {
    let now = 1_000;
    const tokens = new SetTokens(() => now);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      if (i === 25) now = 900;
      seen.add(tokens.next());
    }
    expect(seen.size).toBe(50);
  });
});

const o = (id: number, more: Partial<LeaderOrder>): LeaderOrder => ({
  id,
  side: "Sell",
  type: "Stop",
  qty: 1,
  filled: 0,
  suspended: false,
  placedAt: id,
  ...more,
});

describe("leader orders", () => {
  it("are read only once their terms are known and while they are open", () => {
    const base = {
      orderId: 1,
      accountId: 1,
      contractId: "1",
      contract: "ESZ6",
      side: "Sell" as const,
      orderType: "Stop",
      qty: 2,
      stopPrice: 6790,
    };
    expect(leaderOrderOf({ ...base, status: "Working" })).toMatchObject({
      id: 1,
      type: "Stop",
      qty: 2,
      suspended: false,
    });
    expect(leaderOrderOf({ ...base, status: "Suspended", bracketOf: 9 })).toMatchObject({
      suspended: true,
      bracketOf: 9,
    });
    expect(leaderOrderOf({ ...base, status: "Filled" })).toBeUndefined();
    expect(leaderOrderOf({ ...base, qty: undefined, status: "Working" })).toBeUndefined();
  });

  it("OCO partners form one set; market orders are left to the copier; other types are reported", () => {
    const { sets, unsupported } = linkedSets([
      o(1, { ocoWith: 2 }),
      o(2, { type: "Limit", ocoWith: 1 }),
      o(3, {}),
      o(4, { type: "Market" }),
      o(5, { type: "TrailingStop" }),
    ]);
    expect(sets.map((s) => s.map((x) => x.id))).toEqual([[1, 2], [3]]);
    expect(unsupported.map((x) => x.id)).toEqual([5]);
  });

  it("lone exits pair oldest stop with oldest limit", () => {
    const sets = pairLoneExits([
      o(1, {}),
      o(2, { type: "Limit" }),
      o(3, {}),
      o(4, { type: "Limit" }),
      o(5, {}),
    ]);
    expect(sets.map((s) => s.map((x) => x.id))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("… of the same quantity only: a stop of 2 and a target of 1 stay apart", () => {
    const sets = pairLoneExits([
      o(1, { qty: 2 }),
      o(2, { type: "Limit", qty: 1 }),
      o(3, { type: "Limit", qty: 2 }),
    ]);
    expect(sets.map((s) => s.map((x) => x.id))).toEqual([[1, 3], [2]]);
  });
});
