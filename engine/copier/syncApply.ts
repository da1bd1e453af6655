import type { Follower, Group } from "../../data/schema.js";
import type { Clock, EngineEvent, PositionSnapshot, SyncEvent, WorkingOrder } from "../types.js";
import type { FillDedupe } from "./fillDedupe.js";
import type { FollowerBook } from "./followerBook.js";
import type { LeaderBook } from "./leaderBook.js";
import type { LostOpenings } from "./lostOpenings.js";
import type { OrderTracker } from "./orderTracker.js";
import { openingDropped, stillWorking } from "./pendingExit.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierAccounts } from "./ports.js";
import type { Reconciler } from "./reconciler.js";
import { madeUpWords, type SyncWatch } from "./syncWatch.js";

export interface SyncParts {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<CopierAccounts, "nameAt" | "role" | "route">;
  leaders: Pick<LeaderBook, "markSynced" | "reset" | "isSynced" | "held" | "generation">;
  dedupe: Pick<FillDedupe, "history">;
  book: Pick<FollowerBook, "resetAccount" | "position" | "isSynced">;
  orders: Pick<OrderTracker, "forget" | "takeUnanswered">;
  exits: Pick<PendingExits, "resynced">;
  lost: Pick<LostOpenings, "resynced">;
  reconciler: Pick<Reconciler, "run" | "uncertain" | "snapshot">;
  watch: Pick<SyncWatch, "leaderResynced" | "followerResynced" | "recheck">;
}

/**
 * A sync snapshot (a start, a reconnect, a superseded session's new login) is the whole truth for
 * its accounts: the leader book and the follower book restart from it, and a follower's pending
 * exits and orders in flight end. Then what the followers missed is made up from the snapshot (the
 * reconciler: exits by default; a line whose orders' answers were lost or whose exit was pending,
 * from where the follower stands) and, after a reconnect, lines that still differ show OUT OF
 * SYNC. A leader's snapshot looks at every follower of its group; a follower's at itself.
 */
export function applySync(event: SyncEvent, parts: SyncParts): void {
  parts.reconciler.snapshot(event);
  parts.leaders.markSynced(event.connection);
  parts.dedupe.history(event.connection, event.fillIds);
  const leadersSynced: Group[] = [];
  /** Leaders whose login was only renewed for an added account, and that traded meanwhile. */
  const traded = new Set<string>();
  /** Leaders read again between connects: where their positions differ from the fills seen. */
  const moved = new Map<string, Array<{ contract: string; had: number; now: number }>>();
  const followersSynced: { group: Group; follower: Follower }[] = [];
  for (const account of event.accounts) {
    const name = parts.accounts.nameAt(event.connection, account.id);
    const role = name === undefined ? undefined : parts.accounts.role(name);
    if (!role) continue;
    const positions = event.positions.filter((p) => p.accountId === account.id);
    if (role.kind === "leader") {
      // Read again after it was known: where it stands against the fills seen. One never read
      // before (unreadable at the connect) has nothing to differ from: it re-syncs as at a reconnect.
      if (event.reread && parts.leaders.generation(role.group.leader) > 0)
        moved.set(role.group.leader, movedLines(parts.leaders.held(role.group.leader), positions));
      parts.leaders.reset(role.group.leader, positions);
      if (event.fills?.some((f) => f.accountId === account.id)) traded.add(role.group.leader);
      leadersSynced.push(role.group);
    } else {
      const follower = role.follower.account;
      parts.orders.forget(parts.book.resetAccount(follower, positions));
      const pending = parts.exits.resynced(follower);
      // A lost opening's held steps, sized from where the snapshot has the follower.
      const held = parts.lost.resynced(role.follower, (contract) => parts.book.position(follower, contract));
      for (const [contract, goal] of held)
        if (pending.get(contract) === undefined) pending.set(contract, goal);
      const working = parts.accounts.route(follower)?.session.workingOrders(account.id) ?? [];
      const unanswered = parts.orders.takeUnanswered(follower, working);
      const uncertain = uncertainLines(unanswered, [...pending.keys()], working);
      // An opening held for this snapshot on a line where our order whose answer was lost is still
      // working (a market order resting in the halt) is not sent: that order may yet fill, and one
      // beside it would double it. Nor is it held on until that order is final: the snapshot let
      // go of the order (mimik no longer follows it), it may rest the whole session, and the
      // line's later exits must not wait behind it. The trader is told what waited; the line stays
      // OUT OF SYNC, and `r` goes once that order is gone (manualResync's answerLost refusal).
      for (const [contract, held] of pending)
        if (held !== undefined && !uncertain.has(contract)) {
          const has = parts.book.position(follower, contract);
          const message = openingDropped(follower, contract, stillWorking(follower, has, held.goal));
          parts.emit({
            type: "alert",
            at: parts.clock.now(),
            level: "warn",
            message,
            follower,
            group: role.group.name,
          });
        }
      parts.reconciler.uncertain(follower, uncertain, pending);
      followersSynced.push(role);
    }
  }
  const start = event.initial ? "mimik started: " : "";
  for (const group of leadersSynced) {
    // A shadow follower is never sent anything, a made-up exit neither.
    const live = group.followers.filter((f) => !f.shadow);
    parts.reconciler.run(group, live, `${start}leader ${group.leader} synced`, event.connection);
    const renewed = event.forAddedAccounts ? { traded: traded.has(group.leader) } : undefined;
    const lines = moved.get(group.leader);
    if (lines) readAgain(group, lines, parts);
    else if (!event.initial) parts.watch.leaderResynced(group, renewed);
    // At a start, what was missed while mimik was stopped shows too (no "reconnected" alert): each
    // follower whose own snapshot is in, the others at theirs.
    else for (const f of live) if (parts.book.isSynced(f.account)) parts.watch.followerResynced(group, f);
  }
  for (const { group, follower } of followersSynced) {
    if (follower.shadow) continue;
    const withLeader = leadersSynced.includes(group);
    if (!withLeader)
      parts.reconciler.run(group, [follower], `${start}${follower.account} synced`, event.connection);
    // With its leader in the same snapshot, the leader's re-sync has looked at it already.
    if (!withLeader && (!event.initial || leaderSynced(group, parts.leaders, parts.accounts)))
      parts.watch.followerResynced(group, follower);
  }
}

/** The group's leader's login has sent its snapshot: its positions are known. */
export function leaderSynced(
  group: Group,
  leaders: Pick<LeaderBook, "isSynced">,
  accounts: Pick<CopierAccounts, "route">,
): boolean {
  const at = accounts.route(group.leader)?.session.connection;
  return at !== undefined && leaders.isSynced(at);
}

/**
 * Lines where what the follower acted on may not say where it should go: an order of ours on it
 * had its answer lost, or an exit was pending. Less those where one of those orders is still
 * working at the broker: it may yet fill, and the reconcile must not send an exit beside it.
 */
function uncertainLines(
  unanswered: ReadonlyMap<string, string>,
  pending: readonly string[],
  working: readonly WorkingOrder[],
): Set<string> {
  const lines = new Set([...unanswered.values(), ...pending]);
  for (const w of working) {
    const contract = w.clOrdId === undefined ? undefined : unanswered.get(w.clOrdId);
    if (contract !== undefined) lines.delete(contract);
  }
  return lines;
}

/** The lines where a leader's positions read again differ from what its fills gave. */
function movedLines(had: ReadonlyMap<string, number>, positions: readonly PositionSnapshot[]) {
  const now = new Map<string, number>();
  for (const p of positions) now.set(p.contract, (now.get(p.contract) ?? 0) + p.netPos);
  const contracts = new Set([...had.keys(), ...now.keys()]);
  return [...contracts]
    .map((contract) => ({ contract, had: had.get(contract) ?? 0, now: now.get(contract) ?? 0 }))
    .filter((l) => l.had !== l.now);
}

/**
 * A leader's account read again between connects (asked by the leader guard, or after it could
 * not be read): its login never went away, so no "reconnected". A position its fills did not give
 * (a trade told late, now history, or never) is said as the guard says it; followers get a look.
 */
function readAgain(group: Group, lines: ReturnType<typeof movedLines>, parts: SyncParts): void {
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  for (const { contract, had, now } of lines)
    parts.emit({
      type: "alert",
      at: parts.clock.now(),
      level: "error",
      message: `leader ${group.leader} ${contract}: read again, the broker says ${signed(now)}, mimik had ${signed(had)} from the fills it saw (a trade told late or missed); its next fills step from ${signed(now)}; ${madeUpWords(group)}: followers of group "${group.name}" may be out of step, check the rows marked OUT OF SYNC and resync them with r (mimik resync under headless)`,
      group: group.name,
    });
  parts.watch.recheck(group);
}
