/**
 * Declares a socket dead after `silentMs` without any frame (tradovate-protocol.md §3.2), but
 * tells a silent server from a late timer (issue 13 #9): when our own event loop was busy, the
 * check fires late and frames may be sitting unread in the kernel. Then the watchdog looks again
 * after a short grace, which runs after the pending I/O has been read, and drops the socket only
 * if it is still silent on a check that fired on time. A loop that stays overloaded cannot keep
 * a dead socket forever: after a few late checks in a row, or three times `silentMs` of silence,
 * the socket goes anyway.
 */
import type { Clock, MonoMs } from "../types.js";

export interface WatchdogOptions {
  clock: Clock;
  silentMs: number;
  /** The socket is silent: called once, then the watchdog is stopped. */
  onSilent: (silentForMs: number) => void;
  /** A late check (the loop was busy) was forgiven. */
  onLate?: (lateMs: number) => void;
}

const MAX_LATE_CHECKS = 3;

export class Watchdog {
  private timer: unknown;
  private expectedAt: MonoMs = 0;
  private lastFrameAt: MonoMs = 0;
  private lateChecks = 0;
  private stopped = true;

  constructor(private readonly opts: WatchdogOptions) {}

  start(): void {
    this.stopped = false;
    this.lastFrameAt = this.opts.clock.mono();
    this.arm(this.opts.silentMs);
  }

  /** A frame arrived (its receive time). */
  heard(at: MonoMs): void {
    this.lastFrameAt = at;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** How late a check may fire and still be trusted. */
  private get toleranceMs(): number {
    return Math.max(100, this.opts.silentMs / 4);
  }

  private arm(delay: number): void {
    this.expectedAt = this.opts.clock.mono() + delay;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, delay);
  }

  private check(): void {
    if (this.stopped) return;
    const now = this.opts.clock.mono();
    const silent = now - this.lastFrameAt;
    if (silent < this.opts.silentMs) {
      this.lateChecks = 0;
      this.arm(this.opts.silentMs - silent);
      return;
    }
    const late = now - this.expectedAt;
    const trusted = late <= this.toleranceMs;
    if (!trusted && this.lateChecks < MAX_LATE_CHECKS && silent < 3 * this.opts.silentMs) {
      this.lateChecks += 1;
      this.opts.onLate?.(late);
      this.arm(Math.min(1000, this.toleranceMs));
      return;
    }
    this.stop();
    this.opts.onSilent(silent);
  }
}
