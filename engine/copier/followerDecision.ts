import type { Follower, Group } from "../../data/schema.js";
import { SKIP_REASONS } from "../types.js";
import { type Decision, decide } from "./decide.js";
import type { HedgeSides } from "./hedgeIndex.js";
import type { FollowerGate } from "./ports.js";

/** What the copier knows of one follower when a leader fill comes, gathered for the copy rule. */
/** Why a copy was not acted on: the follower could not be reached (a re-sync makes up its exits). */
export const NOT_ACTED: ReadonlySet<string> = new Set([
  SKIP_REASONS.disconnected,
  SKIP_REASONS.ordersBacklog,
]);

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
  /** Its own mirrored working order answers this leader order (issue 14). */
  mirrored: boolean;
  /** What other followers of its firm hold in the instrument's family (issue 16's hedge guard). */
  hedge?: HedgeSides | undefined;
}

/**
 * The copy rule for one follower (decide()), then the mirror's word: a follower whose own
 * mirrored order answers the leader's order gets no copy of the fill, except a flip's opening
 * half (its mirrored exit closes, the copy opens the new side).
 */
export function followerDecision(f: FollowerFacts): Decision {
  const decision = decide({
    gate: {
      groupActive: f.group.active,
      followerEnabled: f.follower.enabled,
      connected: f.connected,
      ordersBacklog: f.ordersBacklog,
      state: f.risk.state,
      brokerLocked: f.risk.brokerLocked ?? false,
      whitelist: f.group.whitelist,
      leaderContract: f.leaderContract,
      tradesLeft: f.risk.tradesLeft,
      tradeAlreadyCounted: f.tradeAlreadyCounted,
      hedge: f.hedge,
      window: f.risk.window,
    },
    sizing: f.follower.sizing,
    maxContracts: f.follower.maxContracts,
    leaderBefore: f.leaderBefore,
    leaderAfter: f.leaderAfter,
    follower: f.position,
    firstOpeningFillOfOrder: f.firstOpeningFillOfOrder,
  });
  if (decision.action === "skip" || !f.mirrored) return decision;
  if (decision.kind !== "flip" || decision.opening === 0)
    return { action: "skip", kind: decision.kind, reason: SKIP_REASONS.mirrored };
  return { ...decision, kind: "open", delta: decision.opening };
}
