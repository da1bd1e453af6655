import type { AccountRole } from "../accounts/directory.js";
import type { AlertEvent, CopyKind, EpochMs, ExitPendingEvent, MonoMs } from "../types.js";
import { openingGate } from "./gates.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import type { CopierAccounts, FollowerGate } from "./ports.js";

/** One exit that failed and is tried again until the follower is where the rule says. */
export interface PendingExit {
  group: string;
  follower: string;
  contract: string;
  leaderContract: string;
  /** Where the copy rule wants the follower (its latest word: a later leader fill moves it). */
  goal: number;
  /** The leader position the follower had acted on before this exit (what a restart goes back to). */
  base: number;
  /** The leader position the goal answers (acted on once the exit is done). */
  leaderAfter: number;
  /** The goal holds a leader step's opening that waited for our order on its way (tryDelta). */
  opens: boolean;
  /** The leader orders whose openings the goal holds: their trade is counted once, when it goes. */
  orderIds: number[];
  kind: CopyKind;
  fillId: number;
  reason: string;
  attempts: number;
  delayMs: number;
  nextAt: EpochMs | undefined;
  /**
   * When one of the line's orders lost its answer (it may have filled unheard): no try goes until
   * the account's next snapshot, which ends the entry, or the backoff's cap has passed.
   */
  lostAt: EpochMs | undefined;
  timer: unknown;
}

/** The goal holds the opening of a leader step of order `orderId`, which waited. */
export function holdOpening(e: PendingExit, orderId: number): void {
  e.opens = true;
  if (!e.orderIds.includes(orderId)) e.orderIds.push(orderId);
}

/** An order of ours for the line whose answer was lost is still working at the broker. */
export function unheardWorking(
  deps: { accounts: Pick<CopierAccounts, "route">; orders: Pick<OrderTracker, "unheardWorking"> },
  follower: string,
  contract: string,
): boolean {
  const route = deps.accounts.route(follower);
  if (!route) return false;
  return deps.orders.unheardWorking(follower, contract, route.session.workingOrders(route.accountId));
}

/** The goal holds no opening (any more): only the exit goes. */
export function noOpening(e: PendingExit): void {
  e.opens = false;
  e.orderIds = [];
}

/** One entry per follower and contract. */
export function key(follower: string, contract: string): string {
  return `${follower}\u0000${contract}`;
}

/** A try's order, for a follower holding `has`: an exit of the leader move the entry answers. */
export function retryMeta(e: PendingExit, has: number, startedAt: MonoMs): OrderMeta {
  return {
    group: e.group,
    follower: e.follower,
    fillId: e.fillId,
    contract: e.contract,
    kind: e.kind,
    side: e.goal > has ? "Buy" : "Sell",
    startedAt,
    exit: true,
    leaderContract: e.leaderContract,
    leaderBefore: e.base,
    leaderAfter: e.leaderAfter,
  };
}

/** The entry as the trader sees it: pending (and when it tries next) or ended, and why. */
export function pendingEvent(e: PendingExit, pending: boolean, has: number, at: EpochMs): ExitPendingEvent {
  return {
    type: "exitPending",
    at,
    group: e.group,
    follower: e.follower,
    contract: e.contract,
    pending,
    has,
    goal: e.goal,
    reason: e.reason,
    attempts: e.attempts,
    nextTryAt: pending ? e.nextAt : undefined,
  };
}

/** An alert on the entry's follower. */
export function exitAlert(
  e: PendingExit,
  level: AlertEvent["level"],
  message: string,
  at: EpochMs,
): AlertEvent {
  return { type: "alert", at, level, message, follower: e.follower, group: e.group };
}

/**
 * The trader's word before a try: it ends the tries (`stop`: the follower left the group, a failed
 * exit of a follower switched off, a flatten), or only the opening the entry holds (`drop`: an
 * opening gate holds it back now, as it would a live copy's: the group paused, the follower
 * switched off or locked …). Switched off or paused, a follower still closes what its leader
 * closed: one that only waited for our orders in flight is the copy itself, late; stopped with
 * its opening, the follower would keep what its leader closed.
 */
export function tryVerdict(
  e: PendingExit,
  role: AccountRole | undefined,
  gate: FollowerGate,
): { stop: { reason: string; acted: boolean } } | { drop: string } | undefined {
  if (role?.kind !== "follower" || role.group.name !== e.group)
    return { stop: { reason: "no longer a follower of the group", acted: false } };
  if (!role.follower.enabled && e.attempts > 0)
    return { stop: { reason: "stopped: the follower was switched off", acted: true } };
  // Not acted on: should a hand unlock stop the flatten, what this exit owed is made up after it.
  if (gate.state === "LIQUIDATE_ONLY")
    return { stop: { reason: "stopped: the flatten took over", acted: false } };
  if (!e.opens) return undefined;
  const held = openingGate({
    groupActive: role.group.active,
    followerEnabled: role.follower.enabled,
    state: gate.state,
    brokerLocked: gate.brokerLocked ?? false,
    pricesStale: gate.pricesStale,
    window: gate.window,
    whitelist: role.group.whitelist,
    leaderContract: e.leaderContract,
  });
  return held === undefined ? undefined : { drop: held };
}

/** A leader step's opening that waited (for our order on its way, or a snapshot) will not be sent, and why. */
export function openingDropped(follower: string, contract: string, why: string): string {
  return `${follower}: the opening on ${contract} that waited is not sent: ${why}`;
}

/**
 * Why an opening held for the snapshot is not sent when our order whose answer was lost is still
 * working on its line: what it would have done (`has` to `goal`), and what the trader can do.
 */
export function stillWorking(follower: string, has: number, goal: number): string {
  return `our order for it whose answer was lost is still working at the broker and may yet fill (the held leader steps would take ${follower} from ${signed(has)} to ${signed(goal)}); cancel it or let it fill, then resync`;
}

/** A failed try, as the backoff grows: where the follower is, where the rule wants it, what comes next. */
export function failedWords(e: PendingExit, has: number, delayMs: number): string {
  const next = e.lostAt === undefined ? `in ${Math.round(delayMs / 1000)} s` : "after the account's snapshot";
  return `${e.follower}: exit on ${e.contract} (has ${signed(has)}, rule says ${signed(e.goal)}) failed: ${e.reason}; try ${e.attempts + 1} ${next}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
