import type { CopyKind } from "../types.js";

/** What a leader fill did to the leader's position in one contract. */
export type LeaderMove = Exclude<CopyKind, "resync">;

/** Classify a leader step L_before → L_after; undefined when nothing changed. */
export function classify(before: number, after: number): LeaderMove | undefined {
  if (before === after) return undefined;
  if (before === 0) return "open";
  if (after === 0) return "close";
  if (Math.sign(before) !== Math.sign(after)) return "flip";
  return Math.abs(after) > Math.abs(before) ? "add" : "reduce";
}

/** Does going from `before` to `after` open exposure (an opening, an add, a flip)? */
export function opensExposure(before: number, after: number): boolean {
  const move = classify(before, after);
  return move === "open" || move === "add" || move === "flip";
}
