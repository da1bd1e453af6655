import type { FillEvent } from "../types.js";
import type { FollowerBook } from "./followerBook.js";
import type { LeaderBook } from "./leaderBook.js";
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
