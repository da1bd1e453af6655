/** lateDecision(): a follower's mirror of a leader order that filled, as a table. */
import { describe, expect, it } from "vitest";
import { type LateInput, lateDecision } from "../../engine/mirror/late.js";

const base: LateInput = {
  now: 10_000,
  afterMs: 5_000,
  entries: "market",
  filledAt: 8_000,
  side: "Buy",
  remaining: 2,
  leaderPosition: 2,
  followerPosition: 0,
  wasExit: false,
  cap: 50,
};

describe("late orders", () => {
  const rows: Array<[string, Partial<LateInput>, ReturnType<typeof lateDecision>]> = [
    ["an entry within its time keeps working", {}, { kind: "keep", until: 13_000 }],
    [
      "an entry past its time goes to market (entries: market)",
      { now: 13_000 },
      {
        kind: "market",
        qty: 2,
        exit: false,
        reason: "the leader's entry filled and this one did not: sent to market",
      },
    ],
    [
      "…or is cancelled (entries: cancel)",
      { now: 13_000, entries: "cancel" },
      { kind: "cancel", reason: "the leader's entry filled and this one did not: cancelled" },
    ],
    [
      "…and is only cancelled if openings are held back now",
      { now: 13_000, entriesHeld: "locked" },
      { kind: "cancel", reason: "locked" },
    ],
    [
      "…capped by max contracts",
      { now: 13_000, followerPosition: 1, cap: 2 },
      {
        kind: "market",
        qty: 1,
        exit: false,
        reason: "the leader's entry filled and this one did not: sent to market",
      },
    ],
    [
      "an entry whose leader left the position is cancelled at once",
      { leaderPosition: 0 },
      { kind: "cancel", reason: "the leader no longer holds that position" },
    ],
    [
      "an exit within its time keeps working",
      { side: "Sell", followerPosition: 2, leaderPosition: 0, wasExit: true },
      { kind: "keep", until: 13_000 },
    ],
    [
      "an exit past its time: the rest at market, never more than the position",
      { now: 13_000, side: "Sell", remaining: 3, followerPosition: 2, leaderPosition: 0, wasExit: true },
      {
        kind: "market",
        qty: 2,
        exit: true,
        reason: "the leader's exit filled and this one did not: sent to market",
      },
    ],
    [
      "an exit behind its leader's last move (the market took the leader's there) is not waited for",
      { side: "Sell", followerPosition: 2, leaderPosition: 0, wasExit: true, behind: true },
      {
        kind: "market",
        qty: 2,
        exit: true,
        reason: "the leader's exit filled and this one did not: sent to market",
      },
    ],
    [
      "an entry behind its leader's last move goes as the group says at once",
      { behind: true, entries: "cancel" },
      { kind: "cancel", reason: "the leader's entry filled and this one did not: cancelled" },
    ],
    [
      "an exit with no position left to close is cancelled",
      { side: "Sell", followerPosition: 0, leaderPosition: 0, wasExit: true },
      { kind: "cancel", reason: "no position to close" },
    ],
  ];
  for (const [name, patch, expected] of rows) {
    it(name, () => {
      expect(lateDecision({ ...base, ...patch })).toEqual(expected);
    });
  }
});
