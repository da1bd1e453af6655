import type { Follower, Group } from "../../data/schema.js";
import { SKIP_REASONS } from "../types.js";
import { accountCapOf } from "./accountCap.js";
import { COPY_REASONS, type Decision, decide } from "./decide.js";
import type { HedgeSides } from "./hedgeIndex.js";
import type { FollowerGate } from "./ports.js";

/**
 * Why a copy was not acted on: the follower could not be reached, or its exit was left to a flatten
 * under way (stopped before it was done, by a forced unlock): a re-sync makes up its exits.
 */
export const NOT_ACTED: ReadonlySet<string> = new Set([
  SKIP_REASONS.disconnected,
  SKIP_REASONS.ordersBacklog,
  SKIP_REASONS.flattening,
  // An opening held back beside a flatten: marked acted on, it would hide an exit still owed.
  SKIP_REASONS.liquidateOnly,
]);

/** What the copier knows of one follower when a leader fill comes, gathered for the copy rule. */
export interface FollowerFacts {
  group: Group;
  follower: Follower;
  leaderContract: string;
  leaderBefore: number;
  leaderAfter: number;
  firstOpeningFillOfOrder: boolean;
  connected: boolean;
  ordersBacklog: boolean;
  risk: FollowerGate;
  tradeAlreadyCounted: boolean;
  /** Where the follower stands (with an exit pending: where that exit takes it). */
  position: number;
  /** What its line keeps for the leader's other contracts, left out of `position` (mergedLine). */
  kept?: number | undefined;
  /** What its account holds on its other lines (FollowerBook.elsewhere), asked only under an account cap. */
  elsewhere?: (() => number) | undefined;
  /** Its own mirrored working order answers this leader order (issue 14). */
  mirror?: MirrorCover | undefined;
  /** What other followers of its firm hold in the instrument's family (issue 16's hedge guard). */
  hedge?: HedgeSides | undefined;
}

/** The follower's own mirror of the leader order being copied, as the copy rule needs it. */
export interface MirrorCover {
  /**
   * Moves the position to where the follower would stand had its mirror filled exactly what the
   * leader's earlier fills of the order counted it for (it may fill before or after them).
   */
  shift: number;
  /** Contracts of a closing its mirror can still answer: its size less what was counted before. */
  credit(): number;
}

/** A decision, and the contracts of its closing the follower's own mirror answers (signed; not sent). */
export type CoveredDecision = Decision & { covered: number };

/**
 * The copy rule for one follower (decide()), then the mirror's word (issue 14): a follower whose
 * own mirrored order answers the leader's order gets no copy of its openings, and of a closing
 * (a reduce, a close, a flip's closing half) only what that order cannot close: exits are sized
 * to the follower's position, so its mirror of the leader's exit may be smaller than the step.
 */
export function followerDecision(f: FollowerFacts): CoveredDecision {
  const decision = decide({
    gate: {
      groupActive: f.group.active,
      followerEnabled: f.follower.enabled,
      connected: f.connected,
      ordersBacklog: f.ordersBacklog,
      state: f.risk.state,
      brokerLocked: f.risk.brokerLocked ?? false,
      pricesStale: f.risk.pricesStale,
      whitelist: f.group.whitelist,
      leaderContract: f.leaderContract,
      tradesLeft: f.risk.tradesLeft,
      tradeAlreadyCounted: f.tradeAlreadyCounted,
      hedge: f.hedge,
      window: f.risk.window,
    },
    sizing: f.follower.sizing,
    maxContracts: f.follower.maxContracts,
    account: accountCapOf(f.follower, f.elsewhere),
    leaderBefore: f.leaderBefore,
    leaderAfter: f.leaderAfter,
    follower: f.position + (f.mirror?.shift ?? 0),
    keptOnLine: f.kept,
    firstOpeningFillOfOrder: f.firstOpeningFillOfOrder,
  });
  return f.mirror === undefined ? { ...decision, covered: 0 } : answeredByMirror(decision, f.mirror.credit);
}

/** The part of a decision the follower's mirror answers, and what is still copied (a rule table). */
export function answeredByMirror(decision: Decision, credit: () => number): CoveredDecision {
  if (decision.action === "skip") return { ...decision, covered: 0 };
  const mirrored = { action: "skip", kind: decision.kind, reason: SKIP_REASONS.mirrored } as const;
  // Its mirrored entry answers an opening; a flip's opening half is always copied (an exit never opens).
  if (decision.kind === "open" || decision.kind === "add") return { ...mirrored, covered: 0 };
  const closing = decision.delta - decision.opening;
  // The mirror makes what is left of its size: all of the closing at most, then (a flip's) opening
  // half too, when the leader's other exits left this one bigger than what the step closes.
  const left = closing === 0 ? 0 : credit();
  const most = Number.isFinite(left) ? Math.abs(decision.delta) : Math.abs(closing); // size unknown: the closing
  const answers = Math.max(0, Math.min(most, left));
  const covered = answers === 0 ? 0 : Math.sign(closing) * answers;
  const rest = decision.delta - covered;
  if (rest === 0) return { ...mirrored, covered };
  if (Math.abs(covered) >= Math.abs(closing))
    return { ...decision, kind: "open", delta: rest, opening: rest, covered };
  const reason = covered === 0 ? decision.reason : COPY_REASONS.beyondMirror;
  return { ...decision, delta: rest, reason, covered };
}
