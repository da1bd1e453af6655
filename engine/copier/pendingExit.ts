import type { CopyKind, EpochMs, MonoMs } from "../types.js";
import type { OrderMeta } from "./orderTracker.js";

/** One exit that failed and is tried again until the follower is where the rule says. */
export interface PendingExit {
  group: string;
  follower: string;
  contract: string;
  leaderContract: string;
  /** Where the copy rule wants the follower (its latest word: a later leader fill moves it). */
  goal: number;
  /** The leader position the follower had acted on before this exit (what a restart goes back to). */
  base: number;
  /** The leader position the goal answers (acted on once the exit is done). */
  leaderAfter: number;
  /** The goal holds a leader step's opening that waited for our order on its way (tryDelta). */
  opens: boolean;
  kind: CopyKind;
  fillId: number;
  reason: string;
  attempts: number;
  delayMs: number;
  nextAt: EpochMs | undefined;
  /**
   * When one of the line's orders lost its answer (it may have filled unheard): no try goes until
   * the account's next snapshot, which ends the entry, or the backoff's cap has passed.
   */
  lostAt: EpochMs | undefined;
  timer: unknown;
}

/** One entry per follower and contract. */
export function key(follower: string, contract: string): string {
  return `${follower}\u0000${contract}`;
}

/** A try's order, for a follower holding `has`: an exit of the leader move the entry answers. */
export function retryMeta(e: PendingExit, has: number, startedAt: MonoMs): OrderMeta {
  return {
    group: e.group,
    follower: e.follower,
    fillId: e.fillId,
    contract: e.contract,
    kind: e.kind,
    side: e.goal > has ? "Buy" : "Sell",
    startedAt,
    exit: true,
    leaderContract: e.leaderContract,
    leaderBefore: e.base,
    leaderAfter: e.leaderAfter,
  };
}
