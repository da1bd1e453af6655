import type { ResyncEvent } from "../../engine/index.js";

/**
 * What a re-sync row says was done: a login's re-sync makes up missed exits (and, in a group whose
 * reconcile is "full", missed openings: "exits" alone said it of a follower's BUY 2 on reconnect);
 * the trader's sends the difference.
 */
export function resyncMade(e: Pick<ResyncEvent, "byHand" | "openings">): string {
  if (e.byHand) return "the difference to the rule sent";
  return e.openings ? "missed trades made up" : "missed exits made up";
}
