import { describe, expect, it } from "vitest";
import { afterLostAnswer, backoffGrew, exitDelta, exitRetryDelay } from "../../engine/copier/exitRetry.js";

describe("exitDelta: a pending exit's next order only ever reduces what the follower holds", () => {
  it.each([
    // has, goal, delta
    [3, 0, -3], // close a long
    [-2, 0, 2], // close a short
    [4, 2, -2], // reduce to the rule's 2
    [2, 2, 0], // there
    [1, 2, 0], // holds less (a manual trade did part of it): never buys back
    [0, 0, 0], // flat
    [0, 2, 0], // an opening is never an exit
    [3, -1, -3], // the goal is the other side (a flip): the closing half only
    [-3, 2, 3],
    [-1, -3, 0], // holds less on its side
  ])("has %i, rule says %i → %i", (has, goal, delta) => {
    expect(exitDelta(has, goal)).toBe(delta);
    // never more than held, never past zero
    expect(Math.abs(delta)).toBeLessThanOrEqual(Math.abs(has));
    expect(Math.sign(has + delta) * Math.sign(has)).not.toBe(-1);
  });
});

describe("exitRetryDelay: 1 s, 2 s, 4 s … 30 s, never sooner than the broker asked", () => {
  it.each([
    [1, 0, 1_000],
    [2, 0, 2_000],
    [3, 0, 4_000],
    [5, 0, 16_000],
    [6, 0, 30_000],
    [40, 0, 30_000],
    [1, 3_000, 3_000], // a penalty of 3 s still running
    [4, 3_000, 8_000],
    [1, 3_600_000, 3_600_000], // a 429 lockout
    [1, -50, 1_000], // a wait already over
    [1, Number.NaN, 1_000],
  ])("after try %i with the broker's wait %i ms → %i ms", (attempt, brokerWait, delay) => {
    expect(exitRetryDelay(attempt, brokerWait)).toBe(delay);
  });

  it("a shrunk backoff keeps its shape and cap (the resilience suite's 50 ms … 400 ms)", () => {
    const fast = { firstMs: 50, maxMs: 400 };
    expect([1, 2, 3, 4, 5, 9].map((n) => exitRetryDelay(n, 0, fast))).toEqual([50, 100, 200, 400, 400, 400]);
    expect(exitRetryDelay(1, 1_000, fast)).toBe(1_000);
  });

  it("an alert for each growth of the backoff, none while it stays at the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => exitRetryDelay(n));
    const grew = delays.map((d, i) => backoffGrew(i === 0 ? 0 : delays[i - 1]!, d));
    expect(grew).toEqual([true, true, true, true, true, true, false, false]);
  });
});

describe("afterLostAnswer: after a lost answer, a try waits for the account's snapshot, at most the cap", () => {
  it.each([
    // lost at, now, cap, verdict
    [undefined, 5_000, 30_000, "go"], // nothing lost: today's schedule
    [1_000, 1_000, 30_000, "wait"],
    [1_000, 30_999, 30_000, "wait"],
    [1_000, 31_000, 30_000, "expired"], // no snapshot came: the try goes from the position as known
    [1_000, 90_000, 30_000, "expired"],
    [0, 399, 400, "wait"], // a shrunk backoff shrinks the wait too
    [0, 400, 400, "expired"],
  ] as const)("lost at %s, now %i, cap %i → %s", (lostAt, now, cap, verdict) => {
    expect(afterLostAnswer(lostAt, now, cap)).toBe(verdict);
  });
});
