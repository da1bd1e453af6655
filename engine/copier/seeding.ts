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
 * Accounts that join with a config change: a follower put back in a group, a leader of a new
 * group or a group's new leader. While an account has no role its fills and position reports are
 * not followed, so what the books held of it is stale (a trade by hand meanwhile), and a follower's
 * exit, or a leader's step, sized from it could open a position. Its book restarts from its
 * session's positions, as at a snapshot of its own; one not reachable yet is seeded at first look.
 */
export class Joins {
  private followers: ReadonlySet<string> = new Set();
  private leaders: ReadonlySet<string> = new Set();

  update(
    config: Config,
    parts: {
      accounts: Pick<CopierAccounts, "route">;
      book: Pick<FollowerBook, "resetAccount">;
      orders: Pick<OrderTracker, "forget">;
      leaders: Pick<LeaderBook, "reset">;
    },
  ): void {
    const before = { followers: this.followers, leaders: this.leaders };
    this.followers = new Set(config.groups.flatMap((g) => g.followers.map((f) => f.account)));
    this.leaders = new Set(config.groups.map((g) => g.leader));
    const joined = (name: string, was: ReadonlySet<string>) => {
      const route = was.has(name) ? undefined : parts.accounts.route(name);
      return route?.session.positions(route.accountId);
    };
    for (const name of this.followers) {
      const positions = joined(name, before.followers);
      if (positions) parts.orders.forget(parts.book.resetAccount(name, positions));
    }
    for (const name of this.leaders) {
      const positions = joined(name, before.leaders);
      if (positions) parts.leaders.reset(name, positions);
    }
  }
}
