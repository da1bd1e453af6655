/**
 * desire(): what one follower should have working, as a table. Each row: the leader's position
 * and open orders, the follower's position and settings, and the follower orders expected (as
 * "Side qty Type price [+ partner]") and the leader orders skipped with their reasons.
 */
import { describe, expect, it } from "vitest";
import type { Sizing } from "../../data/schema.js";
import { type DesireInput, desire, type FollowerView } from "../../engine/mirror/desire.js";
import type { LeaderOrder, MirrorMode, WantSet } from "../../engine/mirror/types.js";

const NOW = 1_000_000;
const WAITS = "not working at the leader's broker yet (a bracket leg waits for its entry)";

function order(
  id: number,
  o: Partial<LeaderOrder> & Pick<LeaderOrder, "side" | "type" | "qty">,
): LeaderOrder {
  return { id, filled: 0, suspended: false, placedAt: NOW - 5000, ...o };
}
const stop = (
  id: number,
  side: "Buy" | "Sell",
  qty: number,
  stopPrice: number,
  more: Partial<LeaderOrder> = {},
) => order(id, { side, type: "Stop", qty, stopPrice, ...more });
/** A trailing stop `trail` behind the price, its stop now at `stopPrice`. */
const trailing = (
  id: number,
  side: "Buy" | "Sell",
  qty: number,
  stopPrice: number,
  trail: number | undefined,
  more: Partial<LeaderOrder> = {},
) => order(id, { side, type: "TrailingStop", qty, stopPrice, trail, ...more });
const limit = (
  id: number,
  side: "Buy" | "Sell",
  qty: number,
  price: number,
  more: Partial<LeaderOrder> = {},
) => order(id, { side, type: "Limit", qty, price, ...more });

function follower(
  position: number,
  more: Partial<FollowerView> = {},
  sizing: Sizing = { mode: "multiplier", value: 1 },
): FollowerView {
  return { position, sizing, counted: () => false, filledOf: () => 0, ...more };
}

function run(
  mode: MirrorMode,
  leaderPosition: number,
  orders: LeaderOrder[],
  f: FollowerView,
  wasExit: number[] = [],
) {
  const input: DesireInput = {
    mode,
    now: NOW,
    pairWindowMs: 1000,
    leaderPosition,
    orders,
    wasExit: (id) => wasExit.includes(id),
    follower: f,
  };
  return desire(input);
}

/** "Sell 1 Stop 6790 + Sell 1 Limit 6820" per set; a trailing stop adds "trail 10". */
function text(sets: WantSet[]): string[] {
  return sets.map((s) =>
    s.legs
      .map((l) => {
        const trail = l.terms.trail === undefined ? "" : ` trail ${l.terms.trail}`;
        return `${l.side} ${l.terms.remaining} ${l.terms.orderType} ${l.terms.stopPrice ?? l.terms.price}${trail}`;
      })
      .join(" + "),
  );
}

const ocoExit = [stop(1, "Sell", 2, 6790, { ocoWith: 2 }), limit(2, "Sell", 2, 6820, { ocoWith: 1 })];

describe("desire: exits (both modes)", () => {
  const rows: Array<[string, MirrorMode, number, LeaderOrder[], FollowerView, string[], string[]?]> = [
    [
      "design.md's row: leader long 2, stop 6790 / target 6820; follower ×0.5 holds 1 → OCO of 1",
      "protect",
      2,
      ocoExit,
      follower(1),
      ["Sell 1 Stop 6790 + Sell 1 Limit 6820"],
    ],
    [
      "the follower's position, not the leader's, sizes the legs",
      "protect",
      2,
      ocoExit,
      follower(5),
      ["Sell 5 Stop 6790 + Sell 5 Limit 6820"],
    ],
    [
      "one leg when the leader has one",
      "protect",
      2,
      [stop(1, "Sell", 2, 6790)],
      follower(3),
      ["Sell 3 Stop 6790"],
    ],
    [
      "a short position's exits are buys",
      "mirror",
      -2,
      [stop(1, "Buy", 2, 6810, { ocoWith: 2 }), limit(2, "Buy", 2, 6780, { ocoWith: 1 })],
      follower(-1),
      ["Buy 1 Stop 6810 + Buy 1 Limit 6780"],
    ],
    [
      "a leader exit for part of its position: the follower's share of its own",
      "protect",
      4,
      [stop(1, "Sell", 2, 6790)],
      follower(4),
      ["Sell 2 Stop 6790"],
    ],
    [
      "a leader exit bigger than its position: never more than the follower's",
      "protect",
      1,
      [stop(1, "Sell", 2, 6790)],
      follower(2),
      ["Sell 2 Stop 6790"],
    ],
    [
      "two exit sets share the position; together never more than it",
      "protect",
      2,
      [stop(1, "Sell", 2, 6790), stop(3, "Sell", 2, 6780, { placedAt: NOW - 4000 })],
      follower(2),
      ["Sell 2 Stop 6790"],
      ["3: the position's exits already cover it"],
    ],
    [
      "a flat follower gets no leg",
      "protect",
      2,
      ocoExit,
      follower(0),
      [],
      ["1: no position to close", "2: no position to close"],
    ],
    [
      "a flat follower whose openings are held there says why (a contract off the whitelist)",
      "protect",
      2,
      ocoExit,
      { ...follower(0), entriesHeld: "not whitelisted" },
      [],
      ["1: not whitelisted", "2: not whitelisted"],
    ],
    [
      "a follower on the other side gets no leg",
      "protect",
      2,
      ocoExit,
      follower(-1),
      [],
      ["1: the follower's position is on the other side", "2: the follower's position is on the other side"],
    ],
    [
      "a plain stop and a plain limit are paired into one OCO",
      "protect",
      2,
      [stop(1, "Sell", 2, 6790), limit(2, "Sell", 2, 6820, { placedAt: NOW - 4500 })],
      follower(1),
      ["Sell 1 Stop 6790 + Sell 1 Limit 6820"],
    ],
    [
      "a lone exit younger than a second waits for its partner",
      "protect",
      2,
      [stop(1, "Sell", 2, 6790, { placedAt: NOW - 400 })],
      follower(1),
      [],
      ["1: waiting a second for its other leg"],
    ],
    [
      "mirror: a leader order not working yet, with no entry named (ProjectX's Pending legs), waits and says so",
      "mirror",
      0,
      [limit(1, "Buy", 2, 6795), stop(2, "Sell", 2, 6785, { suspended: true })],
      follower(0),
      ["Buy 2 Limit 6795"],
      ["2: not working at the leader's broker yet (a bracket leg waits for its entry)"],
    ],
    [
      "protect ignores entries and waiting bracket legs",
      "protect",
      0,
      [limit(1, "Buy", 2, 6790), stop(2, "Sell", 2, 6780, { suspended: true, bracketOf: 1 })],
      follower(0),
      [],
    ],
    [
      "a trailing stop: the follower's trails by the leader's distance from the leader's stop, sized to it",
      "protect",
      2,
      [trailing(1, "Sell", 2, 6790, 10)],
      follower(1),
      ["Sell 1 TrailingStop 6790 trail 10"],
    ],
    [
      "a trailing stop for more than the leader holds closes no more than the follower's position",
      "mirror",
      2,
      [trailing(1, "Sell", 4, 6790, 10)],
      follower(1),
      ["Sell 1 TrailingStop 6790 trail 10"],
    ],
    [
      "a short's trailing stop (a buy) pairs with its target by hand into one OCO",
      "protect",
      -2,
      [trailing(1, "Buy", 2, 6810, 10), limit(2, "Buy", 2, 6780)],
      follower(-2),
      ["Buy 2 TrailingStop 6810 trail 10 + Buy 2 Limit 6780"],
    ],
    [
      "the leader's OCO whose stop leg trails",
      "protect",
      2,
      [trailing(1, "Sell", 2, 6790, 10, { ocoWith: 2 }), limit(2, "Sell", 2, 6820, { ocoWith: 1 })],
      follower(1),
      ["Sell 1 TrailingStop 6790 trail 10 + Sell 1 Limit 6820"],
    ],
    [
      "a trailing stop whose distance its broker does not say (ProjectX) is not mirrored, and says so",
      "protect",
      2,
      [trailing(1, "Sell", 2, 6790, undefined)],
      follower(1),
      [],
      ["1: its broker does not say the trailing stop's distance: not mirrored"],
    ],
    [
      "…and its target then waits alone, as with no stop",
      "protect",
      2,
      [trailing(1, "Sell", 2, 6790, undefined, { ocoWith: 2 }), limit(2, "Sell", 2, 6820, { ocoWith: 1 })],
      follower(1),
      ["Sell 1 Limit 6820"],
      ["1: its broker does not say the trailing stop's distance: not mirrored"],
    ],
    [
      "an exit is never held back: a locked follower keeps its protection",
      "protect",
      2,
      ocoExit,
      follower(1, { entriesHeld: "locked" }),
      ["Sell 1 Stop 6790 + Sell 1 Limit 6820"],
    ],
  ];
  for (const [name, mode, L, orders, f, sets, skips] of rows) {
    it(name, () => {
      const d = run(mode, L, orders, f);
      expect(text(d.sets)).toEqual(sets);
      expect(d.skips.map((s) => `${s.leaderId}: ${s.reason}`)).toEqual(skips ?? []);
    });
  }

  it("a lone exit's pairing window asks for a look when it ends", () => {
    const d = run("protect", 2, [stop(1, "Sell", 2, 6790, { placedAt: NOW - 400 })], follower(1));
    expect(d.recheckAt).toBe(NOW + 600);
  });
});

describe("desire: entries and brackets (mirror)", () => {
  const half: Sizing = { mode: "multiplier", value: 0.5 };
  const rows: Array<[string, number, LeaderOrder[], FollowerView, string[], string[]?, number[]?]> = [
    [
      "a limit entry, sized like a copy (×0.5 of 2 → 1)",
      0,
      [limit(1, "Buy", 2, 6790)],
      follower(0, {}, half),
      ["Buy 1 Limit 6790"],
    ],
    [
      "fixed sizing: N per leader order",
      0,
      [limit(1, "Buy", 5, 6790)],
      follower(0, {}, { mode: "fixed", contracts: 2 }),
      ["Buy 2 Limit 6790"],
    ],
    [
      "scaling in with two orders never adds up beyond the rule (×0.5: 1 then 0)",
      0,
      [limit(1, "Buy", 1, 6790), limit(2, "Buy", 1, 6785, { placedAt: NOW - 4000 })],
      follower(0, {}, half),
      ["Buy 1 Limit 6790"],
      ["2: rounds to zero"],
    ],
    [
      "a stop-limit keeps both prices",
      0,
      [order(1, { side: "Sell", type: "StopLimit", qty: 1, stopPrice: 6790, price: 6789 })],
      follower(0),
      ["Sell 1 StopLimit 6790"],
    ],
    [
      "what the follower's mirror already filled is not worked again",
      0,
      [limit(1, "Buy", 3, 6790)],
      follower(1, { filledOf: (id) => (id === 1 ? 1 : 0) }),
      ["Buy 2 Limit 6790"],
    ],
    [
      "held back by a lock, with the reason",
      0,
      [limit(1, "Buy", 2, 6790)],
      follower(0, { entriesHeld: "locked" }),
      [],
      ["1: locked"],
    ],
    [
      "max contracts caps an entry",
      0,
      [limit(1, "Buy", 5, 6790)],
      follower(2, { maxContracts: 3 }),
      ["Buy 1 Limit 6790"],
    ],
    [
      "max contracts reached: held back",
      0,
      [limit(1, "Buy", 5, 6790)],
      follower(3, { maxContracts: 3 }),
      [],
      ["1: max contracts"],
    ],
    [
      "the account's max open contracts cuts an entry to what the other lines leave",
      0,
      [limit(1, "Buy", 5, 6790)],
      follower(1, { account: { cap: 4, elsewhere: 1 } }),
      ["Buy 2 Limit 6790"],
    ],
    [
      "the account's max open contracts: two entries share the room",
      0,
      [limit(1, "Buy", 2, 6790), limit(2, "Buy", 2, 6780, { placedAt: NOW - 4000 })],
      follower(0, { account: { cap: 4, elsewhere: 1 } }),
      ["Buy 2 Limit 6790", "Buy 1 Limit 6780"],
    ],
    [
      "the account's max open contracts reached on other lines: held back",
      0,
      [limit(1, "Buy", 2, 6790)],
      follower(0, { account: { cap: 4, elsewhere: 4 } }),
      [],
      ["1: the account's max open contracts (4)"],
    ],
    [
      "no trades left today: a new entry is held back",
      0,
      [limit(1, "Buy", 1, 6790)],
      follower(0, { tradesLeft: 0 }),
      [],
      ["1: max trades per day"],
    ],
    [
      "…but an entry already counted keeps working",
      0,
      [limit(1, "Buy", 1, 6790)],
      follower(0, { tradesLeft: 0, counted: () => true }),
      ["Buy 1 Limit 6790"],
    ],
    [
      "an OSO entry: only the entry works until the follower's fills; its legs say why they wait",
      0,
      [
        limit(1, "Buy", 2, 6795),
        stop(2, "Sell", 2, 6780, { suspended: true, bracketOf: 1, ocoWith: 3 }),
        limit(3, "Sell", 2, 6815, { suspended: true, bracketOf: 1, ocoWith: 2 }),
      ],
      follower(0),
      ["Buy 2 Limit 6795"],
      [`2: ${WAITS}`, `3: ${WAITS}`],
    ],
    [
      "ProjectX's legs name no entry: the follower's entry filled 1 of 2 first, its legs cover that 1 as one OCO",
      0,
      [
        stop(2, "Sell", 2, 6780, { suspended: true, legInWaiting: true, placedAt: NOW - 3000 }),
        limit(3, "Sell", 2, 6815, { suspended: true, legInWaiting: true, placedAt: NOW - 3000 }),
        limit(4, "Buy", 2, 6795, { placedAt: NOW - 3000 }),
      ],
      follower(1, { filledOf: (id) => (id === 4 ? 1 : 0) }),
      ["Sell 1 Stop 6780 + Sell 1 Limit 6815", "Buy 1 Limit 6795"],
    ],
    [
      "…the legs are the entry's placed with them, not an older one's of the same size",
      0,
      [
        limit(1, "Buy", 2, 6790, { placedAt: NOW - 9000 }),
        stop(2, "Sell", 2, 6780, { suspended: true, legInWaiting: true, placedAt: NOW - 3000 }),
        limit(3, "Sell", 2, 6815, { suspended: true, legInWaiting: true, placedAt: NOW - 3000 }),
        limit(4, "Buy", 2, 6795, { placedAt: NOW - 3000 }),
      ],
      follower(2, { filledOf: (id) => (id === 1 ? 2 : 0) }),
      ["Buy 2 Limit 6795"],
      [`2: ${WAITS}`, `3: ${WAITS}`],
    ],
    [
      "a Tradovate order briefly PendingNew names no entry and is no leg (its legs name theirs): it waits",
      0,
      [limit(1, "Buy", 2, 6795, { placedAt: NOW - 3000 }), limit(2, "Sell", 2, 6815, { suspended: true })],
      follower(2, { filledOf: (id) => (id === 1 ? 2 : 0) }),
      [],
      [`2: ${WAITS}`],
    ],
    [
      "the follower's entry filled 1 of 2 before the leader's: its bracket covers that 1",
      0,
      [
        limit(1, "Buy", 2, 6795),
        stop(2, "Sell", 2, 6780, { suspended: true, bracketOf: 1, ocoWith: 3 }),
        limit(3, "Sell", 2, 6815, { suspended: true, bracketOf: 1, ocoWith: 2 }),
      ],
      follower(1, { filledOf: (id) => (id === 1 ? 1 : 0) }),
      ["Sell 1 Stop 6780 + Sell 1 Limit 6815", "Buy 1 Limit 6795"],
    ],
    [
      "an OSO bracket whose stop trails: the follower's filled entry gets it with the leader's distance",
      0,
      [
        limit(1, "Buy", 2, 6795),
        trailing(2, "Sell", 2, 6780, 15, { suspended: true, bracketOf: 1, ocoWith: 3 }),
        limit(3, "Sell", 2, 6815, { suspended: true, bracketOf: 1, ocoWith: 2 }),
      ],
      follower(1, { filledOf: (id) => (id === 1 ? 1 : 0) }),
      ["Sell 1 TrailingStop 6780 trail 15 + Sell 1 Limit 6815", "Buy 1 Limit 6795"],
    ],
    [
      "a bracket leg with no position to close is never an opening",
      0,
      [
        stop(2, "Sell", 2, 6780, { bracketOf: 1, ocoWith: 3 }),
        limit(3, "Sell", 2, 6815, { bracketOf: 1, ocoWith: 2 }),
      ],
      follower(0),
      [],
      [
        "2: an exit of the leader's with no position to close: never mirrored as an opening",
        "3: an exit of the leader's with no position to close: never mirrored as an opening",
      ],
    ],
    [
      "a former exit left working after the leader went flat is never an opening",
      0,
      [limit(7, "Sell", 2, 6820)],
      follower(0),
      [],
      ["7: an exit of the leader's with no position to close: never mirrored as an opening"],
      [7],
    ],
    [
      "a straddle (buy stop above, sell stop below, OCO) is an entry set",
      0,
      [stop(1, "Buy", 1, 6810, { ocoWith: 2 }), stop(2, "Sell", 1, 6790, { ocoWith: 1 })],
      follower(0),
      ["Buy 1 Stop 6810 + Sell 1 Stop 6790"],
    ],
  ];
  for (const [name, L, orders, f, sets, skips, wasExit] of rows) {
    it(name, () => {
      const d = run("mirror", L, orders, f, wasExit);
      expect(text(d.sets)).toEqual(sets);
      expect(d.skips.map((s) => `${s.leaderId}: ${s.reason}`)).toEqual(skips ?? []);
    });
  }

  it("sets are keyed by the leader orders they mirror; exits are reported for the memo", () => {
    const d = run("mirror", 2, ocoExit, follower(1));
    expect(d.sets.map((s) => [s.key, s.role])).toEqual([["1+2", "exit"]]);
    expect(d.exits.sort()).toEqual([1, 2]);
  });

  it("a leader limit's time in force is kept (GTC), anything else is a Day order", () => {
    const d = run(
      "mirror",
      0,
      [limit(1, "Buy", 1, 6790, { timeInForce: "GTC" }), limit(2, "Sell", 1, 6810, { timeInForce: "GTD" })],
      follower(0),
    );
    expect(d.sets.map((s) => s.legs[0]!.terms.timeInForce)).toEqual(["GTC", "Day"]);
  });
});
