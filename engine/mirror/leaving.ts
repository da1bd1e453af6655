import type { Group } from "../../data/schema.js";
import type { Clock, EngineEvent } from "../types.js";
import type { FollowerOrders } from "./followerOrders.js";
import type { MirrorAccounts } from "./mirror.js";
import { MIRROR_REASONS } from "./reasons.js";
import type { MirrorSender } from "./sender.js";

export interface LeavingParts {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<MirrorAccounts, "route">;
  orders: Pick<FollowerOrders, "held">;
  sender: Pick<MirrorSender, "cancel">;
}

/**
 * An account no longer a follower (taken out of its group, or made a leader) has what mimik
 * mirrored on it taken away, as a group that stops mirroring does: tied to no leader order now,
 * a stop left working would be moved by no one, could open a position on an account flattened by
 * hand, and on a new leader would be a leader fill copied to its followers. Called while the
 * leader guard still knows the account as a follower. A placement not answered yet has no order
 * id to cancel: the trader is told to look.
 */
export function takeAwayMirrors(parts: LeavingParts, group: Group, follower: string): void {
  const route = parts.accounts.route(follower);
  if (!route) return;
  const open = route.session.workingOrders(route.accountId);
  const unsure: string[] = [];
  for (const h of parts.orders.held(follower, route.accountId, open)) {
    if (h.busy === "cancelling") continue;
    if (h.orderId === undefined) unsure.push(`${h.orderType} ${h.side} ${h.qty} ${h.contract}`);
    else
      parts.sender.cancel(
        { group: group.name, follower, route, contract: h.contract },
        h,
        MIRROR_REASONS.notFollower,
      );
  }
  if (unsure.length === 0) return;
  parts.emit({
    type: "alert",
    at: parts.clock.now(),
    level: "warn",
    message: `${follower} left group "${group.name}" while mimik was placing ${unsure.join(", ")} on it: cancel it by hand if it is working`,
    follower,
    group: group.name,
  });
}
