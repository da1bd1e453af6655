import type { Clock, Logger, Side } from "../types.js";
import { silentLogger } from "../types.js";
import { afterLostAnswer } from "./exitRetry.js";
import type { PendingExit } from "./pendingExit.js";

/**
 * Why a pending exit's try waits instead of going: the follower's position is not known again
 * after a lost answer, or one of its mirrored orders that would close the same contracts is being
 * cancelled (issue 14) and may still fill on the cancel's way.
 */

export const SNAPSHOT_WAIT = "an order's answer was lost: waiting for the account's next snapshot";

export interface TryWaitHooks {
  /** Look again shortly, the trader told why. */
  waitFor(e: PendingExit, reason: string): void;
  /** The opening the entry holds will not be sent, and why. */
  dropOpening(e: PendingExit, why: string): void;
}

/**
 * After a lost answer, is the follower's position known again? Until its next snapshot (which
 * ends the entry) the try waits, as the order may have filled unheard; past the bound, it goes.
 */
export function knownAgain(
  e: PendingExit,
  deps: { clock: Clock; logger?: Logger | undefined },
  maxMs: number,
  hooks: TryWaitHooks,
): boolean {
  const { clock, logger = silentLogger } = deps;
  const wait = afterLostAnswer(e.lostAt, clock.now(), maxMs);
  if (wait === "wait") hooks.waitFor(e, SNAPSHOT_WAIT);
  if (wait !== "expired") return wait === "go";
  const { follower, contract } = e;
  logger.warn(`${SNAPSHOT_WAIT}: none came, the exit is tried from the position as known`, {
    follower,
    contract,
    openingDropped: e.opens,
  });
  e.lostAt = undefined;
  // An opening held for the snapshot is not sent from a position that may be stale: late or
  // never, not doubled (the line shows OUT OF SYNC).
  if (e.opens) hooks.dropOpening(e, `no snapshot within ${Math.round(maxMs / 1000)} s`);
  return true;
}

/**
 * Is a mirror of the follower's on this line, on the side an exit of `delta` from `has` trades,
 * being cancelled? Sent beside it, the exit and the mirror could both fill: the follower would
 * hold the other side with its leader flat. The exit waits until the mirror is heard finished,
 * then is sized from what the follower holds.
 */
export function besideCancellingMirror(
  mirrorCancels: ((follower: string, contract: string, side: Side) => boolean) | undefined,
  follower: string,
  contract: string,
  has: number,
  delta: number,
): boolean {
  if (!mirrorCancels || has === 0 || Math.sign(delta) !== -Math.sign(has)) return false;
  return mirrorCancels(follower, contract, delta > 0 ? "Buy" : "Sell");
}
