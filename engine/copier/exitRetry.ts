import { retryDelay } from "../risk/backoff.js";
import type { EpochMs } from "../types.js";

/**
 * The pure rules of a pending exit (issue 18): what the next try sends, and when it goes.
 */

/**
 * The order that takes a follower holding `has` toward `goal` (where the copy rule wants it) as an
 * exit: it only ever reduces, so it never sells more than the follower holds and never crosses
 * zero. 0 when there is nothing left to do: the follower is there, holds less (a manual trade did
 * part of it), or holds the other side.
 */
export function exitDelta(has: number, goal: number): number {
  if (has === 0) return 0;
  const kept = Math.sign(goal) === Math.sign(has) ? goal : 0;
  if (Math.abs(has) <= Math.abs(kept)) return 0;
  return kept - has;
}

/**
 * What a try sends: an exit (exitDelta); or, when the goal holds a leader step's opening that
 * waited for our order on its way (`opens`), the whole way to the goal, as the copy would have.
 */
export function tryDelta(has: number, goal: number, opens: boolean): number {
  return opens ? goal - has : exitDelta(has, goal);
}

/** The backoff's first wait and its cap (tests and the resilience suite shrink them). */
export interface ExitBackoff {
  firstMs: number;
  maxMs: number;
}

/** 1 s, 2 s, 4 s … 30 s: the flatten's backoff (engine/risk/backoff.ts). */
export const EXIT_BACKOFF: Readonly<ExitBackoff> = Object.freeze({ firstMs: 1_000, maxMs: 30_000 });

/**
 * The wait before try `attempt + 1` after `attempt` (≥ 1) failed: 1 s, 2 s, 4 s … 30 s, and never
 * sooner than the broker asked (a penalty or a 429 lockout still running for `brokerWaitMs`).
 */
export function exitRetryDelay(
  attempt: number,
  brokerWaitMs = 0,
  backoff: ExitBackoff = EXIT_BACKOFF,
): number {
  const wait = Number.isFinite(brokerWaitMs) ? Math.max(0, brokerWaitMs) : 0;
  const scaled = (retryDelay(attempt) / EXIT_BACKOFF.firstMs) * backoff.firstMs;
  return Math.max(Math.min(scaled, backoff.maxMs), Math.ceil(wait));
}

/** Each growth of the backoff is news (an alert); the same 30 s again and again is not. */
export function backoffGrew(previousMs: number, nextMs: number): boolean {
  return nextMs > previousMs;
}

/**
 * May a try go after one of the line's orders lost its answer at `lostAt`? That order may have
 * filled unheard while the account's events lag, so the position mimik has may be stale, and an
 * exit sized from it would open the other side: "wait" for the account's next snapshot (which
 * ends the entry), at most `maxMs`; then "expired", and the try goes from the position mimik has.
 */
export function afterLostAnswer(
  lostAt: EpochMs | undefined,
  now: EpochMs,
  maxMs: number,
): "go" | "wait" | "expired" {
  if (lostAt === undefined) return "go";
  return now - lostAt < maxMs ? "wait" : "expired";
}
