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

  /**
   * An opening that waited went for these leader orders: those not counted yet are now, and are
   * the trades it makes (a held later fill of an order counted is that same trade). One with no
   * order (made up at a re-sync) is one trade of its own.
   */
  fresh(follower: string, leaderOrderIds: readonly number[] = []): Array<number | undefined> {
    if (leaderOrderIds.length === 0) return [undefined];
    const fresh = leaderOrderIds.filter((id) => !this.has(follower, id));
    for (const id of fresh) this.add(follower, id);
    return fresh;
  }

  /** The orders counted before a restart (the state file's): their later fills are the same trades. */
  seed(counted: Iterable<readonly [string, readonly number[]]>): void {
    for (const [follower, ids] of counted) for (const id of ids) this.add(follower, id);
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
