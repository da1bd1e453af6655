import type { Group } from "../../data/schema.js";
import type { Clock, EngineEvent } from "../types.js";
import { MIRROR_FILL_REASONS } from "./mirrorFillStep.js";
import type { OrderMeta } from "./orderTracker.js";

export interface MirrorExitDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  /** Write one exit now (a pending exit's way: flushed, told, retried if it fails). */
  send(meta: OrderMeta, delta: number, reason: string): boolean;
}

/**
 * One exit of the follower's at once, after a fill of its own mirrored order (MirrorAnswers): a
 * double undone (told in an alert too: its cancel came too late), or a fixed-size follower's owed
 * reduce.
 */
export function sendMirrorExit(
  deps: MirrorExitDeps,
  group: Group,
  follower: string,
  fillId: number,
  at: { contract: string; leaderContract: string; leader: number },
  delta: number,
  why: "double" | "owed",
): void {
  const { contract, leaderContract, leader } = at;
  const meta: OrderMeta = {
    group: group.name,
    follower,
    fillId,
    contract,
    kind: "reduce",
    side: delta > 0 ? "Buy" : "Sell",
    startedAt: deps.clock.mono(),
    exit: true,
    leaderContract,
    leaderBefore: leader,
    leaderAfter: leader,
  };
  if (!deps.send(meta, delta, MIRROR_FILL_REASONS[why]) || why !== "double") return;
  deps.emit({
    type: "alert",
    at: deps.clock.now(),
    level: "warn",
    message: `${follower}: its mirrored order on ${contract} filled as well as the copy of the leader's fill (its cancel came too late); ${Math.abs(delta)} sent back`,
    follower,
    group: group.name,
  });
}
