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
 * An account no longer a follower (taken out of its group, or made a leader) or made a shadow
 * (sent nothing, managed by no one) has what mimik mirrored on it taken away, as a group that
 * stops mirroring does: tied to no leader order now, a stop left working would be moved by no
 * one, could open a position on an account flattened by hand, and on a new leader would be a
 * leader fill copied to its followers. Called while the leader guard still knows the account as
 * a follower. A placement not answered yet has no order id to cancel: the trader is told to look.
 */
export function takeAwayMirrors(parts: LeavingParts, group: Group, follower: string, shadow: boolean): void {
  const route = parts.accounts.route(follower);
  if (!route) return;
  const open = route.session.workingOrders(route.accountId);
  const unsure: string[] = [];
  const cancelled: string[] = [];
  const reason = shadow ? MIRROR_REASONS.shadowNow : MIRROR_REASONS.notFollower;
  for (const h of parts.orders.held(follower, route.accountId, open)) {
    if (h.busy === "cancelling") continue;
    const what = `${h.orderType} ${h.side} ${h.qty} ${h.contract}`;
    if (h.orderId === undefined) unsure.push(what);
    else {
      cancelled.push(what);
      parts.sender.cancel({ group: group.name, follower, route, contract: h.contract }, h, reason);
    }
  }
  const warn = (message: string) =>
    parts.emit({ type: "alert", at: parts.clock.now(), level: "warn", message, follower, group: group.name });
  // A shadow keeps its position: the trader is told it lost the stops mimik kept on it.
  if (shadow && cancelled.length > 0)
    warn(
      `${follower} is a shadow follower now, so mimik manages nothing on it: it cancelled what it mirrored there (${cancelled.join(", ")}); protect its position yourself`,
    );
  const left = shadow ? "became a shadow follower" : `left group "${group.name}"`;
  if (unsure.length > 0)
    warn(
      `${follower} ${left} while mimik was placing ${unsure.join(", ")} on it: cancel it by hand if it is working`,
    );
}
