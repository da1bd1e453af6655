import type { Follower } from "../../data/schema.js";
import { capOpening, openingSize, positionAfterReduce } from "../../engine/copier/sizing.js";
import { DEFAULT_MAX_CONTRACTS } from "../../engine/types.js";

export interface LeaderFill {
  orderId: number;
  symbol: string;
  action: "Buy" | "Sell";
  qty: number;
}

/**
 * What design.md §2 says a follower holds after the leader's fills, for a follower that saw every
 * fill (no gates closed, no mapping): replayed with the pure sizing functions, independently of
 * the copier's classify/decide code. Fixed sizing opens N on the first opening fill of a leader
 * order only, as the table says; with no max contracts the default cap applies.
 */
export function expectedHoldings(
  fills: readonly LeaderFill[],
  sizing: Follower["sizing"],
  maxContracts: number | undefined,
): Map<string, number> {
  const cap = maxContracts ?? DEFAULT_MAX_CONTRACTS;
  const leader = new Map<string, number>();
  const follower = new Map<string, number>();
  const openedOrders = new Map<string, Set<number>>();
  for (const fill of fills) {
    const contract = fill.symbol;
    const before = leader.get(contract) ?? 0;
    const after = before + (fill.action === "Buy" ? fill.qty : -fill.qty);
    leader.set(contract, after);
    const opened = openedOrders.get(contract) ?? new Set<number>();
    openedOrders.set(contract, opened);
    const first = !opened.has(fill.orderId);
    const f = follower.get(contract) ?? 0;
    let next = f;
    if (before === 0 || (Math.sign(before) === Math.sign(after) && Math.abs(after) > Math.abs(before))) {
      next = f + capOpening(f, openingSize(sizing, before, after, first), cap);
      opened.add(fill.orderId);
    } else if (after === 0) {
      next = 0;
      opened.clear();
    } else if (Math.sign(before) !== Math.sign(after)) {
      next = capOpening(0, openingSize(sizing, 0, after, first), cap);
      opened.add(fill.orderId);
    } else {
      next = positionAfterReduce(sizing, f, before, after, cap);
    }
    follower.set(contract, next);
  }
  return follower;
}
