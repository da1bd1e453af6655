import { messageOf } from "../messageOf.js";
import { answerLost } from "../orders/answerLost.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import type {
  Clock,
  ContractId,
  EpochMs,
  FlattenOrder,
  FollowerState,
  OrderResult,
  WorkingOrder,
} from "../types.js";
import { retryDelay } from "./backoff.js";

/** The order gateway's flatten side: the one exit for orders, which also refuses leaders itself. */
export interface Liquidator {
  cancel(follower: string, orderId: number): Promise<OrderResult>;
  liquidate(follower: string, contractId: ContractId): Promise<OrderResult>;
}

/** What a follower has at its broker that a flatten must take away. */
export interface Exposure {
  orders: readonly WorkingOrder[];
  open: readonly { contractId: ContractId; contract: string }[];
}

/** Everything a flatten asks about its follower, asked afresh at every attempt. */
export interface FlattenerDeps {
  clock: Clock;
  liquidator: Liquidator;
  /** A follower of the current config and a leader nowhere: the only accounts ever flattened. */
  mayTarget(follower: string): boolean;
  state(follower: string): FollowerState | undefined;
  /** Its working orders and open positions, fresh from its session; undefined when not connected. */
  exposure(follower: string): Exposure | undefined;
  isFlat(follower: string): boolean;
  /**
   * One of our orders for the follower is in flight or not yet acknowledged (a copy written a
   * moment ago): the broker may already hold a position the session's cache does not show yet.
   */
  busy(follower: string): boolean;
  /**
   * Why the follower's account cannot be read now (the broker's words; a ProjectX account whose
   * searches fail), undefined while it reads: its positions are then its last picture, not the truth.
   */
  unreadable?(follower: string): string | undefined;
  /** Until when the follower's broker asked us to wait (a 429 or a penalty), if it did. */
  blockedUntil(follower: string): number | undefined;
  /** The follower is flat after a flatten: the coordinator locks it (and calls done()). */
  flat(follower: string): void;
  /**
   * The broker took a liquidation, or may have (its answer lost): its order, or the request's time
   * where none is named, is ours.
   */
  placed?(follower: string, order: FlattenOrder): void;
  /**
   * A liquidation is about to go: resolves once that is on disk, so a kill -9 before its answer
   * still knows its fills for mimik's, with the time it is kept under (`now`, or that of an entry
   * saved for it a moment ago with the lock). Never rejects (a refusing disk delays no close).
   */
  sending?(follower: string, contract: string, now: EpochMs): Promise<EpochMs>;
  /** The broker refused the liquidation: nothing of it fills. */
  refused?(follower: string, contract: string, sentAt: EpochMs): void;
  /** An attempt ended: each of its liquidations has its answer (placed) or refusal in. */
  attempted?(follower: string): void;
  alert(level: "warn" | "error", message: string, follower: string): void;
}

interface Attempts {
  count: number;
  inFlight: boolean;
  timer: unknown;
  /**
   * Orders whose cancel the broker took during this flatten: each is cancelled or filled, so a
   * later attempt refused because it no longer works has what it wanted (the session's cache,
   * lagging, still listed it).
   */
  cancelled: Set<number>;
  /** The trader was told this flatten waits for the account to read. */
  toldUnreadable: boolean;
}

/**
 * Flattens LIQUIDATE_ONLY followers: cancels their working orders and liquidates every position,
 * then tries again with backoff (never faster than the broker's penalty wait) until the broker
 * reports them flat, the trader unlocks them, or they stop being followers. Owns each follower's
 * attempts, whether one is in flight and the timer of the next.
 *
 * Issue 18's exits retried until done will need the same shape for single exits (a part owning
 * pending exits per follower and contract); it belongs beside this one, not inside it.
 */
const STOPPED = "mimik stopped before the broker answered; the next start carries the flatten on";

export class Flattener {
  private readonly attempts = new Map<string, Attempts>();
  /** The engine is stopping: attempts in flight end without a word or a retry (stopAll). */
  private stopped = false;

  constructor(private readonly deps: FlattenerDeps) {}

  /** How many attempts the follower's current flatten has made (0: none under way). */
  attemptsOf(follower: string): number {
    return this.attempts.get(follower)?.count ?? 0;
  }

  /**
   * Carry on a flatten that has no attempt in flight or waiting (a restart, a config change). With
   * `now` (its login just synced again) a waiting attempt goes at once: the backoff grew while the
   * login was down, and an account past its limit must not stay open up to 30 s more for it. A
   * penalty wait the broker asked for is still kept.
   */
  resume(follower: string, now = false): void {
    const a = this.attempts.get(follower);
    if (a?.inFlight) return;
    if (a?.timer !== undefined && (!now || (this.deps.blockedUntil(follower) ?? 0) > this.deps.clock.now()))
      return;
    void this.flatten(follower);
  }

  /** No further attempt (the trader unlocked, the follower left the config); the count stays. */
  stop(follower: string): void {
    const a = this.attempts.get(follower);
    if (a) this.clearTimer(a);
  }

  /**
   * A new flatten (a breach, a flatten-and-lock): nothing left waiting of one stopped before (a
   * forced unlock), and its backoff starts again at 1 s, not where the stopped one had grown to.
   */
  begin(follower: string): void {
    this.done(follower);
  }

  /** The flatten succeeded: no further attempt, and the next one starts counting from 1. */
  done(follower: string): void {
    const a = this.attempts.get(follower);
    if (!a) return;
    this.clearTimer(a);
    a.count = 0;
    a.cancelled.clear();
    a.toldUnreadable = false;
  }

  /**
   * The engine stops: no attempt waits, and one in flight, whose requests the stop itself cuts
   * short, says nothing untrue ("flatten failed … retry in 1 s") and arms no retry. The next start
   * reads the broker and carries the flatten on.
   */
  stopAll(): void {
    this.stopped = true;
    for (const a of this.attempts.values()) this.clearTimer(a);
  }

  /** One attempt now: cancels and liquidations in parallel, then done, or the next attempt scheduled. */
  async flatten(follower: string): Promise<Outcome> {
    const { deps } = this;
    const a = this.attemptsFor(follower);
    if (a.inFlight) return { target: follower, status: "liquidating", reason: "flatten in progress" };
    if (!deps.mayTarget(follower) || deps.state(follower) !== "LIQUIDATE_ONLY")
      return { target: follower, status: "refused", reason: REFUSALS.notFollower };
    this.clearTimer(a);
    a.count++;
    a.inFlight = true;
    const failures: string[] = [];
    const closed: string[] = [];
    let sent = 0;
    try {
      const exposure = readExposure(deps, follower);
      if (typeof exposure === "string") failures.push(exposure);
      else {
        sent = exposure.orders.length + exposure.open.length;
        closed.push(...exposure.open.map((p) => p.contract));
        const { liquidator } = deps;
        const results = await Promise.all([
          ...exposure.orders.map((o) =>
            attempt(
              `cancel order ${o.orderId}`,
              async () => {
                const r = await liquidator.cancel(follower, o.orderId);
                if (r.ok) a.cancelled.add(o.orderId);
                return r;
              },
              // Cancelling one leg of an OCO takes its partner with it: a cancel refused because the
              // order no longer works has what it wanted.
              () =>
                a.cancelled.has(o.orderId) ||
                !deps.exposure(follower)?.orders.some((w) => w.orderId === o.orderId),
            ),
          ),
          ...exposure.open.map((p) =>
            attempt(
              `liquidate ${p.contract}`,
              async () => {
                const now = deps.clock.now();
                const sentAt = (await deps.sending?.(follower, p.contract, now)) ?? now;
                const r = await liquidator.liquidate(follower, p.contractId);
                // One whose answer was lost may have been done too: its fills are ours all the same.
                if (r.ok || answerLost(r))
                  deps.placed?.(
                    follower,
                    placedOrder(p.contract, r.ok ? r.orderId : 0, sentAt, deps.clock.now()),
                  );
                else deps.refused?.(follower, p.contract, sentAt);
                return r;
              },
              // An exit of ours on its way when the account was read may close the position first:
              // the broker then has nothing to liquidate, and the flatten has what it wanted.
              () => {
                const now = deps.exposure(follower);
                return now !== undefined && !now.open.some((o) => o.contractId === p.contractId);
              },
            ),
          ),
        ]);
        for (const r of results) if (r !== undefined) failures.push(r);
      }
    } finally {
      a.inFlight = false;
    }
    if (this.stopped) return { target: follower, status: "failed", sent, reason: STOPPED };
    deps.attempted?.(follower);
    const state = deps.state(follower);
    if (state !== "LIQUIDATE_ONLY")
      return state === "LOCKED"
        ? { target: follower, status: "locked", sent }
        : { target: follower, status: "failed", sent, reason: "unlocked by hand during the flatten" };
    if (!deps.mayTarget(follower))
      return { target: follower, status: "failed", sent, reason: "no longer a follower; flatten stopped" };
    // An account that cannot be read is judged from its last picture, and a close's effect never
    // shows there: the closes went, and the read (its re-sync resumes the flatten) says the rest.
    const unread = failures.length === 0 ? deps.unreadable?.(follower) : undefined;
    if (unread !== undefined) {
      const reason = unreadableWords(unread, closed);
      if (!a.toldUnreadable) deps.alert("warn", `${follower}: flatten: ${reason}`, follower);
      a.toldUnreadable = true;
      return { target: follower, status: "liquidating", sent, reason };
    }
    // Flat only when nothing of ours is still on its way: a copy written just before the flatten
    // may have filled at the broker unseen, and locking "flat" then would leave it open.
    const busy = deps.busy(follower);
    if (failures.length === 0 && !busy && deps.isFlat(follower)) {
      deps.flat(follower);
      return { target: follower, status: "locked", sent };
    }
    const delay = this.scheduleRetry(follower, a);
    const retry = `retry ${a.count + 1} in ${Math.round(delay / 1000)} s`;
    if (failures.length) {
      deps.alert("error", `${follower}: flatten failed (${failures.join("; ")}); ${retry}`, follower);
      return { target: follower, status: "failed", sent, reason: failures.join("; "), retryInMs: delay };
    }
    if (a.count > 1)
      deps.alert("warn", `${follower}: ${stillLeft(readExposure(deps, follower))}; ${retry}`, follower);
    return busy
      ? { target: follower, status: "liquidating", sent, reason: "waiting for orders in flight" }
      : { target: follower, status: "liquidating", sent };
  }

  private scheduleRetry(follower: string, a: Attempts): number {
    const blockedUntil = this.deps.blockedUntil(follower);
    const wait = Number.isFinite(blockedUntil) ? (blockedUntil as number) - this.deps.clock.now() : 0;
    const delay = Math.max(retryDelay(a.count), wait);
    a.timer = this.deps.clock.setTimeout(() => {
      a.timer = undefined;
      void this.flatten(follower);
    }, delay);
    return delay;
  }

  private clearTimer(a: Attempts): void {
    if (a.timer !== undefined) this.deps.clock.clearTimeout(a.timer);
    a.timer = undefined;
  }

  private attemptsFor(follower: string): Attempts {
    let a = this.attempts.get(follower);
    if (!a) {
      a = { count: 0, inFlight: false, timer: undefined, cancelled: new Set(), toldUnreadable: false };
      this.attempts.set(follower, a);
    }
    return a;
  }
}

/**
 * The follower's exposure, or why it cannot be had. A throw becomes a reason too: the flatten must
 * come back as a failure and try again, never as a rejection nobody awaits (that would leave the
 * follower LIQUIDATE_ONLY with no next attempt).
 */
function readExposure(deps: FlattenerDeps, follower: string): Exposure | string {
  try {
    return deps.exposure(follower) ?? "not connected";
  } catch (err) {
    return `reading its orders and positions: ${messageOf(err)}`;
  }
}

/**
 * What keeps a flatten from its lock. Flat with orders still working is not "not flat": a cancel's
 * answer only says the broker took it, and the order ends a moment later.
 */
function stillLeft(exposure: Exposure | string): string {
  if (typeof exposure === "string" || exposure.open.length > 0 || exposure.orders.length === 0)
    return "still not flat after flatten";
  const n = exposure.orders.length;
  return `flat, but ${n} order${n === 1 ? "" : "s"} still working after flatten (${n === 1 ? "its cancel was" : "their cancels were"} taken, not yet done)`;
}

/** What a flatten of an account that cannot be read did, and what it waits for. */
export function unreadableWords(why: string, closed: readonly string[]): string {
  const head = `its account cannot be read (${why})`;
  if (closed.length === 0) return `${head}: no position known to close; the flatten goes on once it reads`;
  const what =
    closed.length === 1 ? `the close of ${closed[0]} was` : `the closes of ${closed.join(", ")} were`;
  return `${head}: ${what} sent (it closes whatever is there); it locks once the account reads flat`;
}

/** One gateway call as a failure description, or undefined when the broker accepted it. */
async function attempt(
  what: string,
  call: () => Promise<OrderResult>,
  doneAnyway: () => boolean = () => false,
): Promise<string | undefined> {
  try {
    const r = await call();
    if (r.ok || doneAnyway()) return undefined;
    return `${what}: ${r.failureReason}${r.failureText ? ` (${r.failureText})` : ""}`;
  } catch (err) {
    return `${what}: ${messageOf(err)}`;
  }
}

/** ProjectX answers a close with no order (0), a lost answer names none: known by contract and time alone. */
function placedOrder(contract: string, orderId: number, sentAt: EpochMs, answeredAt: EpochMs): FlattenOrder {
  return orderId > 0 ? { contract, orderId, sentAt, answeredAt } : { contract, sentAt, answeredAt };
}
