import type { Follower } from "../../data/schema.js";
import type { AccountCapReason } from "../types.js";

/**
 * A follower's `limits.maxOpenContracts`: the most contracts its account may hold across all its
 * positions at once, as prop firms cap an account ("maximum position size"), whatever the product
 * or month. `maxContracts` caps each line alone: a leader in ESZ6 and ESH7 (or ES and NQ) took a
 * follower capped at 4 to 4 in each, 8 on the account. Each contract counts as one (a micro too):
 * firms differ on how they count micros, and one each is never under what any of them counts.
 */
export interface AccountCap {
  cap: number;
  /** Contracts the account holds on its other lines, with our orders on their way that open. */
  elsewhere: number;
}

/** The follower's account cap and what its other lines hold; undefined when it has none. */
export function accountCapOf(
  follower: Pick<Follower, "limits">,
  elsewhere: (() => number) | undefined,
): AccountCap | undefined {
  const cap = follower.limits?.maxOpenContracts;
  return cap === undefined ? undefined : { cap, elsewhere: elsewhere?.() ?? 0 };
}

/** The most one line may hold under the account cap: what the other lines leave of it. */
export function lineRoom(account: AccountCap | undefined): number | undefined {
  return account === undefined ? undefined : Math.max(0, account.cap - account.elsewhere);
}

/** The tighter of a line's own cap and what the account leaves it. */
export function tighterCap(lineCap: number, account: AccountCap | undefined): number {
  const room = lineRoom(account);
  return room === undefined ? lineCap : Math.min(lineCap, room);
}

/**
 * What a line counts for on the account: what it holds, or what it will hold once our orders on
 * their way fill, whichever is more. An opening on its way takes room before it fills (two leader
 * fills in one tick must not both take the last of it); an exit on its way frees none until it has
 * filled (it may be refused, and the account would stand over the cap meanwhile).
 */
export function lineCount(settled: number, withInFlight: number): number {
  return Math.max(Math.abs(settled), Math.abs(withInFlight));
}

/**
 * What OUT OF SYNC expects of a line under the account cap, given what the rule (and max
 * contracts) expect of it: no more than the `room` the account's other lines leave it, and never
 * less than it holds on that side: a line held short only by the cap is where it should be, and
 * the cap never sells what the follower holds.
 */
export function heldByAccount(expects: number, has: number, room: number | undefined): number {
  if (room === undefined || expects === 0) return expects;
  const holds = Math.sign(has) === Math.sign(expects) ? Math.abs(has) : 0;
  return Math.sign(expects) * Math.min(Math.abs(expects), Math.max(room, holds));
}

/** A skip: the account cap left no room for the opening. */
export function accountCapReason(cap: number): AccountCapReason {
  return `the account's max open contracts (${cap})`;
}

/** Is this skip the account cap's (an opening held back by a rule, for the notices)? */
export function isAccountCapReason(reason: string): boolean {
  return /^the account's max open contracts \(\d+\)$/.test(reason);
}

/** A reduce's skip: the line is held at what the account cap leaves it, and the rule still gives more. */
export function stillAccountCapped(cap: number): AccountCapReason {
  return `still at the account's max open contracts (${cap})`;
}

/** A copy the account cap cut. */
export function accountCappedCopy(cap: number): string {
  return `copied, capped by the account's max open contracts (${cap})`;
}

/**
 * Of a resync's fix from `has` to `expects` on one line, where the account leaves it `room` more
 * contracts than it counts now: the line's new target. Only what opens is cut (a fix that reduces
 * goes whole); a crossing fix still closes what the line holds.
 */
export function resyncTarget(has: number, expects: number, room: number): number {
  const most = Math.abs(has) + Math.max(0, room);
  if (Math.abs(expects) <= most) return expects;
  return Math.sign(expects) * most;
}
