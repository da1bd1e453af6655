import type { Held } from "./types.js";
import { sign } from "./types.js";

/**
 * Of the follower's mirrored working orders, what those on its lines other than `contract` would
 * add to the account should they fill: an entry working beside an entry on another contract may
 * fill with it, so each takes its room under the account cap (limits.maxOpenContracts) before it
 * fills. An order on the side that closes its line (an exit leg) adds nothing.
 */
export function entriesElsewhere(
  held: readonly Held[],
  contract: string,
  position: (contract: string) => number,
): number {
  let total = 0;
  for (const h of held) {
    if (h.contract === contract) continue;
    const left = h.qty - h.filled;
    if (left <= 0 || sign(h.side) === -Math.sign(position(h.contract))) continue;
    total += left;
  }
  return total;
}
