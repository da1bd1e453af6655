import type { FillEvent } from "../types.js";

/** What the copier did with one leader order's fills for one follower, and what its mirrors filled. */
export interface Handled {
  /** Unknown while only its mirror has filled (before any leader fill of the order came). */
  leaderContract: string | undefined;
  /** Its own mirrored order answers them: they were not copied. */
  answered: boolean;
  /** Contracts copied to it for them while its mirror was being cancelled, not yet matched by its fill. */
  copied: number;
  /** The last leader fill of the order (what an undo is told under). */
  fillId: number;
  /** The follower's contract its mirror trades, once known. */
  contract: string | undefined;
  /** Signed contracts of the leader's steps counted as answered by its mirror (followerDecision). */
  counted: number;
  /** Signed contracts its mirrors of the order filled, as its fills came. */
  filled: number;
  /** What they filled beyond the leader's own fills was put right after the leader's order ended. */
  settled: boolean;
}

/**
 * Per follower, what was done with each leader order's fills (MirrorAnswers), oldest first and at
 * most `kept` of them, and the orders whose mirrors were counted for more than they filled so far.
 */
export class HandledOrders {
  /** follower → leader order id → what was done with its fills, oldest first. */
  private readonly byFollower = new Map<string, Map<number, Handled>>();
  /** follower → leader orders whose mirrors were counted for more than they filled so far. */
  private readonly toFill = new Map<string, Set<number>>();

  constructor(private readonly kept: number) {}

  get(follower: string, leaderOrderId: number): Handled | undefined {
    return this.byFollower.get(follower)?.get(leaderOrderId);
  }

  /** The follower's records, oldest first. */
  of(follower: string): Iterable<[number, Handled]> {
    return this.byFollower.get(follower) ?? [];
  }

  /** The leader orders whose mirrors have more to fill than they have. */
  toFillOf(follower: string): Iterable<number> {
    return this.toFill.get(follower) ?? [];
  }

  /** Keeps `toFill` to the orders whose mirrors have more to fill than they have. */
  track(follower: string, leaderOrderId: number, h: Handled): void {
    const ids = this.toFill.get(follower);
    if (Math.abs(h.counted) <= Math.abs(h.filled)) ids?.delete(leaderOrderId);
    else if (ids) ids.add(leaderOrderId);
    else this.toFill.set(follower, new Set([leaderOrderId]));
  }

  /** The record of one leader order for a follower; a leader fill of it names its contract and fill. */
  record(follower: string, leaderOrderId: number, fill?: FillEvent): Handled {
    let orders = this.byFollower.get(follower);
    if (!orders) {
      orders = new Map();
      this.byFollower.set(follower, orders);
    }
    let h = orders.get(leaderOrderId);
    if (!h) {
      h = {
        leaderContract: undefined,
        contract: undefined,
        answered: false,
        copied: 0,
        fillId: 0,
        counted: 0,
        filled: 0,
        settled: false,
      };
      orders.set(leaderOrderId, h);
      if (orders.size > this.kept) {
        const oldest = orders.keys().next().value as number;
        orders.delete(oldest);
        this.toFill.get(follower)?.delete(oldest);
      }
    }
    if (fill) {
      h.leaderContract = fill.contract;
      h.fillId = fill.fillId;
    }
    return h;
  }
}
