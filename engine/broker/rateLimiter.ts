/**
 * Client-side request budget for one login (design.md §10): a sliding minute window and a
 * sliding hour window. Orders go ahead of reads, and reads leave a small reserve to orders.
 * A broker 429 puts the limiter in a lockout: everything fails fast until it ends.
 */
import type { Clock, EpochMs, RateBudget } from "../types.js";
import { BrokerRequestError } from "./errors.js";

export type Priority = "order" | "read";

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface RateLimiterOptions {
  perMinute: number;
  perHour: number;
  clock: Clock;
  /** Minute slots reads may not use (kept for orders). Default: 10% of perMinute. */
  orderReserve?: number;
}

interface Waiter {
  priority: Priority;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class RateLimiter {
  private readonly sent: EpochMs[] = [];
  private readonly waiters: Waiter[] = [];
  private lockoutUntil: EpochMs | undefined;
  private penaltyUntil: EpochMs | undefined;
  private timer: unknown;
  private readonly reserve: number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.reserve = opts.orderReserve ?? Math.floor(opts.perMinute / 10);
  }

  /** Takes a slot now if one is free; never waits. */
  tryAcquire(priority: Priority): boolean {
    const now = this.opts.clock.now();
    if (this.isLockedOut(now)) return false;
    // Orders waiting in line go first.
    if (
      this.waiters.length > 0 &&
      (priority === "read" || this.waiters.some((w) => w.priority === "order"))
    ) {
      return false;
    }
    if (!this.hasRoom(priority, now)) return false;
    this.sent.push(now);
    return true;
  }

  /** Waits for a slot; rejects at once while a 429 lockout lasts. */
  acquire(priority: Priority): Promise<void> {
    const now = this.opts.clock.now();
    if (this.isLockedOut(now)) return Promise.reject(this.lockoutError());
    if (this.tryAcquire(priority)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = { priority, resolve, reject };
      // Orders ahead of every read, FIFO within a priority.
      const firstRead = this.waiters.findIndex((w) => w.priority === "read");
      if (priority === "order" && firstRead >= 0) this.waiters.splice(firstRead, 0, waiter);
      else this.waiters.push(waiter);
      this.schedule();
    });
  }

  /** The broker said 429: stop sending until `until`. */
  lockOut(until: EpochMs): void {
    this.lockoutUntil = Math.max(until, this.lockoutUntil ?? 0);
    for (const w of this.waiters.splice(0)) w.reject(this.lockoutError());
  }

  /** A p-ticket wait is running until `until` (shown in the budget; the caller waits it out). */
  notePenalty(until: EpochMs): void {
    this.penaltyUntil = Math.max(until, this.penaltyUntil ?? 0);
  }

  budget(): RateBudget {
    const now = this.opts.clock.now();
    this.prune(now);
    const lastMinute = this.countSince(now - MINUTE);
    const blocked = [this.lockoutUntil, this.penaltyUntil].filter(
      (t): t is number => t !== undefined && t > now,
    );
    return {
      minuteLeft: Math.max(0, this.opts.perMinute - lastMinute),
      hourLeft: Math.max(0, this.opts.perHour - this.sent.length),
      blockedUntil: blocked.length > 0 ? Math.max(...blocked) : undefined,
    };
  }

  /** Rejects every waiter (session stopping). */
  dispose(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0))
      w.reject(new BrokerRequestError("disconnected", "session stopped"));
  }

  private isLockedOut(now: EpochMs): boolean {
    return this.lockoutUntil !== undefined && now < this.lockoutUntil;
  }

  private lockoutError(): BrokerRequestError {
    const until = this.lockoutUntil ? new Date(this.lockoutUntil).toISOString() : "later";
    return new BrokerRequestError(
      "rateLimited",
      `Tradovate rate limit (429): requests paused until ${until}`,
      429,
    );
  }

  private hasRoom(priority: Priority, now: EpochMs): boolean {
    this.prune(now);
    const minuteCap = priority === "order" ? this.opts.perMinute : this.opts.perMinute - this.reserve;
    return this.countSince(now - MINUTE) < minuteCap && this.sent.length < this.opts.perHour;
  }

  private prune(now: EpochMs): void {
    let drop = 0;
    while (drop < this.sent.length && this.sent[drop]! <= now - HOUR) drop++;
    if (drop > 0) this.sent.splice(0, drop);
  }

  private countSince(from: EpochMs): number {
    // `sent` is sorted: binary search for the first entry inside the window.
    let lo = 0;
    let hi = this.sent.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sent[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return this.sent.length - lo;
  }

  private drain(): void {
    const now = this.opts.clock.now();
    while (this.waiters.length > 0) {
      const next = this.waiters[0]!;
      if (!this.hasRoom(next.priority, now)) {
        // A read blocked only by the order reserve must not hold back a later order.
        break;
      }
      this.waiters.shift();
      this.sent.push(now);
      next.resolve();
    }
    if (this.waiters.length > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const now = this.opts.clock.now();
    // Wake when the oldest counted request leaves the minute window (or the hour one).
    const inMinute = this.sent.length - this.countSince(now - MINUTE);
    const oldestInMinute = this.sent[inMinute];
    const wakeMinute = oldestInMinute !== undefined ? oldestInMinute + MINUTE - now : 1;
    const wakeHour = this.sent.length >= this.opts.perHour ? this.sent[0]! + HOUR - now : 0;
    const delay = Math.max(1, Math.min(Math.max(wakeMinute, wakeHour), HOUR));
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delay);
  }
}
