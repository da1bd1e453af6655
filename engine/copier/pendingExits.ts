import type { Clock, EngineEvent, EpochMs, Logger, Side, SkipReason } from "../types.js";
import { RECONCILE_REASON, SKIP_REASONS } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import {
  afterLostAnswer,
  backoffGrew,
  EXIT_BACKOFF,
  type ExitBackoff,
  exitRetryDelay,
  tryDelta,
} from "./exitRetry.js";
import type { FollowerBook } from "./followerBook.js";
import type { HeldGoal } from "./lostOpenings.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import {
  exitAlert,
  failedWords,
  holdOpening,
  key,
  noOpening,
  openingDropped,
  type PendingExit,
  pendingEvent,
  retryMeta,
  tryVerdict,
  unheardWorking,
} from "./pendingExit.js";
import type { CopierAccounts, FollowerGate } from "./ports.js";
import { LEADER_LEFT_SIDE } from "./reconcileStep.js";
import { closesSome, reduces } from "./sizing.js";
import { besideCancellingMirror, knownAgain, type TryWaitHooks } from "./tryWaits.js";

export interface PendingExitsDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<CopierAccounts, "role" | "route" | "connected">;
  gate(follower: string): FollowerGate;
  book: Pick<FollowerBook, "position" | "busy">;
  acted: Pick<ActedOn, "set" | "revert">;
  /** Until when the follower's broker asked us to wait (a penalty, a 429 lockout), if it did. */
  blockedUntil(follower: string): EpochMs | undefined;
  orders: Pick<OrderTracker, "unheardWorking">;
  /** Write one exit order now, with its story as events; false when it could not go. */
  send(meta: OrderMeta, delta: number, reason: string): boolean;
  /** An opening that waited was sent for these leader orders (each counts as one of the day's trades, once). */
  opened?(follower: string, orderIds: readonly number[]): void;
  /** A mirror of the follower's on the line and side is being cancelled (it may still fill). */
  mirrorCancels?(follower: string, contract: string, side: Side): boolean;
  /** The backoff (default 1 s … 30 s); its cap also bounds the wait after a lost answer. */
  backoff?: ExitBackoff | undefined;
  logger?: Logger | undefined;
}

/**
 * Exits that failed (issue 18 rule 3): a reducing or closing copy or a reconcile step that the
 * broker rejected, penalised, refused for budget, timed out or lost to a disconnect is tried again
 * with backoff (1 s, 2 s … 30 s, never sooner than the broker asked) until the follower is where
 * the rule says, or the trader acts: a flatten takes over, a disable or a manual trade ends it.
 * Openings never come here. One entry per follower and contract, and no try goes while another
 * order of ours for that line is live (FollowerBook.busy: a buy and a sell of ours live at once net
 * to 0 in flight), so two are never on their way at once; a try only ever reduces what the follower
 * holds (exitDelta).
 *
 * Entries live in memory: what a restart must still do is what the follower had not acted on
 * (ActedOn goes back to the entry's base), which the start's re-sync makes up.
 */
export class PendingExits {
  private readonly entries = new Map<string, PendingExit>();
  private readonly backoff: ExitBackoff;
  private readonly waits: TryWaitHooks = {
    waitFor: (e, reason) => this.waitFor(e, reason),
    dropOpening: (e, why) => this.dropOpening(e, why),
  };

  constructor(private readonly deps: PendingExitsDeps) {
    this.backoff = deps.backoff ?? EXIT_BACKOFF;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Hot path: where a pending exit wants the follower, if one is pending (a lookup only when any is). */
  goalOf(follower: string, contract: string): number | undefined {
    if (this.entries.size === 0) return undefined;
    return this.entries.get(key(follower, contract))?.goal;
  }

  /** The line's pending exit: where it takes the follower, for which leader position. */
  pendingFor(follower: string, contract: string): Readonly<PendingExit> | undefined {
    return this.entries.size === 0 ? undefined : this.entries.get(key(follower, contract));
  }

  /**
   * Must a copy of `delta` for a follower holding `has` wait: it closes some of what the follower
   * holds while an exit is pending with one of our orders for the line on its way (live in the
   * book: sent, not yet filled or dead; or its answer lost and the broker still working it)? An
   * opening or add sells nothing held: it goes at once, or the follower would miss it for good.
   */
  sending(follower: string, contract: string, has: number, delta: number): boolean {
    if (this.entries.size === 0 || !this.entries.has(key(follower, contract))) return false;
    if (!closesSome(has, delta)) return false;
    return (
      this.onItsWay(follower, contract) ||
      besideCancellingMirror(this.deps.mirrorCancels, follower, contract, has, delta)
    );
  }

  /**
   * Must a copy of `delta` for a follower holding `has` wait for the line's pending exit, and why?
   * After one of the line's orders lost its answer, every step waits for the account's snapshot
   * (an opening too: sized from a position the lost order may have moved, it could double); else
   * a step that leaves nothing to send, or one that would sell beside our order on its way.
   */
  waitReason(follower: string, contract: string, has: number, delta: number): SkipReason | undefined {
    const e = this.entries.size === 0 ? undefined : this.entries.get(key(follower, contract));
    if (!e) return undefined;
    if (afterLostAnswer(e.lostAt, this.deps.clock.now(), this.backoff.maxMs) === "wait")
      return SKIP_REASONS.lostAnswer;
    if (delta === 0 || this.sending(follower, contract, has, delta)) return SKIP_REASONS.exitPending;
    return undefined;
  }

  /**
   * Is one of our orders for the line on its way: live in the book, or its answer lost while the
   * broker still works it? Then no exit may go beside it.
   */
  onItsWay(follower: string, contract: string): boolean {
    return this.deps.book.busy(follower, contract) || unheardWorking(this.deps, follower, contract);
  }

  /**
   * A leader fill this follower acted on (sent, or skipped by a rule) moved the rule's word for a
   * line with a pending exit: the goal follows it. When `sent`, that copy's order is the line's one
   * on its way now; `opens`: the copy of leader order `opens` waited for ours on its way, and its
   * opening goes after it.
   */
  retarget(follower: string, contract: string, goal: number, after: number, sent: boolean, opens?: number) {
    const e = this.entries.get(key(follower, contract));
    if (!e) return;
    e.goal = goal;
    e.leaderAfter = after;
    // Not behind an order whose answer was lost: it may work for long, and openings are never late.
    if (opens !== undefined && !unheardWorking(this.deps, follower, contract)) holdOpening(e, opens);
    if (sent) this.clearTimer(e);
    else if (
      !this.deps.book.busy(follower, contract) &&
      tryDelta(this.deps.book.position(follower, contract), goal, e.opens) === 0
    ) {
      // The leader's move left nothing to do: ended right after this fan-out, not during it.
      this.schedule(e, 0);
    }
  }

  /**
   * One of our orders for a leader move failed (the order tracker says why; `remaining` is what it
   * had left to trade). The follower did not act on that move: ActedOn goes back to before it. If
   * what it left undone reduces the follower (a reduce, a close, a flip's closing half), the line
   * is pending and tried again later; an opening or add is never retried (nor one that waited).
   * `lost`: its answer was lost, so it may have filled unheard (afterLostAnswer).
   */
  failed(meta: OrderMeta, reason: string, remaining: number, lost = false): void {
    const { leaderContract } = meta;
    if (leaderContract === undefined) return;
    const { deps } = this;
    let e = this.entries.get(key(meta.follower, meta.contract));
    if (e) noOpening(e);
    if (e && lost) e.lostAt ??= deps.clock.now();
    if (e && !meta.exit) {
      // An opening (or a flip) of the line failed while its exit waits: the goal already has it,
      // and it is not the exit that failed; the next try looks again shortly.
      if (!deps.book.busy(e.follower, e.contract)) this.schedule(e, exitRetryDelay(1, 0, this.backoff));
      return;
    }
    if (!e) {
      // The book no longer counts this order: where it would have taken the follower is this.
      const goal = deps.book.position(meta.follower, meta.contract) + remaining;
      if (tryDelta(deps.book.position(meta.follower, meta.contract), goal, false) === 0) {
        deps.acted.revert(meta.follower, leaderContract, meta.leaderAfter ?? 0, meta.leaderBefore ?? 0);
        return;
      }
      e = this.open(meta, leaderContract, goal, reason);
      if (lost) e.lostAt = deps.clock.now();
    }
    e.attempts += 1;
    e.reason = reason;
    const { clock } = deps;
    const blocked = deps.blockedUntil(e.follower);
    const delay = exitRetryDelay(e.attempts, blocked === undefined ? 0 : blocked - clock.now(), this.backoff);
    const grew = backoffGrew(e.delayMs, delay);
    e.delayMs = delay;
    this.schedule(e, delay);
    this.tell(e, true);
    if (grew) {
      const has = deps.book.position(e.follower, e.contract);
      deps.emit(exitAlert(e, "warn", failedWords(e, has, delay), clock.now()));
    }
  }

  /**
   * An exit (a re-sync's, or a live copy's beside our opening on its way) for a line with our orders
   * still on their way (an opening among them may yet fail), or its step from where the line's
   * pending exit stands: taken over as a pending exit toward `goal`, tried once they are answered
   * (or, after a lost answer, settled by the snapshot), so it never sells what the follower may not
   * hold. `opens`: the step opens ("full"), or a flip's closing half crosses zero to its goal. An
   * opening the entry held goes on while the goal stays on its side; one the leader left unseen is
   * dropped, and the trader told. `reason`: what it waits for.
   */
  hold(meta: OrderMeta, goal: number, opens = false, reason = "waiting for our orders in flight"): void {
    const { leaderContract } = meta;
    if (leaderContract === undefined) return;
    let e = this.entries.get(key(meta.follower, meta.contract));
    if (!e) e = this.open(meta, leaderContract, goal, reason);
    else {
      const keeps = opens || Math.sign(goal) === Math.sign(e.goal);
      if (e.opens && !keeps) this.dropOpening(e, LEADER_LEFT_SIDE);
      e.goal = goal;
      e.leaderAfter = meta.leaderAfter ?? e.leaderAfter;
    }
    e.opens ||= opens;
    this.schedule(e, exitRetryDelay(1, 0, this.backoff));
    this.tell(e, true);
  }

  /** An exit order of the line was accepted: done if its fill came first, else its fill ends it. */
  accepted(meta: OrderMeta): void {
    if (this.entries.size === 0) return;
    this.changed(meta.follower, meta.contract);
  }

  /** A fill or a position on the line: done if the follower is there now, else try at once if due. */
  changed(follower: string, contract: string): void {
    if (this.entries.size === 0) return;
    const e = this.entries.get(key(follower, contract));
    if (!e || this.deps.book.busy(follower, contract)) return;
    const has = this.deps.book.position(follower, contract);
    if (tryDelta(has, e.goal, e.opens) === 0) this.end(e, "done", true);
    else if (e.timer === undefined || e.attempts === 0) {
      // A correction that only waited for our orders in flight goes once they are answered; a
      // failed try waits out its backoff.
      this.clearTimer(e);
      this.attempt(e);
    }
  }

  /**
   * The follower's account re-synced (a reconcile recomputes from the snapshot): its entries end.
   * Returns their lines: the reconcile takes them from where the follower stands, as what it acted
   * on may be a step short of the exit that was pending. A line whose entry held a leader step's
   * opening for this snapshot (after a lost answer) comes with its goal: that opening goes now.
   */
  resynced(follower: string): Map<string, HeldGoal | undefined> {
    const lines = new Map<string, HeldGoal | undefined>();
    for (const e of [...this.entries.values()])
      if (e.follower === follower) {
        const held = e.opens && e.lostAt !== undefined;
        lines.set(e.contract, held ? { goal: e.goal, orderIds: [...e.orderIds] } : undefined);
        this.end(e, "replaced by the re-sync", false);
      }
    return lines;
  }

  /** No more tries for anyone (the engine stops). */
  stop(): void {
    for (const e of this.entries.values()) this.clearTimer(e);
  }

  /** A new entry; from here the follower has not acted on the leader's move (ActedOn at its base). */
  private open(meta: OrderMeta, leaderContract: string, goal: number, reason: string): PendingExit {
    const e: PendingExit = {
      group: meta.group,
      follower: meta.follower,
      contract: meta.contract,
      leaderContract,
      goal,
      base: meta.leaderBefore ?? 0,
      leaderAfter: meta.leaderAfter ?? 0,
      opens: false,
      orderIds: [],
      kind: meta.kind,
      fillId: meta.fillId,
      reason,
      attempts: 0,
      delayMs: 0,
      nextAt: undefined,
      lostAt: undefined,
      timer: undefined,
    };
    this.entries.set(key(e.follower, e.contract), e);
    // Not acted on (later fills neither) until it is done: a restart, which forgets this entry,
    // makes it up from the base again.
    this.deps.acted.set(e.follower, leaderContract, e.base);
    return e;
  }

  /** One try now: the trader's word first, then the line as the book has it. */
  private attempt(e: PendingExit): void {
    e.timer = undefined;
    e.nextAt = undefined;
    const { deps } = this;
    const verdict = tryVerdict(e, deps.accounts.role(e.follower), deps.gate(e.follower));
    if (verdict && "stop" in verdict) {
      this.end(e, verdict.stop.reason, verdict.stop.acted);
      return;
    }
    if (verdict) this.dropOpening(e, verdict.drop);
    if (deps.book.busy(e.follower, e.contract)) {
      // Another order of ours for the line is live: never two at once; look again shortly.
      this.schedule(e, exitRetryDelay(1, 0, this.backoff));
      return;
    }
    // A lost order the broker lists as working: its fate comes with the account's events.
    if (unheardWorking(this.deps, e.follower, e.contract)) e.lostAt = undefined;
    // Nothing is judged from a position a lost order may have moved, "done" neither.
    if (!knownAgain(e, deps, this.backoff.maxMs, this.waits)) return;
    const has = deps.book.position(e.follower, e.contract);
    const delta = tryDelta(has, e.goal, e.opens);
    if (delta === 0) {
      this.end(e, "done", true);
      return;
    }
    if (besideCancellingMirror(deps.mirrorCancels, e.follower, e.contract, has, delta)) {
      // Its end (a fill or the cancel) tells the line (changed): the exit is sized from there.
      this.waitFor(e, SKIP_REASONS.mirrorCancelling);
      return;
    }
    if (unheardWorking(this.deps, e.follower, e.contract)) {
      // An earlier try timed out but the broker works it: it may still do this exit. Wait for it.
      this.waitFor(e, "its earlier order, answer lost, is still working at the broker");
      return;
    }
    if (!deps.accounts.route(e.follower) || !deps.accounts.connected(e.follower)) {
      this.failed(this.meta(e), "disconnected", 0);
      return;
    }
    // A re-sync's correction that waited for our orders in flight goes now (nothing failed yet).
    const reason = e.attempts === 0 ? RECONCILE_REASON : `exit retry ${e.attempts}`;
    if (!deps.send(this.meta(e), delta, reason)) this.end(e, "refused by the order gateway", false);
    else if (e.opens && !reduces(has, delta)) deps.opened?.(e.follower, e.orderIds);
  }

  private meta(e: PendingExit): OrderMeta {
    return retryMeta(e, this.deps.book.position(e.follower, e.contract), this.deps.clock.mono());
  }

  /**
   * `acted`: the follower is where the rule says for the leader position the goal answers, or the
   * trader took the line over (a restart must not make it up either).
   */
  private end(e: PendingExit, reason: string, acted: boolean): void {
    this.clearTimer(e);
    this.entries.delete(key(e.follower, e.contract));
    if (acted) this.deps.acted.set(e.follower, e.leaderContract, e.leaderAfter);
    e.reason = reason;
    this.tell(e, false);
    if (reason === "done" && e.attempts > 0) {
      const words = `${e.follower}: exit on ${e.contract} done after ${e.attempts + 1} tries`;
      this.deps.emit(exitAlert(e, "info", words, this.deps.clock.now()));
    }
  }

  /** The opening the entry held will not be sent: the trader hears why. */
  private dropOpening(e: PendingExit, why: string): void {
    noOpening(e);
    this.deps.emit(exitAlert(e, "warn", openingDropped(e.follower, e.contract, why), this.deps.clock.now()));
  }

  /** Looks again shortly without counting a try; the trader hears why once. */
  private waitFor(e: PendingExit, reason: string): void {
    this.schedule(e, exitRetryDelay(1, 0, this.backoff));
    if (e.reason === reason) return;
    e.reason = reason;
    this.tell(e, true);
  }

  private schedule(e: PendingExit, delay: number): void {
    this.clearTimer(e);
    e.nextAt = this.deps.clock.now() + delay;
    e.timer = this.deps.clock.setTimeout(() => this.attempt(e), delay);
  }

  private clearTimer(e: PendingExit): void {
    if (e.timer !== undefined) this.deps.clock.clearTimeout(e.timer);
    e.timer = undefined;
    e.nextAt = undefined;
  }

  private tell(e: PendingExit, pending: boolean): void {
    const has = this.deps.book.position(e.follower, e.contract);
    this.deps.emit(pendingEvent(e, pending, has, this.deps.clock.now()));
  }
}
