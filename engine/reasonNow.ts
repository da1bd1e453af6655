import { SKIP_REASONS } from "./events.js";

/**
 * Skip reasons journaled in words since changed, with the words for the same cause today: a
 * journal written before them reads as one written now (`mimik log`, `mimik report`).
 */
const RETIRED_REASONS: ReadonlyMap<string, string> = new Map([["group inactive", SKIP_REASONS.groupPaused]]);

/** A journaled reason in today's words (unchanged when its words are today's). */
export function reasonNow(reason: string): string {
  return RETIRED_REASONS.get(reason) ?? reason;
}
