/**
 * What the fills pane says of one follower's copy of a leader fill: a skip or a rejection by its
 * reason, an order by what it was (side, size, contract), so the trader sees each follower's size
 * rule at work without opening anything. The reason follows the order only when it tells more
 * than the outcome column does (capped by max contracts, close only with the opening held back).
 */
import { COPY_REASONS, RECONCILE_REASON, type Side, SKIP_REASONS } from "../../engine/index.js";
import type { CopyOutcomeVM } from "./viewModel.js";

export interface CopyResult {
  outcome: "sent" | "skipped" | "accepted" | "rejected" | "filled" | "shadow";
  reason: string;
  side?: Side | undefined;
  qty?: number | undefined;
  /** Of `qty`, what the broker has reported filled so far. */
  filled?: number | undefined;
  contract?: string | undefined;
}

/** Reasons that only say an order went out: the outcome column says as much. */
const PLAIN = new Set<string>([COPY_REASONS.copied, COPY_REASONS.resync, RECONCILE_REASON]);

export interface CopyDetail {
  outcome: CopyOutcomeVM;
  reason: string;
  /** The reason says more than the order (a cap, a held-back opening): worth naming in full. */
  noted?: true | undefined;
}

export function copyDetail(r: CopyResult): CopyDetail {
  if (r.outcome === "skipped")
    return { outcome: r.reason === SKIP_REASONS.mirrored ? "mirrored" : "skipped", reason: r.reason };
  if (r.outcome === "rejected" || r.side === undefined || r.qty === undefined)
    return { outcome: r.outcome, reason: r.reason };
  let order = `${r.side === "Buy" ? "BUY" : "SELL"} ${r.qty} ${r.contract ?? ""}`.trimEnd();
  // A shadow's result is what it would have sent, in full: nothing else will say it.
  if (r.outcome === "shadow") return { outcome: r.outcome, reason: `would ${order}: ${r.reason}` };
  // A fill of part of the order says so: "✓ filled BUY 4" over a fill of 1 would overstate it.
  if (r.outcome === "filled" && r.filled !== undefined && r.filled < r.qty) order += ` (${r.filled} filled)`;
  const plain = PLAIN.has(r.reason) || r.reason === r.outcome;
  return plain
    ? { outcome: r.outcome, reason: order }
    : { outcome: r.outcome, reason: `${order}: ${r.reason}`, noted: true };
}
