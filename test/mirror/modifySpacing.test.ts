/**
 * ModifySpacing: a follower order is modified at most once per spacing, and a modify the broker
 * refused with the very same terms is not asked again for a while; a trailing stop's starting stop
 * (which follows the leader's as it ratchets) does not make a refused modify a new one.
 */
import { describe, expect, it } from "vitest";
import {
  MODIFY_REFUSALS_TO_GIVE_UP,
  MODIFY_REFUSED_MS,
  ModifySpacing,
  REFUSED_AGAIN_MS,
} from "../../engine/mirror/modifySpacing.js";
import type { Terms } from "../../engine/mirror/types.js";

const stop = (stopPrice: number, remaining = 1): Terms => ({
  orderType: "Stop",
  stopPrice,
  timeInForce: "Day",
  remaining,
});
const trailing = (stopPrice: number, remaining = 1, trail = 4): Terms => ({
  orderType: "TrailingStop",
  stopPrice,
  trail,
  timeInForce: "Day",
  remaining,
});

describe("modify spacing", () => {
  it("spaces an order's modifies and holds back a refused one for a while", () => {
    const s = new ModifySpacing(250);
    expect(s.at("a", stop(6790), 0)).toBeUndefined();
    s.touched("a", 1_000);
    expect(s.at("a", stop(6790), 0)).toBe(1_250);
    s.noteRefused("a", stop(6790), 0, 1_000);
    expect(s.at("a", stop(6790), 0)).toBe(1_000 + MODIFY_REFUSED_MS);
    expect(s.refused("a", stop(6790), 0)).toBe(true);
    // New terms (the leader moved its stop) are a new request: only the spacing holds them.
    expect(s.refused("a", stop(6791), 0)).toBe(false);
    expect(s.at("a", stop(6791), 0)).toBe(1_250);
    s.prune(1_000 + MODIFY_REFUSED_MS);
    expect(s.refused("a", stop(6790), 0)).toBe(false);
  });

  it("the same modify refused again waits longer each time (5 s, 15 s, then a minute), new terms as usual", () => {
    const s = new ModifySpacing(250);
    let now = 1_000;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.noteRefused("a", stop(6790), 0, now);
      const at = s.at("a", stop(6790), 0)!;
      waits.push(at - now);
      s.prune(at);
      expect(s.refused("a", stop(6790), 0)).toBe(false);
      now = at;
    }
    expect(waits).toEqual([5_000, 15_000, 60_000, 60_000, 60_000]);
    expect(REFUSED_AGAIN_MS.at(-1)).toBe(60_000);
    expect(s.at("a", stop(6791), 0)).toBeUndefined();
    // Two minutes without a refusal: counted from the start again.
    s.prune(now + 120_000);
    s.noteRefused("a", stop(6790), 0, now + 120_000);
    expect(s.at("a", stop(6790), 0)).toBe(now + 120_000 + MODIFY_REFUSED_MS);
  });

  it.each([
    ["its starting stop moved with the leader's", true, trailing(6795)],
    ["another quantity", false, trailing(6790, 2)],
    ["another distance", false, trailing(6790, 1, 6)],
  ])("a trailing stop's refused modify, asked again with %s: refused already: %s", (_, refused, terms) => {
    const s = new ModifySpacing(250);
    s.noteRefused("t", trailing(6790), 0, 1_000);
    expect(s.refused("t", terms, 0)).toBe(refused);
  });
});

describe("a modify refused about ten minutes long is given up", () => {
  it("given up at the 12th refusal (told once); other terms or the order's end start afresh", () => {
    const s = new ModifySpacing(250);
    let now = 1_000;
    const gaveUp: number[] = [];
    for (let i = 1; i <= MODIFY_REFUSALS_TO_GIVE_UP; i++) {
      if (s.noteRefused("a", stop(6790), 0, now, "no").gaveUp) gaveUp.push(i);
      const at = s.at("a", stop(6790), 0)!;
      if (Number.isFinite(at)) now = at;
    }
    expect(gaveUp).toEqual([12]);
    // About ten minutes of refusals: 5 s + 15 s + 9 minutes.
    expect(now - 1_000).toBe(560_000);
    expect(s.at("a", stop(6790), 0)).toBe(Infinity);
    s.prune(now + 3_600_000);
    expect(s.at("a", stop(6790), 0)).toBe(Infinity);
    expect(s.refusedWhy("a", stop(6790), 0)).toMatch(
      /^no \(12 times: not asked again until the leader moves it\)$/,
    );
    // The leader moved its order: its new terms are asked, and the old ones are no longer given up.
    expect(s.at("a", stop(6791), 0)).toBeUndefined();
    expect(s.at("a", stop(6790), 0)).toBeUndefined();
    for (let i = 0; i < MODIFY_REFUSALS_TO_GIVE_UP; i++) s.noteRefused("b", stop(6790), 0, now, "no");
    expect(s.at("b", stop(6790), 0)).toBe(Infinity);
    s.ended("b");
    expect(s.at("b", stop(6790), 0)).toBeUndefined();
  });

  it("the leader back at the follower's terms is a move too: the terms given up are asked afresh", () => {
    const s = new ModifySpacing(250);
    for (let i = 0; i < MODIFY_REFUSALS_TO_GIVE_UP; i++) s.noteRefused("a", stop(6795), 0, 1_000, "no");
    expect(s.at("a", stop(6795), 0)).toBe(Infinity);
    // Another order at its leader's terms leaves this one's give-up as it is.
    s.atTerms("b");
    expect(s.at("a", stop(6795), 0)).toBe(Infinity);
    // The leader's stop back at 6790, where the follower's stayed: nothing to ask, and when the
    // leader goes to 6795 again, it is asked.
    s.atTerms("a");
    expect(s.at("a", stop(6795), 0)).toBeUndefined();
    expect(s.refused("a", stop(6795), 0)).toBe(false);
  });

  it("the leader changing its order's terms ends its mirrors' refusals, even when they come back before a pass", () => {
    const gate = new ModifySpacing(0);
    for (let i = 0; i < MODIFY_REFUSALS_TO_GIVE_UP; i++) gate.noteRefused("a", stop(6795), 0, i, "no", 7);
    gate.noteRefused("b", stop(6795), 0, 0, "no", 8);
    expect(gate.at("a", stop(6795))).toBe(Infinity);
    gate.leaderMoved(7);
    expect(gate.at("a", stop(6795))).toBeUndefined();
    expect(gate.refused("b", stop(6795), 0)).toBe(true);
    // A count short of the give-up starts afresh too: the 12th refusal overall is the 1st now.
    for (let i = 0; i < MODIFY_REFUSALS_TO_GIVE_UP - 1; i++) gate.noteRefused("a", stop(6795), 0, i, "no", 7);
    gate.leaderMoved(7);
    expect(gate.noteRefused("a", stop(6795), 0, 20, "no", 7)).toEqual({ times: 1, gaveUp: false });
  });
});
