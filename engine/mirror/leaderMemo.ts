/**
 * What the mirror remembers about the leader's orders beyond what the broker still lists as open:
 * the ones that filled completely a moment ago (their followers' mirrors may still be working, see
 * late.ts) and the ones that were exits (an exit of the leader's is never mirrored as an opening,
 * even after the leader went flat and left it working). Entries go when they are no longer needed.
 */
import type { EpochMs, Side, WorkingOrder } from "../types.js";
import { withEntries } from "./leaderOrders.js";
import type { LeaderOrder } from "./types.js";

export interface FilledOrder {
  id: number;
  leader: string;
  contract: string;
  side: Side;
  filledAt: EpochMs;
  /** Its prices when it filled: a mirror not moved to them yet is behind (late.ts). */
  price?: number | undefined;
  stopPrice?: number | undefined;
}

/** How long after a fill its memory is kept beyond the late window. */
const GRACE_MS = 60_000;

/** Open leader orders whose terms are remembered at most (the oldest let go first). */
const TERMS_KEPT = 5_000;

export class LeaderMemo {
  private readonly filled = new Map<number, FilledOrder & { forgetAt: EpochMs }>();
  private readonly exits = new Set<number>();
  /** Each open leader order's terms as last heard (leaderTerms). */
  private readonly terms = new Map<number, string>();
  /** ProjectX's bracket legs as paired (withEntries), per leader, by leg id, while they are open. */
  private readonly legs = new Map<
    string,
    Map<number, { entry: number; partner?: number | undefined; entryAt?: number | undefined }>
  >();

  /**
   * A leader order's report: true when the leader changed its terms since the last one heard (they
   * differ, or the broker says it was `modified`: moved away and back within one frame). Every
   * report is read, not only what a mirror pass sees: a stop moved away and back before the pass
   * looks the same to it as one that never moved, and what the follower's broker refused or gave
   * up for the old terms would stand for the new ones.
   */
  moved(order: WorkingOrder, modified = false): boolean {
    const id = order.orderId;
    if (order.status !== undefined && (order.status === "Filled" || FINISHED.has(order.status))) {
      this.terms.delete(id);
      return false;
    }
    const now = leaderTerms(order);
    const before = this.terms.get(id);
    this.terms.delete(id); // the newest last: the oldest is let go first
    this.terms.set(id, now);
    if (this.terms.size > TERMS_KEPT) this.terms.delete(this.terms.keys().next().value as number);
    return modified || (before !== undefined && before !== now);
  }

  /** A leader order changed; returns true when it has just filled completely. */
  update(leader: string, order: WorkingOrder, now: EpochMs, lateMs: number): boolean {
    if (order.status === "Filled" && order.contract !== undefined && order.side !== undefined) {
      if (this.filled.has(order.orderId)) return false;
      this.filled.set(order.orderId, {
        id: order.orderId,
        leader,
        contract: order.contract,
        side: order.side,
        filledAt: now,
        price: order.price,
        stopPrice: order.stopPrice,
        forgetAt: now + lateMs + GRACE_MS,
      });
      return true;
    }
    if (order.status !== undefined && FINISHED.has(order.status)) this.exits.delete(order.orderId);
    return false;
  }

  filledOrder(id: number): FilledOrder | undefined {
    return this.filled.get(id);
  }

  markExits(ids: readonly number[]): void {
    for (const id of ids) this.exits.add(id);
  }

  wasExit(id: number): boolean {
    return this.exits.has(id);
  }

  /**
   * The leader's open orders in one contract, ProjectX's legs named as they were before
   * (withEntries): each pairing is kept for as long as the leg is open (pruneLegs).
   */
  named(leader: string, orders: readonly LeaderOrder[]): readonly LeaderOrder[] {
    const mine = this.legs.get(leader) ?? new Map();
    const known = {
      entryOf: (id: number) => mine.get(id)?.entry,
      partnerOf: (id: number) => mine.get(id)?.partner,
      entryPlacedAt: (id: number) => mine.get(id)?.entryAt,
    };
    const out = withEntries(orders, known);
    const placed = new Map(orders.map((o) => [o.id, o.placedAt]));
    for (const [i, o] of out.entries()) {
      if (o !== orders[i] && o.bracketOf !== undefined) {
        const entryAt = placed.get(o.bracketOf) ?? mine.get(o.id)?.entryAt;
        mine.set(o.id, { entry: o.bracketOf, partner: o.ocoWith, entryAt });
      } else if (o.bracketOf === undefined) mine.delete(o.id); // found to be no leg after all
    }
    if (mine.size > 0) this.legs.set(leader, mine);
    return out;
  }

  /** Forgets the pairings of the leader's legs that are no longer open. */
  pruneLegs(leader: string, open: ReadonlySet<number>): void {
    const mine = this.legs.get(leader);
    for (const id of mine?.keys() ?? []) if (!open.has(id)) mine?.delete(id);
    if (mine?.size === 0) this.legs.delete(leader);
  }

  /** Forgets what is past its grace; returns the leader orders forgotten. */
  expire(now: EpochMs): number[] {
    const gone: number[] = [];
    for (const [id, f] of this.filled) {
      if (f.forgetAt > now) continue;
      this.filled.delete(id);
      this.exits.delete(id);
      gone.push(id);
    }
    return gone;
  }
}

const FINISHED = new Set(["Canceled", "Cancelled", "Rejected", "Expired", "Completed"]);

/**
 * What the leader asked of its order: type, prices, whole quantity, time in force. A trailing
 * stop's stop is left out, as in termsKey: it ratchets with the price, the leader moving nothing.
 */
export function leaderTerms(o: WorkingOrder): string {
  const trailing = o.orderType === "TrailingStop";
  return JSON.stringify([
    o.orderType,
    trailing ? undefined : o.price,
    trailing ? undefined : o.stopPrice,
    o.trail,
    o.qty,
    o.timeInForce,
  ]);
}
