import type { Sizing } from "../../data/schema.js";

/**
 * Copy sizing in exact integer arithmetic. The multiplier is carried as integer thousandths
 * (1.1 → 1100) so `50 × 1.1` is exactly 55, and every division rounds half away from zero.
 */

/** Multiplier as integer thousandths: `50 * 1.1` is not 55 in floating point, `50 * 1100 / 1000` is. */
export function multiplierThousandths(m: number): number {
  return Math.round(m * 1000);
}

/** round(num / den) half away from zero, for integers with den > 0. */
export function roundDiv(num: number, den: number): number {
  if (den <= 0 || !Number.isInteger(num) || !Number.isInteger(den)) {
    throw new RangeError(`roundDiv needs integers and a positive divisor (got ${num}/${den})`);
  }
  const q = Math.floor((2 * Math.abs(num) + den) / (2 * den));
  return num < 0 ? -q : q;
}

/** The follower's target for a leader position x: `sign(x) · max(1, round(|x| · m))`, T(0) = 0. */
export function target(x: number, mThousandths: number): number {
  if (x === 0) return 0;
  const size = Math.max(1, roundDiv(Math.abs(x) * mThousandths, 1000));
  return Math.sign(x) * size;
}

/** What a follower adds for an opening/adding leader step: T(L_after) − T(L_before). */
export function multiplierDelta(before: number, after: number, mThousandths: number): number {
  return target(after, mThousandths) - target(before, mThousandths);
}

/**
 * Reducing: the follower keeps the same fraction of its own position,
 * `round(F × |L_after| / |L_before|)`, clamped to [0, |F|] on F's side: never flips, never over-closes.
 */
export function reducedPosition(follower: number, before: number, after: number): number {
  if (follower === 0 || before === 0) return 0;
  const kept = roundDiv(Math.abs(follower) * Math.abs(after), Math.abs(before));
  const clamped = Math.min(Math.max(kept, 0), Math.abs(follower));
  return Math.sign(follower) * clamped;
}

/**
 * Where a reducing step leaves the follower. A multiplier follower that holds what its rule gives
 * for the leader's position before the step, T(L_before) capped at `cap`, goes to T(L_after) capped
 * alike: the same fraction, rounded once from the leader's position rather than again from its own.
 * Rounding its own position each time drifts from the rule as the leader scales out and back in,
 * since adds step by the rule: m = 1.25 with the leader at −2, −1, −2, −1 … took the follower to
 * −3, −2 (1.5 rounds to 2), −4, −2, −4 …, twice the leader where the rule says −3 and −1. A
 * follower held at its cap stays there while the rule still gives more: m = 2, cap 3, the leader
 * 3 → 2 keeps 3, as a fresh copy of the leader's 2 would give and as OUT OF SYNC and a re-sync
 * expect (its own fraction, 2, was shown out of sync and `r` bought the contract back). Any other
 * follower (fixed sizing, manual trades, a missed copy) keeps the same fraction of its own position.
 */
export function positionAfterReduce(
  sizing: Sizing,
  follower: number,
  before: number,
  after: number,
  cap?: number,
): number {
  if (sizing.mode === "multiplier" && follower !== 0 && follower === expectedPosition(sizing, before, cap))
    return expectedPosition(sizing, after, cap);
  return reducedPosition(follower, before, after);
}

/**
 * The signed size of an opening step of the leader from `before` to `after` (same side, |after| grows;
 * before = 0 for a fresh opening or the opening half of a flip). Fixed sizing gives N only on the
 * first opening fill of a leader order.
 */
export function openingSize(
  sizing: Sizing,
  before: number,
  after: number,
  firstFillOfOrder: boolean,
): number {
  if (sizing.mode === "multiplier") {
    return multiplierDelta(before, after, multiplierThousandths(sizing.value));
  }
  return firstFillOfOrder ? Math.sign(after) * sizing.contracts : 0;
}

/**
 * Limit an opening delta so that |F + delta| stays within `cap`, keeping delta's side.
 * Returns 0 when there is no room.
 */
export function capOpening(follower: number, delta: number, cap: number | undefined): number {
  if (cap === undefined || delta === 0) return delta;
  if (delta > 0) return Math.min(delta, Math.max(0, cap - follower));
  return Math.max(delta, Math.min(0, -cap - follower));
}

/** What the sizing rule expects the follower to hold while the leader holds `leader` (for OUT OF SYNC). */
export function expectedPosition(sizing: Sizing, leader: number, cap: number | undefined): number {
  if (leader === 0) return 0;
  const raw =
    sizing.mode === "multiplier"
      ? target(leader, multiplierThousandths(sizing.value))
      : Math.sign(leader) * sizing.contracts;
  if (cap === undefined) return raw;
  return Math.sign(raw) * Math.min(Math.abs(raw), cap);
}

/**
 * Does what the follower holds agree with its rule, given what `expectedPosition` says (OUT OF SYNC
 * when not)? A multiplier follower holds exactly that. A fixed one holds N for each leader order
 * that opened or added, less what each reduce took: its size depends on how the leader built the
 * position (two orders of 1 give 2N, one of 2 gives N), so only its side can be judged.
 */
export function agreesWithRule(sizing: Sizing, has: number, expects: number): boolean {
  if (sizing.mode === "multiplier") return has === expects;
  return Math.sign(has) === Math.sign(expects);
}

/**
 * What a follower that takes no openings (standsAside) is still expected to hold: the rule's exits
 * only. Never more than it has on the leader's side (nothing to open), the rule's size when it holds
 * more, flat when the leader is flat or on the other side (a flip's new side is held back).
 */
export function exitsOnly(has: number, expects: number): number {
  if (Math.sign(has) !== Math.sign(expects)) return 0;
  return Math.sign(has) * Math.min(Math.abs(has), Math.abs(expects));
}

/** An order of `delta` only reduces what the follower holds (never crosses zero): an exit. */
export function reduces(has: number, delta: number): boolean {
  return Math.sign(delta) === -Math.sign(has) && Math.abs(delta) <= Math.abs(has);
}

/**
 * An order of `delta` sells (or buys back) some of what the follower holds: an exit, alone or as a
 * flip's first half. One that does not only adds exposure, whatever happens to the orders on their way.
 */
export function closesSome(has: number, delta: number): boolean {
  return has !== 0 && Math.sign(delta) === -Math.sign(has);
}
