/**
 * Refusals: when a refused placement is asked again (1 s, 5 s, 15 s after each refusal in a row,
 * then never until its terms change), leg by leg where mimik places legs alone, the whole set
 * where the broker refused an OCO; each follower's broker's refusals its own.
 */
import { describe, expect, it } from "vitest";
import { Refusals, retryDelay } from "../../engine/mirror/refusals.js";
import type { WantLeg, WantSet } from "../../engine/mirror/types.js";

const leg = (leaderId: number, orderType: "Stop" | "Limit", at: number): WantLeg => ({
  leaderId,
  side: "Sell",
  terms: {
    orderType,
    ...(orderType === "Stop" ? { stopPrice: at } : { price: at }),
    timeInForce: "Day",
    remaining: 2,
  },
});
const stop = leg(1, "Stop", 6790);
const target = leg(2, "Limit", 6820);
const set = (...legs: WantLeg[]): WantSet => ({ key: "1+2", role: "exit", why: "test", legs });
const oco = set(stop, target);
const ids = (r: Refusals, s: WantSet, now: number, follower = "F") =>
  r.blocked(follower, s, now).map((b) => b.leaderId);

describe("refusals", () => {
  it.each([
    [1, 1_000],
    [2, 5_000],
    [3, 15_000],
    [4, undefined],
  ])("after refusal %i in a row: asked again %s ms later (undefined: given up)", (times, delay) => {
    expect(retryDelay(times)).toBe(delay);
  });

  it("a leg refused alone blocks that leg only, until its retry is due; the fourth refusal gives up", () => {
    const r = new Refusals();
    expect(r.refused("F", oco, [target], "OrderRejected", 0)).toEqual({ times: 1, gaveUp: false });
    expect(ids(r, oco, 0)).toEqual([2]);
    expect(ids(r, set(target), 999)).toEqual([2]);
    expect(ids(r, set(stop), 0)).toEqual([]);
    expect(ids(r, set(target), 1_000)).toEqual([]);
    expect(r.refused("F", oco, [target], "x", 1_000)).toEqual({ times: 2, gaveUp: false });
    expect(r.refused("F", oco, [target], "x", 6_000)).toEqual({ times: 3, gaveUp: false });
    expect(r.refused("F", oco, [target], "x", 21_000)).toEqual({ times: 4, gaveUp: true });
    expect(r.blocked("F", oco, 10_000_000)).toEqual([{ leaderId: 2, reason: "x", retryAt: undefined }]);
  });

  it("new terms are a new request, counted from one again", () => {
    const r = new Refusals();
    r.refused("F", oco, [target], "x", 0);
    const moved = set(stop, leg(2, "Limit", 6822));
    expect(ids(r, moved, 0)).toEqual([]);
    expect(r.refused("F", moved, [moved.legs[1]!], "x", 0).times).toBe(1);
  });

  it("given up, then wanted at other terms and back: asked again, counted from one", () => {
    const r = new Refusals();
    for (const now of [0, 1_000, 6_000, 21_000]) r.refused("F", set(stop), [stop], "x", now);
    expect(ids(r, set(stop), 10_000_000)).toEqual([1]);
    // Another follower's set, or this one asked for in part (its other leg only), changes nothing.
    expect(ids(r, set(leg(1, "Stop", 6795)), 0, "G")).toEqual([]);
    expect(ids(r, set(target), 0)).toEqual([]);
    expect(ids(r, set(stop), 10_000_000)).toEqual([1]);
    // The leader's stop to 6795, and back to 6790.
    expect(ids(r, set(leg(1, "Stop", 6795)), 10_000_000)).toEqual([]);
    expect(ids(r, set(stop), 10_000_000)).toEqual([]);
    expect(r.refused("F", set(stop), [stop], "x", 10_000_000).times).toBe(1);
  });

  it("a trailing stop's starting stop moving with the leader's is no new request: still blocked, counted on, given up", () => {
    const r = new Refusals();
    const trailing = (stopPrice: number): WantLeg => ({
      leaderId: 3,
      side: "Sell",
      terms: { orderType: "TrailingStop", stopPrice, trail: 4, timeInForce: "Day", remaining: 2 },
    });
    const at = (stopPrice: number) => set(trailing(stopPrice));
    expect(r.refused("F", at(6790), [trailing(6790)], "x", 0).times).toBe(1);
    expect(ids(r, at(6791), 500)).toEqual([3]);
    expect(r.refused("F", at(6792), [trailing(6792)], "x", 1_000).times).toBe(2);
    expect(r.refused("F", at(6793), [trailing(6793)], "x", 6_000).times).toBe(3);
    expect(r.refused("F", at(6794), [trailing(6794)], "x", 21_000)).toEqual({ times: 4, gaveUp: true });
    // Its distance is part of the request: a new one is asked at once.
    const wider = set({ ...trailing(6795), terms: { ...trailing(6795).terms, trail: 6 } });
    expect(ids(r, wider, 21_000)).toEqual([]);
  });

  it("one follower's broker refusing does not hold back another's order of the very same terms", () => {
    const r = new Refusals();
    for (const now of [0, 1_000, 6_000, 21_000])
      r.refused("DEMO2003", set(stop), [stop], "RiskRejected", now);
    expect(ids(r, set(stop), 21_000, "DEMO2003")).toEqual([1]);
    expect(ids(r, set(stop), 21_000, "DEMO2002")).toEqual([]);
    expect(r.refused("DEMO2002", set(stop), [stop], "x", 21_000).times).toBe(1);
  });

  it("an OCO refused as a whole blocks both legs, and is free again once either leg's terms change", () => {
    const r = new Refusals();
    r.refused("F", oco, [stop, target], "InvalidPrice", 0);
    expect(ids(r, oco, 500)).toEqual([1, 2]);
    expect(ids(r, set(stop, leg(2, "Limit", 6822)), 500)).toEqual([]);
    expect(ids(r, oco, 1_000)).toEqual([]);
  });

  it("the leader changing the order's terms ends its refusals, even when they come back before a pass", () => {
    const r = new Refusals();
    for (let i = 0; i < 4; i++) r.refused("F", oco, [stop], "OrderRejected", i);
    r.refused("G", oco, [target], "OrderRejected", 0);
    r.refused("F", oco, [target], "OrderRejected", 0);
    expect(ids(r, oco, 100_000)).toEqual([1]); // given up; the target's wait is over
    expect(ids(r, oco, 0, "G")).toEqual([2]);
    // The leader's stop moved away from 6790 and back: no pass saw the other terms.
    r.leaderMoved(1);
    expect(ids(r, oco, 100_000)).toEqual([]);
    // Its count starts afresh: one refusal is one, not a fifth.
    expect(r.refused("F", oco, [stop], "OrderRejected", 0)).toEqual({ times: 1, gaveUp: false });
    // Another leader order's refusals are its own.
    expect(ids(r, oco, 0, "G")).toEqual([2]);
  });
});
