import type { ReconcileMode } from "../../data/schema.js";
import { RECONCILE_REASON, SKIP_REASONS } from "../types.js";
import { classify } from "./classify.js";
import { type DecideInput, type Decision, decide } from "./decide.js";

/**
 * What a re-sync makes up for one follower and contract (issue 18), as a pure function: the leader
 * moved from the position this follower last acted on (`leaderBefore`) to where it is now
 * (`leaderAfter`) while the follower missed it; that difference is applied as ONE step of the copy
 * rules (decide), from the follower's position now.
 *
 * - "exits" (the default): only the exit part goes: a reduce or a close by the rule, the closing
 *   half of a flip. An opening or add is not made up (the follower shows OUT OF SYNC).
 * - "full": the whole step, openings too (their gates still apply).
 * - "off": nothing.
 *
 * A follower already on the side the leader opened or flipped to is in that trade (what it acted
 * on was written a moment too late to the state file before a kill, or it was put there by hand):
 * nothing is sent, and from here its exits follow the leader's.
 *
 * Undefined when there is nothing to look at (off, or the leader is where it was acted on).
 * Whatever is sent carries the reason "reconcile".
 */
export function reconcileStep(mode: ReconcileMode, input: DecideInput): Decision | undefined {
  if (mode === "off" || input.leaderBefore === input.leaderAfter) return undefined;
  const move = classify(input.leaderBefore, input.leaderAfter);
  const onNewSide = input.follower !== 0 && Math.sign(input.follower) === Math.sign(input.leaderAfter);
  if ((move === "open" || move === "flip") && onNewSide)
    return { action: "skip", kind: move, reason: SKIP_REASONS.alreadyInTrade };
  const step = decide({ ...input, firstOpeningFillOfOrder: true });
  if (step.action === "skip") return step;
  if (mode === "full" || step.opening === 0) return { ...step, reason: RECONCILE_REASON };
  // The exit part only: a flip closes what the follower holds; an opening or add sends nothing.
  const close = step.delta - step.opening;
  if (step.kind === "flip" && close !== 0)
    return { action: "send", kind: "close", delta: close, opening: 0, reason: RECONCILE_REASON };
  return { action: "skip", kind: step.kind, reason: SKIP_REASONS.openingNotMadeUp };
}
