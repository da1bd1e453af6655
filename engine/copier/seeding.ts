import type { Config } from "../../data/schema.js";
import type { FillEvent } from "../types.js";
import type { FollowerBook } from "./followerBook.js";
import type { LeaderBook } from "./leaderBook.js";
import type { OrderTracker } from "./orderTracker.js";
import type { CopierAccounts } from "./ports.js";

/** Before any snapshot of its connection, the session's cache is the best word on the leader. */
export function unsyncedLeaderPosition(
  leaders: Pick<LeaderBook, "isSynced">,
  accounts: Pick<CopierAccounts, "route">,
  event: FillEvent,
  leader: string,
): number {
  if (leaders.isSynced(event.connection)) return 0;
  const route = accounts.route(leader);
  return route?.session.positions(route.accountId).find((p) => p.contract === event.contract)?.netPos ?? 0;
}

/** First look at a follower contract: start from the session's cache (once it can be reached). */
export function seedFollower(
  book: FollowerBook,
  accounts: Pick<CopierAccounts, "route">,
  follower: string,
  contract: string,
): void {
  if (book.has(follower, contract)) return;
  const route = accounts.route(follower);
  if (!route) return;
  const found = route.session.positions(route.accountId).find((p) => p.contract === contract);
  book.seed(follower, contract, found?.netPos ?? 0, found?.volume);
}

/**
 * Followers that join with a config change (put back in a group, or a leader made a follower).
 * While an account is no follower its fills and position reports are not followed, so what the
 * book held of it is stale (a trade by hand meanwhile) and an exit sized from it could open a
 * position: its book restarts from its session's positions, as at a snapshot of its own. One not
 * reachable yet is seeded at its first look.
 */
export class Joins {
  private followers: ReadonlySet<string> = new Set();

  update(
    config: Config,
    parts: {
      accounts: Pick<CopierAccounts, "route">;
      book: Pick<FollowerBook, "resetAccount">;
      orders: Pick<OrderTracker, "forget">;
    },
  ): void {
    const before = this.followers;
    this.followers = new Set(config.groups.flatMap((g) => g.followers.map((f) => f.account)));
    for (const name of this.followers) {
      const route = before.has(name) ? undefined : parts.accounts.route(name);
      if (route) parts.orders.forget(parts.book.resetAccount(name, route.session.positions(route.accountId)));
    }
  }
}
