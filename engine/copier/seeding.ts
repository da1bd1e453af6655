import type { Config } from "../../data/schema.js";
import type { FillEvent } from "../types.js";
import type { ActedOn } from "./actedOn.js";
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
 *
 * A follower that changes leader (moved to another group, or its group's leader replaced) acts on
 * the new leader from its positions now, once they are known: a re-sync then makes up that
 * leader's exits the follower missed, as its copies would have done (ActedOn).
 */
export class Joins {
  /** Follower → the leader it follows. */
  private followers: ReadonlyMap<string, string> = new Map();
  private leaders: ReadonlySet<string> = new Set();

  update(
    config: Config,
    parts: {
      accounts: Pick<CopierAccounts, "route">;
      book: Pick<FollowerBook, "resetAccount">;
      orders: Pick<OrderTracker, "forget">;
      leaders: Pick<LeaderBook, "reset" | "held" | "isSynced">;
      acted: Pick<ActedOn, "restart">;
    },
  ): void {
    const before = { followers: this.followers, leaders: this.leaders };
    this.followers = new Map(config.groups.flatMap((g) => g.followers.map((f) => [f.account, g.leader])));
    this.leaders = new Set(config.groups.map((g) => g.leader));
    const joined = (name: string, was: { has(name: string): boolean }) => {
      const route = was.has(name) ? undefined : parts.accounts.route(name);
      return route?.session.positions(route.accountId);
    };
    for (const name of this.followers.keys()) {
      const positions = joined(name, before.followers);
      if (positions) parts.orders.forget(parts.book.resetAccount(name, positions));
    }
    for (const name of this.leaders) {
      const positions = joined(name, before.leaders);
      if (positions) parts.leaders.reset(name, positions);
    }
    for (const [name, leader] of this.followers) {
      const was = before.followers.get(name);
      const at = parts.accounts.route(leader);
      if (was === undefined || was === leader || !at || !parts.leaders.isSynced(at.session.connection))
        continue;
      parts.acted.restart(name, leader, parts.leaders.held(leader));
    }
  }
}
