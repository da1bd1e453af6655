/**
 * withEntries and LeaderMemo.named: a ProjectX leader's bracket legs (Pending, naming no entry) are
 * named as the legs of the entry placed with them, and keep that entry and their partner once named,
 * through the frames between (ProjectX sends each order update on its own). Each row: the leader's
 * open orders, the pairings known from before, and each leg as "leg→entry (partner)".
 */
import { describe, expect, it } from "vitest";
import { LeaderMemo } from "../../engine/mirror/leaderMemo.js";
import { type KnownLegs, withEntries } from "../../engine/mirror/leaderOrders.js";
import type { LeaderOrder } from "../../engine/mirror/types.js";

const T = 1_000_000;
const order = (id: number, o: Partial<LeaderOrder> & Pick<LeaderOrder, "side" | "type">): LeaderOrder => ({
  id,
  qty: 2,
  filled: 0,
  suspended: false,
  placedAt: T,
  ...o,
});
const entry = (id: number, more: Partial<LeaderOrder> = {}) =>
  order(id, { side: "Buy", type: "Limit", price: 6795, ...more });
/** A leg as ProjectX shows it: its own order, Pending (6), naming no entry. */
const pending = (id: number, type: "Stop" | "Limit", more: Partial<LeaderOrder> = {}) =>
  order(id, { side: "Sell", type, suspended: true, legInWaiting: true, ...more });
/** The same leg once Open (1): working, still naming no entry. */
const open = (id: number, type: "Stop" | "Limit") => order(id, { side: "Sell", type });

type Known = Record<number, [entry: number, partner?: number]>;
const knownOf = (k: Known): KnownLegs => ({ entryOf: (id) => k[id]?.[0], partnerOf: (id) => k[id]?.[1] });

function text(orders: readonly LeaderOrder[]): string[] {
  return orders
    .filter((o) => o.bracketOf !== undefined)
    .map((o) => `${o.id}→${o.bracketOf}${o.ocoWith === undefined ? "" : ` (${o.ocoWith})`}`);
}

describe("withEntries: legs keep the entry and partner they were paired with", () => {
  const rows: Array<[string, LeaderOrder[], Known, string[]]> = [
    [
      "first seen: both Pending legs are the entry's, one OCO",
      [pending(1, "Stop"), pending(2, "Limit"), entry(3)],
      {},
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "the entry's fill heard first (it is gone), its legs still Pending: unnamed when seen afresh",
      [pending(1, "Stop"), pending(2, "Limit")],
      {},
      [],
    ],
    [
      "…they stay the entry's, one OCO, once paired before",
      [pending(1, "Stop"), pending(2, "Limit")],
      { 1: [3, 2], 2: [3, 1] },
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "one leg Open, the other still Pending: the same set",
      [open(1, "Stop"), pending(2, "Limit")],
      { 1: [3, 2], 2: [3, 1] },
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "both Open, the entry gone: the same set",
      [open(1, "Stop"), open(2, "Limit")],
      { 1: [3, 2], 2: [3, 1] },
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "an Open leg never paired is not taken for one",
      [open(1, "Stop"), pending(2, "Limit"), entry(3)],
      {},
      ["2→3"],
    ],
    [
      "a leg heard before its entry, paired to an older one of the same size, finds its own once listed",
      [entry(9, { placedAt: T - 9000 }), pending(1, "Stop"), pending(2, "Limit"), entry(3)],
      { 1: [9] },
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "a leg paired with no partner yet pairs with the other once it is heard",
      [pending(1, "Stop"), pending(2, "Limit"), entry(3)],
      { 1: [3] },
      ["1→3 (2)", "2→3 (1)"],
    ],
    [
      "an Open leg of an entry is no entry of another's Pending legs",
      [open(1, "Stop"), order(5, { side: "Buy", type: "Stop", suspended: true })],
      { 1: [3] },
      ["1→3"],
    ],
    [
      "a Tradovate order briefly PendingNew (no link, not ProjectX's Pending) is no leg",
      [order(2, { side: "Sell", type: "Limit", suspended: true }), entry(3)],
      {},
      [],
    ],
    [
      "the legs of a cancelled entry (their cancels in a later frame) are never another same-size entry's",
      [pending(1, "Stop"), pending(2, "Limit"), entry(4, { placedAt: T + 5000 })],
      { 1: [3, 2], 2: [3, 1] },
      ["1→3 (2)", "2→3 (1)"],
    ],
  ];
  it.each(rows)("%s", (_, orders, known, expected) => {
    expect(text(withEntries(orders, knownOf(known)))).toEqual(expected);
  });
});

describe("LeaderMemo.named: the mirror's memory of the pairings, per leader", () => {
  it("a leg keeps its entry through the frames of the fill, and is forgotten once it is no longer open", () => {
    const memo = new LeaderMemo();
    const frames = [
      [pending(1, "Stop"), pending(2, "Limit"), entry(3)],
      [pending(1, "Stop"), pending(2, "Limit")], // the entry Filled
      [open(1, "Stop"), pending(2, "Limit")],
      [open(1, "Stop"), open(2, "Limit")],
    ];
    for (const orders of frames) expect(text(memo.named("TSX5002", orders))).toEqual(["1→3 (2)", "2→3 (1)"]);
    // Another leader's orders of the same ids know nothing of these.
    expect(text(memo.named("TSX5001", [pending(1, "Stop"), pending(2, "Limit")]))).toEqual([]);
    // Entry 3 cancelled, its legs' cancels not heard yet, a new entry 4 of the same size: still 3's.
    expect(text(memo.named("TSX5002", [open(1, "Stop"), open(2, "Limit"), entry(4)]))).toEqual([
      "1→3 (2)",
      "2→3 (1)",
    ]);
    memo.pruneLegs("TSX5002", new Set([2])); // 1 no longer open: forgotten (an order 1 heard again is new)
    expect(text(memo.named("TSX5002", [open(1, "Stop"), open(2, "Limit")]))).toEqual(["2→3"]);
  });

  it("an order heard once as Pending and then open beside its entry still unfilled is no leg: mirrored as it is (review)", () => {
    const memo = new LeaderMemo();
    // A plain Sell 2 Limit 6815 (5), heard Pending for one frame beside a working Buy 2 Limit (3).
    const plain = (suspended: boolean) =>
      order(5, { side: "Sell", type: "Limit", price: 6815, suspended, legInWaiting: suspended || undefined });
    expect(text(memo.named("TSX5002", [entry(3), plain(true)]))).toEqual(["5→3"]);
    expect(text(memo.named("TSX5002", [entry(3), plain(false)]))).toEqual([]);
    // Entry 3 cancelled: order 5 stays a plain order, not the leg of an entry gone.
    expect(text(memo.named("TSX5002", [plain(false)]))).toEqual([]);
  });

  it("legs heard before their entry, paired meanwhile with an older one that then filled, go to their own (review)", () => {
    const memo = new LeaderMemo();
    const older = entry(3, { placedAt: T - 60_000 });
    const stop = pending(21, "Stop", { placedAt: T });
    const limit = pending(22, "Limit", { placedAt: T });
    expect(text(memo.named("TSX5002", [older, stop, limit]))).toEqual(["21→3 (22)", "22→3 (21)"]);
    expect(text(memo.named("TSX5002", [stop, limit]))).toEqual(["21→3 (22)", "22→3 (21)"]); // 3 filled
    // Their own entry, placed with them, is heard: they are its legs.
    expect(text(memo.named("TSX5002", [stop, limit, entry(23)]))).toEqual(["21→23 (22)", "22→23 (21)"]);
    // An entry placed later than theirs does not take them.
    expect(
      text(memo.named("TSX5002", [stop, limit, entry(23), entry(24, { placedAt: T + 30_000 })])),
    ).toEqual(["21→23 (22)", "22→23 (21)"]);
  });
});
