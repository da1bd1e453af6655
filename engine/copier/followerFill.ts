import type { Follower, Group } from "../../data/schema.js";
import type { FillEvent } from "../types.js";
import type { FollowerBook } from "./followerBook.js";
import type { MirrorAnswers } from "./mirrorAnswers.js";
import type { OrderTracker } from "./orderTracker.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierAccounts } from "./ports.js";
import type { Reconciler } from "./reconciler.js";
import { seedFollower } from "./seeding.js";
import type { SyncWatch } from "./syncWatch.js";

export interface FollowerFillParts {
  accounts: Pick<CopierAccounts, "role" | "route">;
  book: FollowerBook;
  orders: Pick<OrderTracker, "followerFill" | "answeredLate">;
  watch: Pick<SyncWatch, "changed" | "followerResynced">;
  exits: Pick<PendingExits, "changed">;
  answers: Pick<MirrorAnswers, "afterFill">;
  reconciler: Pick<Reconciler, "uncertain" | "run">;
}

/**
 * A fill on a follower account (seen once): it moves the follower's position, ends our order's
 * story if it is ours, and the line's OUT OF SYNC, pending exit and mirror hear of it.
 *
 * A late fill (of an order of ours whose answer was lost, let go of by the snapshot that was to
 * settle its line, and done by the broker only after: ProjectX carrying the request out seconds
 * after mimik's timeout and its re-read, a market order resting in the halt) was judged without
 * by that snapshot's reconcile: a close was sent again, or an opening left OUT OF SYNC. The fill
 * is the truth now: the line is taken again from where the follower stands, as an uncertain line
 * at a re-sync (exits only: flat when its leader is, down to the rule when it holds more), and
 * what still differs shows OUT OF SYNC with the numbers as they are. Before, a close done twice
 * left the follower short with nothing said: no line was out of sync before that fill.
 */
export function followerFill(
  role: { group: Group; follower: Follower },
  event: FillEvent,
  parts: FollowerFillParts,
): void {
  const name = role.follower.account;
  seedFollower(parts.book, parts.accounts, name, event.contract);
  const late = parts.orders.followerFill(name, event);
  parts.watch.changed(name, event.contract);
  parts.exits.changed(name, event.contract);
  parts.answers.afterFill(role, event);
  if (!late) return;
  const route = parts.accounts.route(name);
  if (route) parts.orders.answeredLate(name, late.clOrdId, route.session.workingOrders(route.accountId));
  if (role.follower.shadow) return;
  parts.reconciler.uncertain(name, new Set([late.contract]));
  const cause = `an order of ${name}'s on ${late.contract} filled after the snapshot that settled it`;
  parts.reconciler.run(role.group, [role.follower], cause, "");
  parts.watch.followerResynced(role.group, role.follower);
}
