import type { Follower, Group } from "../../data/schema.js";
import type { FillEvent, OrderStatusEvent, PositionEvent } from "../types.js";
import type { FollowerBook } from "./followerBook.js";
import type { MirrorAnswers } from "./mirrorAnswers.js";
import type { LateOrder, OrderTracker } from "./orderTracker.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierAccounts } from "./ports.js";
import type { Reconciler } from "./reconciler.js";
import { seedFollower } from "./seeding.js";
import type { SyncWatch } from "./syncWatch.js";

export interface FollowerEventParts {
  accounts: Pick<CopierAccounts, "nameAt" | "role" | "route">;
  book: FollowerBook;
  orders: Pick<OrderTracker, "followerFill" | "orderStatus" | "answeredLate">;
  watch: Pick<SyncWatch, "changed" | "followerResynced">;
  exits: Pick<PendingExits, "changed">;
  answers: Pick<MirrorAnswers, "afterFill" | "leaderOrderEnded">;
  reconciler: Pick<Reconciler, "uncertain" | "run">;
}

/** A position report of a follower account: the book adopts it if it covers the fills seen. */
export function followerPosition(event: PositionEvent, parts: FollowerEventParts): void {
  const { accountId, contract, netPos, volume } = event.position;
  const name = parts.accounts.nameAt(event.connection, accountId);
  if (name === undefined || parts.accounts.role(name)?.kind !== "follower") return;
  parts.book.report(name, contract, netPos, volume);
  parts.watch.changed(name, contract);
  parts.exits.changed(name, contract);
}

/**
 * A fill on a follower account (seen once): it moves the follower's position, ends our order's
 * story if it is ours, and the line's OUT OF SYNC, pending exit and mirror hear of it.
 */
export function followerFill(
  role: { group: Group; follower: Follower },
  event: FillEvent,
  parts: FollowerEventParts,
): void {
  const name = role.follower.account;
  seedFollower(parts.book, parts.accounts, name, event.contract);
  const late = parts.orders.followerFill(name, event);
  parts.watch.changed(name, event.contract);
  parts.exits.changed(name, event.contract);
  parts.answers.afterFill(role, event);
  if (late) settleLate(late, parts);
}

/** A broker order status: one of ours ended (rejected, cancelled, expired), maybe late. */
export function orderStatus(event: OrderStatusEvent, parts: FollowerEventParts): void {
  const late = parts.orders.orderStatus(event);
  if (late) settleLate(late, parts);
  if (ENDED_UNFILLED.has(event.status)) leaderOrderEnded(event, parts);
}

/** How an order ends without filling all of it. */
const ENDED_UNFILLED = new Set(["Canceled", "Expired", "Rejected"]);

/** A leader's order ended: a follower's mirror of it may have filled where the leader's did not. */
function leaderOrderEnded(event: OrderStatusEvent, parts: FollowerEventParts): void {
  const name = parts.accounts.nameAt(event.connection, event.accountId);
  const role = name === undefined ? undefined : parts.accounts.role(name);
  if (role?.kind !== "leader" || name === undefined) return;
  const contract = event.contract ?? parts.accounts.route(name)?.session.contractById(event.contractId)?.name;
  if (contract !== undefined)
    parts.answers.leaderOrderEnded(role.group, event.orderId, contract, event.filledQty);
}

/**
 * An order of ours whose answer was lost, let go of by the snapshot that was to settle its line,
 * was done by the broker only after (ProjectX carrying the request out seconds after mimik's
 * timeout and its re-read; a market order resting in the halt, then filled or cancelled). That
 * snapshot's reconcile judged the line without it: a close was sent again, or an opening left OUT
 * OF SYNC, and `r` was refused while the order might still fill. Its fill or end is the truth now:
 * the line is taken again from where the follower stands, as an uncertain line at a re-sync (exits
 * only: flat when its leader is, down to the rule when it holds more), and what still differs
 * shows OUT OF SYNC with the numbers as they are. Before, a close done twice left the follower
 * short with nothing said: no line was out of sync before that fill.
 */
function settleLate(late: LateOrder, parts: FollowerEventParts): void {
  const { follower: name, contract } = late;
  const route = parts.accounts.route(name);
  if (route) parts.orders.answeredLate(name, late.clOrdId, route.session.workingOrders(route.accountId));
  const role = parts.accounts.role(name);
  if (role?.kind !== "follower" || role.follower.shadow) return;
  parts.reconciler.uncertain(name, new Set([contract]));
  const cause = `an order of ${name}'s on ${contract} was done after the snapshot that settled it`;
  parts.reconciler.run(role.group, [role.follower], cause, "");
  parts.watch.followerResynced(role.group, role.follower);
}
