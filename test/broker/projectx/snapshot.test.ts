import { describe, expect, it } from "vitest";
import { readSnapshot, SNAPSHOT_TRIES } from "../../../engine/broker/projectx/snapshot.js";
import { netOf, pxVenue } from "./fakeVenue.js";

/** One account, id 7, read as the re-read after a lost answer reads it (recheck.ts). */
const venue = (during: Parameters<typeof pxVenue>[1] = () => {}) => pxVenue([7], during);
const read = (v: ReturnType<typeof venue>) =>
  readSnapshot((path, body) => v.call(path, body), [{ id: 7 }], "2026-01-12T00:00:00Z");

describe("the picture of a ProjectX account read while it trades", () => {
  it("a quiet account: its trades read before and after its positions and orders, once", async () => {
    const v = venue();
    const s = await read(v);
    expect(v.asked.map((r) => r.path)).toEqual([
      "Account/search",
      "Trade/search",
      "Position/searchOpen",
      "Order/searchOpen",
      "Order/search",
      "Trade/search",
    ]);
    expect(netOf(s, 7)).toBe(1);
    expect(s.trades.map((t) => t.id)).toEqual([700]);
  });

  // Request n: 0 Account/search, 1 Trade/search, 2 Position/searchOpen, 3 Order/searchOpen,
  // 4 Order/search, 5 Trade/search.
  it.each([
    ["after the positions read (in the trades, not the position)", 3],
    ["before the positions read (in the position, not the first trades)", 2],
    ["before the last trades read", 5],
  ])("a fill %s: read again, so its position and its history agree", async (_what, at) => {
    const v = venue((r, x) => {
      if (r.n === at) x.fill(7, 701, -1);
    });
    const s = await read(v);
    expect(v.readsOf(7)).toBe(2);
    expect(netOf(s, 7)).toBe(0);
    expect(s.trades.map((t) => t.id)).toEqual([700, 701]);
  });

  it("a bust between the reads (the same trade, voided now) reads it again too", async () => {
    const v = venue((r, x) => {
      if (r.n === 3) {
        x.book(7).trades[0]!.voided = true;
        x.book(7).netPos = 0;
      }
    });
    const s = await read(v);
    expect(v.readsOf(7)).toBe(2);
    expect(netOf(s, 7)).toBe(0);
    expect(s.trades.map((t) => t.voided)).toEqual([true]);
  });

  it("an account that trades during every read fails the picture, with the account named", async () => {
    let id = 710;
    const v = venue((r, x) => {
      if (r.path === "Order/search") x.fill(7, id++, 1);
    });
    await expect(read(v)).rejects.toThrow(`ProjectX account 7 kept trading`);
    expect(v.readsOf(7)).toBe(SNAPSHOT_TRIES);
  });
});

describe("the orders of a ProjectX account's picture", () => {
  const ok = { success: true, errorCode: 0, errorMessage: null };
  const order = (id: number, status: number, customTag: string | null) => ({
    id,
    accountId: 7,
    contractId: "CON.F.US.EP.Z26",
    status,
    side: 0,
    size: 1,
    type: status === 1 ? 1 : 2,
    limitPrice: status === 1 ? 6700 : null,
    fillVolume: status === 2 ? 1 : 0,
    filledPrice: status === 2 ? 6800 : null,
    customTag,
    creationTimestamp: "2026-01-12T18:00:00Z",
  });

  it("working ones whatever their age (Order/searchOpen), the window's ended ones (Order/search) with their customTag", async () => {
    const asked: Array<[string, object]> = [];
    const s = await readSnapshot(
      async (path, body) => {
        asked.push([path, body]);
        if (path === "Account/search") return { ...ok, accounts: [{ id: 7, name: "TSX7", canTrade: true }] };
        // 9: a GTC stop placed last week, older than the window; 1 and 4: working, in both answers.
        if (path === "Order/searchOpen")
          return { ...ok, orders: [order(9, 1, "mm-2-7"), order(1, 1, "mm-3-7"), order(4, 6, null)] };
        if (path === "Order/search")
          return {
            ...ok,
            orders: [
              order(1, 1, "mm-3-7"),
              order(2, 2, "mk-41-7"),
              order(3, 3, null),
              order(4, 6, null),
              order(5, 2, null),
            ],
          };
        return { ...ok, trades: [], positions: [] };
      },
      [{ id: 7 }],
      "2026-01-12T00:00:00Z",
    );
    expect(asked.filter(([p]) => p.startsWith("Order/"))).toEqual([
      ["Order/searchOpen", { accountId: 7 }],
      ["Order/search", { accountId: 7, startTimestamp: "2026-01-12T00:00:00Z" }],
    ]);
    expect(s.orders.map((o) => [o.id, o.status])).toEqual([
      [9, 1],
      [1, 1],
      [4, 6],
    ]);
    expect(s.ended.map((o) => [o.id, o.customTag])).toEqual([
      [2, "mk-41-7"],
      [3, undefined],
      [5, undefined],
    ]);
  });
});
