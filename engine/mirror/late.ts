/**
 * A leader order filled, and the follower's mirror of it has not (yet). The copier does not copy
 * that fill to this follower (its own order answers it), so the mirror decides what happens to
 * the follower's order, as one pure function:
 *
 * - an exit keeps working for `afterMs` (the same price is usually reached a moment later); then
 *   what is left is sent to market: exits always follow the leader;
 * - an entry keeps working for `afterMs` while the leader still holds the position it opened;
 *   then it is sent to market or cancelled, as the group says (a market one passes the opening
 *   gates: a follower locked since is only cancelled);
 * - either is cancelled at once when it could no longer do what it was for: the leader left the
 *   position (an entry), the follower has no position for it to close (an exit);
 * - either is not waited for when it is `behind`: the leader had moved its order and the move had
 *   not reached the follower's (a burst of moves is spaced, the latest going last), so the price
 *   the leader filled at is not the one it works at, and may never come.
 */
import type { EpochMs, Side } from "../types.js";
import { MIRROR_REASONS } from "./reasons.js";
import { sign } from "./types.js";

export type LatePolicy = "market" | "cancel";

export interface LateInput {
  now: EpochMs;
  afterMs: number;
  entries: LatePolicy;
  /** When the leader order filled completely. */
  filledAt: EpochMs;
  /** The follower order's side and what it still has to work. */
  side: Side;
  remaining: number;
  leaderPosition: number;
  followerPosition: number;
  /** The leader order was an exit of the leader's (its mirror closes, never opens). */
  wasExit: boolean;
  /** Why openings are held back now, if they are. */
  entriesHeld?: string | undefined;
  /** The follower's position cap for openings. */
  cap: number;
  /** It does not work at the price the leader's order filled at (a move of it not mirrored yet). */
  behind?: boolean | undefined;
}

export type LateDecision =
  | { kind: "keep"; until: EpochMs }
  | { kind: "cancel"; reason: string }
  | { kind: "market"; qty: number; exit: boolean; reason: string };

export function lateDecision(input: LateInput): LateDecision {
  const { side, followerPosition: F, leaderPosition: L } = input;
  const until = input.behind ? input.now : input.filledAt + input.afterMs;
  const s = sign(side);
  const exit = F !== 0 && Math.sign(F) === -s;
  if (exit) {
    if (input.now < until) return { kind: "keep", until };
    const qty = Math.min(input.remaining, Math.abs(F));
    return { kind: "market", qty, exit: true, reason: MIRROR_REASONS.lateExit };
  }
  if (input.wasExit) return { kind: "cancel", reason: MIRROR_REASONS.noPosition };
  if (Math.sign(L) !== s) return { kind: "cancel", reason: MIRROR_REASONS.leaderLeft };
  if (input.now < until) return { kind: "keep", until };
  if (input.entries === "cancel") return { kind: "cancel", reason: MIRROR_REASONS.lateEntryCancel };
  if (input.entriesHeld) return { kind: "cancel", reason: input.entriesHeld };
  const room = Math.max(0, input.cap - Math.max(0, s * F));
  const qty = Math.min(input.remaining, room);
  if (qty <= 0) return { kind: "cancel", reason: MIRROR_REASONS.lateEntryCancel };
  return { kind: "market", qty, exit: false, reason: MIRROR_REASONS.lateEntryMarket };
}
