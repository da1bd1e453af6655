/**
 * What a group's config says about working orders (issue 14), with the defaults, and the gates
 * an opening mirrored for one follower must pass (the copier's: pause, lock, broker lock,
 * trading window, whitelist). Exits pass every gate: nothing here ever holds one back.
 */
import type { Follower, Group } from "../../data/schema.js";
import { openingGate } from "../copier/gates.js";
import type { FollowerGate } from "../copier/ports.js";
import type { LatePolicy } from "./late.js";
import type { MirrorMode } from "./types.js";

export const LATE_DEFAULTS = { afterSeconds: 5, entries: "market" as LatePolicy };

/** The group's mirror mode; undefined when it copies fills only. */
export function modeOf(group: Group): MirrorMode | undefined {
  if (group.copy === "orders") return "mirror";
  return group.protect === true ? "protect" : undefined;
}

export function lateOf(group: Group): { afterMs: number; entries: LatePolicy } {
  return {
    afterMs: (group.late?.afterSeconds ?? LATE_DEFAULTS.afterSeconds) * 1000,
    entries: group.late?.entries ?? LATE_DEFAULTS.entries,
  };
}

/** Why an opening mirrored to this follower must wait now (the copier's opening gate); undefined when it may go. */
export function entriesHeld(
  group: Group,
  follower: Follower,
  gate: FollowerGate,
  leaderContract: string,
): string | undefined {
  return openingGate({
    groupActive: group.active,
    followerEnabled: follower.enabled,
    state: gate.state,
    brokerLocked: gate.brokerLocked ?? false,
    pricesStale: gate.pricesStale,
    window: gate.window,
    whitelist: group.whitelist,
    leaderContract,
  });
}
