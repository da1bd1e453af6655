/**
 * What the keymap's disabledWhy and confirm questions look at, from the screen's view model and
 * the engine's snapshot: the selected group and follower, what `r` would send, what Enter reads.
 */
import type { Follower, Group } from "../../data/schema.js";
import type { ResyncPlan } from "../../engine/index.js";
import type { KeyContext } from "../screen/bindings.js";
import { heldText, resyncPreview, sendText } from "../screen/resyncPreview.js";
import { unfinishedWork } from "../screen/unfinishedWork.js";
import type { ScreenVM, SelectionVM } from "../screen/viewModel.js";
import type { EngineSnapshot } from "../store/engineStore.js";

/** What the keymap's disabledWhy and confirm texts look at. */
export function keyContext(vm: ScreenVM, snapshot: EngineSnapshot): KeyContext {
  const { config } = snapshot;
  const g = vm.groups[vm.selection.group];
  const f = vm.followers[vm.selection.follower];
  const live = f && snapshot.followers.get(f.account);
  return {
    selectedGroup: g
      ? { name: g.name, active: g.active, followerCount: g.followerCount, holding: holding(snapshot, g.name) }
      : undefined,
    selectedFollower: f
      ? {
          account: f.account,
          label: f.label,
          enabled: f.enabled,
          state: f.state,
          outOfSync: f.sync !== undefined,
          position: f.position,
          stateReason: f.stateReason,
          ...(f.sync ? resyncQuestion(snapshot, vm.selection) : {}),
          balanceKnown: live?.risk !== undefined,
        }
      : undefined,
    reading: readingOf(vm),
    unfinished: unfinishedWork(config, snapshot.followers),
    totalFollowers: config.groups.reduce((n, grp) => n + grp.followers.length, 0),
    groupCount: config.groups.length,
  };
}

/** Followers of the group the broker says hold a position: a delete leaves them open. */
function holding(snapshot: EngineSnapshot, group: string): number {
  const followers = snapshot.config.groups.find((grp) => grp.name === group)?.followers ?? [];
  return followers.filter((f) => snapshot.positions.get(f.account)?.some((p) => p.netPos !== 0)).length;
}

/** What Enter reads in full in the focused pane (KeyContext.reading). */
function readingOf(vm: ScreenVM): KeyContext["reading"] {
  const { focus } = vm.selection;
  if (focus === "fills") return vm.fills[vm.selection.fill];
  const alert = focus === "alerts" ? vm.alerts[vm.selection.alert] : undefined;
  return alert && `${alert.time} ${alert.level.toUpperCase()} ${alert.text}`;
}

/** What `r` would hold back for the selected follower, for its question. */
function resyncQuestion(
  snapshot: EngineSnapshot,
  selection: SelectionVM,
): Pick<NonNullable<KeyContext["selectedFollower"]>, "resyncHeld" | "resyncSends" | "resyncOrders"> {
  const group = snapshot.config.groups[selection.group];
  const follower = group?.followers[selection.follower];
  const plan = group && follower ? resyncForecast(snapshot, group, follower) : undefined;
  if (!plan) return {};
  const orders = sendText(plan.send) || undefined;
  if (plan.held.length === 0) return { resyncOrders: orders };
  return { resyncHeld: heldText(plan.held), resyncSends: plan.send.length > 0, resyncOrders: orders };
}

/**
 * What `r` would send and hold back for a follower, as the screen knows it (resyncPreview): its
 * out-of-sync lines as last announced, which count our orders in flight as the engine's resync
 * does. Undefined when the screen has heard nothing of the follower yet.
 */
export function resyncForecast(
  snapshot: EngineSnapshot,
  group: Group,
  follower: Follower,
): ResyncPlan | undefined {
  const live = snapshot.followers.get(follower.account);
  if (!live) return undefined;
  return resyncPreview({
    ...{ config: snapshot.config, group, follower, lines: live.outOfSync },
    ...{ state: live.state, reason: live.reason, pricesStale: live.pricesStale === true },
    window: snapshot.windows.get(group.name)?.held,
    ...{ tradesToday: live.risk?.tradesToday ?? 0, positions: snapshot.positions },
  });
}
