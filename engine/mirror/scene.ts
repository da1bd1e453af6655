/**
 * What one look at one follower works with: its group, where it and its leader live, the leader's
 * open orders by contract, and what the look finds out on the way (leader orders not mirrored,
 * when to look again). Read from the sessions at the start of the look.
 */
import type { Group } from "../../data/schema.js";
import type { AccountRoute, EpochMs } from "../types.js";
import { leaderOrderOf } from "./leaderOrders.js";
import type { NotMirrored } from "./screenLines.js";
import { SharedLines } from "./sharedLine.js";
import type { LeaderOrder } from "./types.js";

export interface Scene {
  group: Group;
  follower: string;
  route: AccountRoute;
  leaderRoute: AccountRoute;
  /** The leader's open orders (terms known) by contract name. */
  leaderOpen: Map<string, LeaderOrder[]>;
  /** Every open leader order's id, terms known or not. */
  openIds: Set<number>;
  now: EpochMs;
  skips: NotMirrored[];
  /** Follower contracts where an order to take away is still unanswered: nothing is placed there yet. */
  unanswered: Set<string>;
  /** How the leader contracts that share a follower line share its exits (sharedLine.ts). */
  lines: SharedLines;
  recheckAt?: EpochMs | undefined;
}

export function readScene(
  group: Group,
  follower: string,
  route: AccountRoute,
  leaderRoute: AccountRoute,
  now: EpochMs,
): Scene {
  const leaderOpen = new Map<string, LeaderOrder[]>();
  const openIds = new Set<number>();
  for (const o of leaderRoute.session.workingOrders(leaderRoute.accountId)) {
    const lo = leaderOrderOf(o);
    openIds.add(o.orderId);
    if (!lo || !o.contract) continue;
    const list = leaderOpen.get(o.contract);
    if (list) list.push(lo);
    else leaderOpen.set(o.contract, [lo]);
  }
  const lines = new SharedLines(
    group.followers.find((f) => f.account === follower),
    group.whitelist,
    leaderRoute,
  );
  return {
    group,
    follower,
    route,
    leaderRoute,
    leaderOpen,
    openIds,
    now,
    skips: [],
    unanswered: new Set(),
    lines,
  };
}

/** The leader contract of an open leader order, if it is one. */
export function openContractOf(scene: Scene, leaderId: number): string | undefined {
  for (const [contract, orders] of scene.leaderOpen)
    if (orders.some((o) => o.id === leaderId)) return contract;
  return undefined;
}

/** The ids of every open order of the leader's (none while it cannot be seen). */
export function openIdsOf(leaderRoute: AccountRoute | undefined): Set<number> {
  return new Set(leaderRoute?.session.workingOrders(leaderRoute.accountId).map((o) => o.orderId) ?? []);
}

/** Look again at `at` (the earliest asked for wins). */
export function later(scene: Scene, at: EpochMs): void {
  scene.recheckAt = Math.min(scene.recheckAt ?? at, at);
}

export function positionIn(route: AccountRoute, contract: string): number {
  return route.session.positions(route.accountId).find((p) => p.contract === contract)?.netPos ?? 0;
}
