import type { ResyncEvent } from "../../engine/index.js";

/** What a re-sync row says was done: a login's re-sync makes up missed exits; the trader's sends the difference. */
export function resyncMade(e: Pick<ResyncEvent, "byHand">): string {
  return e.byHand ? "the difference to the rule sent" : "missed exits made up";
}
