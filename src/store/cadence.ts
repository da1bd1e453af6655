import type { EngineEvent } from "../../engine/types.js";

/**
 * When the screen's store publishes a new snapshot after an event. Every publish is a React
 * render and a layout of the whole screen (10-25 ms of the main thread at 120×40), and on two
 * cores that time comes out of what the engine and the broker link have. So:
 *
 * | what came                                                | on screen within |
 * |----------------------------------------------------------|------------------|
 * | a decision: a fill, a copy, a lock, an alert, a position | `soonMs`         |
 * | a figure that changes on every tick: P&L, budget, latency | `refreshMs`      |
 * | decisions back to back (a burst of fills)                | `refreshMs`      |
 *
 * A burst: `burstAfter` batches with a decision in a row, each begun within `soonMs` of the one
 * before it was published. It ends at the first quiet gap, so a lone fill after it is quick again.
 */
export interface Cadence {
  soonMs: number;
  refreshMs: number;
  burstAfter: number;
}

export const SCREEN_CADENCE: Readonly<Cadence> = Object.freeze({ soonMs: 75, refreshMs: 250, burstAfter: 4 });

/**
 * A figure refreshed several times a second rather than a decision: the screen's business, not a
 * log line's (headless leaves it out; `mimik status` has it).
 */
export function isScreenRefresh(event: EngineEvent): boolean {
  return event.type === "risk" || event.type === "budget" || event.type === "latency";
}

/** Decision batches back to back so far, as one begins `sinceLastMs` after the last one was published. */
export function burstStreak(streak: number, sinceLastMs: number, cadence: Cadence): number {
  return sinceLastMs <= cadence.soonMs ? streak + 1 : 0;
}

/** How long until the snapshot that shows an event of this kind, `streak` decision batches into a run. */
export function publishDelay(decision: boolean, streak: number, cadence: Cadence): number {
  return decision && streak < cadence.burstAfter ? cadence.soonMs : cadence.refreshMs;
}
