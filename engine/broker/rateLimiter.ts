/**
 * Client-side request budget for one login (design.md §10, tradovate-protocol.md §6): sliding
 * second, minute and hour windows checked against budgetRules. A request takes a slot now or is
 * refused now: an order held back until the window slides would reach the market at a stale
 * price, which is worse than no copy. A broker 429 puts the limiter in a lockout: everything
 * fails fast until it ends.
 *
 * The count belongs to the login, not the session: a session that replaces another of the same
 * login takes over what it spent (`carry`), as the broker has not forgotten it.
 *
 * Memory: one timestamp per request of the last hour, never more than perHour of them (or than
 * the perHour a carried count was spent under).
 */
import type { Clock, EpochMs, RateBudget, RequestLedger, SpentRequests } from "../types.js";
import {
  type BudgetLimits,
  floorFor,
  lastsMs,
  type RequestKind,
  refusingWindow,
  TRADOVATE_LIMITS,
  type Window,
} from "./budgetRules.js";
import { BrokerRequestError } from "./errors.js";

export type { RequestKind } from "./budgetRules.js";

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** The pace behind "how long the budget lasts". */
const PACE_MS = 5 * MINUTE;

export interface RateLimiterOptions {
  limits?: BudgetLimits;
  clock: Clock;
  /**
   * The window the budget reports: the one the broker's limit is published for (Tradovate: the
   * hour, default; ProjectX: the minute).
   */
  reportWindow?: "hour" | "minute";
  /** The broker named in refusals ("Tradovate" by default). */
  brokerName?: string;
}

export class RateLimiter implements RequestLedger {
  private limitsNow: BudgetLimits;
  /** Send times, oldest first, from `head` on (the front is dropped lazily). */
  private sent: EpochMs[] = [];
  private head = 0;
  private lockoutUntil: EpochMs | undefined;
  private penaltyUntil: EpochMs | undefined;
  private refused = 0;

  constructor(private readonly opts: RateLimiterOptions) {
    this.limitsNow = opts.limits ?? TRADOVATE_LIMITS;
  }

  get limits(): BudgetLimits {
    return this.limitsNow;
  }

  /** New limits (a budget edited while mimik runs): the requests already sent count against them. */
  setLimits(limits: BudgetLimits): BudgetLimits {
    this.limitsNow = limits;
    return limits;
  }

  /**
   * Takes a slot for `kind` now, or throws at once: `rateLimited` during a broker lockout,
   * `budget` when the rules keep this kind out of what is left.
   */
  take(kind: RequestKind): void {
    const now = this.opts.clock.now();
    if (this.isLockedOut(now)) {
      this.refused += 1;
      throw this.lockoutError();
    }
    const window = refusingWindow(kind, this.used(now), this.limits);
    if (window !== undefined) {
      this.refused += 1;
      throw new BrokerRequestError("budget", budgetText(kind, window, this.brokerName));
    }
    this.sent.push(now);
  }

  /** Whether `take(kind)` would succeed now (nothing is taken). */
  wouldAdmit(kind: RequestKind): boolean {
    const now = this.opts.clock.now();
    return !this.isLockedOut(now) && refusingWindow(kind, this.used(now), this.limits) === undefined;
  }

  spent(): SpentRequests {
    this.prune(this.opts.clock.now());
    return {
      sent: this.sent.slice(this.head),
      lockoutUntil: this.lockoutUntil,
      penaltyUntil: this.penaltyUntil,
    };
  }

  /** The requests another session of this login spent count here too, against these limits. */
  carry(spent: SpentRequests): void {
    const own = this.sent.slice(this.head);
    // Once per replaced session, before this one sends much: a plain sort is cheap enough.
    this.sent = own.length === 0 ? [...spent.sent] : [...spent.sent, ...own].sort((a, b) => a - b);
    this.head = 0;
    if (spent.lockoutUntil !== undefined) this.lockOut(spent.lockoutUntil);
    if (spent.penaltyUntil !== undefined) this.notePenalty(spent.penaltyUntil);
  }

  /** The broker said 429: stop sending until `until`. */
  lockOut(until: EpochMs): void {
    this.lockoutUntil = Math.max(until, this.lockoutUntil ?? 0);
  }

  lockedOutUntil(): EpochMs | undefined {
    const now = this.opts.clock.now();
    return this.isLockedOut(now) ? this.lockoutUntil : undefined;
  }

  /** A p-ticket wait is running until `until` (shown in the budget). */
  notePenalty(until: EpochMs): void {
    this.penaltyUntil = Math.max(until, this.penaltyUntil ?? 0);
  }

  budget(): RateBudget {
    const now = this.opts.clock.now();
    const used = this.used(now);
    const blocked = [this.lockoutUntil, this.penaltyUntil].filter(
      (t): t is number => t !== undefined && t > now,
    );
    const blockedUntil = blocked.length > 0 ? Math.max(...blocked) : undefined;
    if (this.opts.reportWindow === "minute") {
      return {
        left: Math.max(0, this.limits.perMinute - used.minute),
        limit: this.limits.perMinute,
        windowMs: MINUTE,
        refused: this.refused,
        blockedUntil,
      };
    }
    const hourLeft = Math.max(0, this.limits.perHour - used.hour);
    const recent = this.countSince(now - PACE_MS);
    const expiring = used.hour - this.countSince(now - HOUR + PACE_MS);
    return {
      left: hourLeft,
      limit: this.limits.perHour,
      windowMs: HOUR,
      lastsMs: lastsMs(
        hourLeft,
        floorFor("order", this.limits.perHour),
        recent,
        expiring,
        PACE_MS,
        this.limits.perHour,
      ),
      refused: this.refused,
      blockedUntil,
    };
  }

  private get brokerName(): string {
    return this.opts.brokerName ?? "Tradovate";
  }

  private used(now: EpochMs): Record<Window, number> {
    this.prune(now);
    return {
      second: this.countSince(now - SECOND),
      minute: this.countSince(now - MINUTE),
      hour: this.sent.length - this.head,
    };
  }

  private isLockedOut(now: EpochMs): boolean {
    return this.lockoutUntil !== undefined && now < this.lockoutUntil;
  }

  private lockoutError(): BrokerRequestError {
    const until = this.lockoutUntil ? new Date(this.lockoutUntil).toISOString() : "later";
    return new BrokerRequestError(
      "rateLimited",
      `${this.brokerName} rate limit (429): requests paused until ${until}`,
      429,
    );
  }

  private prune(now: EpochMs): void {
    while (this.head < this.sent.length && this.sent[this.head]! <= now - HOUR) this.head++;
    // Drop the consumed front now and then, so the array holds only the last hour.
    if (this.head >= 1024 && this.head * 2 >= this.sent.length) {
      this.sent = this.sent.slice(this.head);
      this.head = 0;
    }
  }

  /** Requests sent after `from` (`sent` is sorted: binary search). */
  private countSince(from: EpochMs): number {
    let lo = this.head;
    let hi = this.sent.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sent[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return this.sent.length - lo;
  }
}

function budgetText(kind: RequestKind, window: Window, broker: string): string {
  const what = kind === "read" ? "reads are shed" : kind === "order" ? "openings stop" : "nothing is left";
  return `request budget: the ${window}'s ${broker} requests are spent (${what}; exits keep a reserve)`;
}
