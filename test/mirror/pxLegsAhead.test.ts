/**
 * A ProjectX leader's bracket legs, as desire() reads them through LeaderMemo.named. ProjectX tells
 * each order update in a hub message of its own:
 * - its legs are heard one by one as it places the bracket: a leg heard alone waits a moment for its
 *   partner, so the follower's stop and target go out as one OCO (not the target, then the stop);
 * - a leg's Open may come before the position its entry's fill made: the legs are still the entry's
 *   bracket, sized by the follower's own fill of it. Read as exits with no position to close, the
 *   follower's stop and target were cancelled, and placed again once the position came.
 */
import { describe, expect, it } from "vitest";
import { type DesireInput, desire } from "../../engine/mirror/desire.js";
import { LeaderMemo } from "../../engine/mirror/leaderMemo.js";
import { MIRROR_REASONS } from "../../engine/mirror/reasons.js";
import type { LeaderOrder } from "../../engine/mirror/types.js";

const T = 1_000_000;
const ENTRY = 4;
const entry = (filled = 0): LeaderOrder => ({
  ...{ id: ENTRY, side: "Buy", type: "Limit", qty: 2, filled, price: 6795, suspended: false, placedAt: T },
});
const leg = (id: number, type: "Stop" | "Limit", pending: boolean): LeaderOrder => ({
  ...{ id, side: "Sell", type, qty: 2, filled: 0, suspended: pending, placedAt: T },
  ...(type === "Stop" ? { stopPrice: 6785 } : { price: 6810 }),
  ...(pending ? { legInWaiting: true } : {}),
});

/** What the follower (its mirror of the entry filled: long 2) should have, `ms` after the bracket. */
function wanted(memo: LeaderMemo, orders: LeaderOrder[], leaderPosition: number, ms: number) {
  const input: DesireInput = {
    ...{ mode: "mirror", now: T + ms, pairWindowMs: 1000, leaderPosition, wasExit: () => false },
    orders: memo.named("L", orders),
    follower: {
      ...{ position: 2, sizing: { mode: "multiplier", value: 1 }, counted: () => true },
      filledOf: (id) => (id === ENTRY ? 2 : 0),
    },
  };
  const out = desire(input);
  return {
    sets: out.sets.map((s) => s.legs.map((l) => `${l.terms.orderType} ${l.terms.remaining}`).join(" + ")),
    skips: out.skips.map((s) => `${s.leaderId}: ${s.reason}`),
    recheckAt: out.recheckAt,
  };
}

describe("a ProjectX leader's bracket legs heard one message at a time", () => {
  it("the target heard alone waits for the stop; both heard: one OCO", () => {
    const memo = new LeaderMemo();
    const early = wanted(memo, [entry(), leg(1, "Limit", true)], 0, 30);
    expect(early.sets).toEqual([]);
    expect(early.skips).toEqual([`1: ${MIRROR_REASONS.waitingPartner}`]);
    expect(early.recheckAt).toBe(T + 300);
    expect(wanted(memo, [entry(), leg(1, "Limit", true), leg(2, "Stop", true)], 0, 45).sets).toEqual([
      "Limit 2 + Stop 2",
    ]);
  });

  it("a bracket of one leg: it goes alone once the moment has passed", () => {
    const memo = new LeaderMemo();
    expect(wanted(memo, [entry(), leg(2, "Stop", true)], 0, 30).sets).toEqual([]);
    expect(wanted(memo, [entry(), leg(2, "Stop", true)], 0, 300).sets).toEqual(["Stop 2"]);
  });

  it("the legs' Open before the leader's position: still the entry's bracket, not cancelled", () => {
    const memo = new LeaderMemo();
    const both = [entry(), leg(1, "Limit", true), leg(2, "Stop", true)];
    expect(wanted(memo, both, 0, 5_000).sets).toEqual(["Limit 2 + Stop 2"]);
    // The entry filled (gone from the open orders), its legs Open, the position not told yet.
    const ahead = wanted(memo, [leg(1, "Limit", false), leg(2, "Stop", false)], 0, 5_050);
    expect(ahead.skips).toEqual([]);
    expect(ahead.sets).toEqual(["Limit 2 + Stop 2"]);
    // The position comes: the same set, as the leader's exits now.
    expect(wanted(memo, [leg(1, "Limit", false), leg(2, "Stop", false)], 2, 5_100).sets).toEqual([
      "Limit 2 + Stop 2",
    ]);
  });
});
