import { RecentIds } from "../recentIds.js";

const ORDERS_PER_FOLLOWER = 1_000;

/**
 * The leader orders whose opening was already counted as a trade for each follower:
 * maxTradesPerDay counts a leader order once, however many fills it has. The ids are kept
 * unboxed (RecentIds): a leader order id is above 2^31, and every copy asks about one.
 */
export class CountedTrades {
  private readonly byFollower = new Map<string, RecentIds>();

  has(follower: string, leaderOrderId: number): boolean {
    return this.byFollower.get(follower)?.has(leaderOrderId) ?? false;
  }

  add(follower: string, leaderOrderId: number): void {
    let counted = this.byFollower.get(follower);
    if (!counted) {
      counted = new RecentIds(ORDERS_PER_FOLLOWER);
      this.byFollower.set(follower, counted);
    }
    counted.add(leaderOrderId);
  }
}
