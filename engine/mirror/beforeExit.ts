import type { FollowerOrders } from "./followerOrders.js";
import type { MirrorAccounts } from "./mirror.js";
import { MIRROR_REASONS } from "./reasons.js";
import { openIdsOf, positionIn } from "./scene.js";
import type { MirrorSender, Target } from "./sender.js";
import { sign } from "./types.js";

export interface BeforeExitParts {
  accounts: Pick<MirrorAccounts, "role" | "route">;
  orders: Pick<FollowerOrders, "hasLive" | "held">;
  sender: Pick<MirrorSender, "cancel">;
  /** Look at the follower again (its set may be placed anew for what it holds after the exit). */
  touch(follower: string): void;
}

/**
 * Cancel before close (issue 14): an exit is about to be copied to the follower in `contract` (its
 * own, mapped): its exit orders there, and mirrors of leader orders no longer open, are cancelled
 * now, written before the exit on the follower's lane. Nothing to do (and nothing read) when it
 * holds no mirror order. The mirrors of the leader orders `answering` are kept, with their OCO
 * partners: the copier counts on them to close part of the line (the order whose fill is copied,
 * earlier ones not filled yet), and copies the rest.
 */
export function cancelBeforeExit(
  parts: BeforeExitParts,
  follower: string,
  contract: string,
  answering?: readonly number[],
): void {
  if (!parts.orders.hasLive(follower)) return;
  const role = parts.accounts.role(follower);
  const route = parts.accounts.route(follower);
  if (role?.kind !== "follower" || !route) return;
  const F = positionIn(route, contract);
  const open = route.session.workingOrders(route.accountId);
  const leaderOpen = openIdsOf(parts.accounts.route(role.group.leader));
  const t: Target = { group: role.group.name, follower, route, contract };
  const held = parts.orders.held(follower, route.accountId, open);
  // A kept mirror's OCO partner stays too: cancelling one leg takes the other with it.
  const kept = new Set(held.filter((h) => answering?.includes(h.leaderId)).map((h) => h.set));
  for (const h of held) {
    if (h.contract !== contract || kept.has(h.set)) continue;
    const exit = F === 0 || sign(h.side) === -Math.sign(F);
    if (exit || !leaderOpen.has(h.leaderId)) parts.sender.cancel(t, h, MIRROR_REASONS.cancelBeforeExit);
  }
  parts.touch(follower);
}
