import type { Clock } from "../types.js";
import { nextRollAt, tradingDayOf } from "./tradingDay.js";

/**
 * The current trading day and the instant it ends (17:00 CT). `check()` runs on every gate read,
 * valuation, look at a follower and unlock, so a roll is never late even when its timer is (a busy
 * loop, a laptop waking up); the timer makes it happen when nothing else is going on.
 */
export class DayRoll {
  private day: string;
  private rollAt: number;
  private timer: unknown;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly onRoll: (tradingDay: string) => void,
  ) {
    const now = clock.now();
    this.day = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
  }

  get tradingDay(): string {
    return this.day;
  }

  /** One comparison, unless the day has ended: then the roll happens now. */
  check(): void {
    if (this.clock.now() >= this.rollAt) this.roll();
  }

  /** Take the day from the clock now (no roll is announced) and keep the timer going. */
  start(): void {
    const now = this.clock.now();
    this.day = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private roll(): void {
    const now = this.clock.now();
    this.day = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
    this.schedule();
    this.onRoll(this.day);
  }

  private schedule(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    const wait = Math.max(0, this.rollAt - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.clock.now() >= this.rollAt) this.roll();
      else this.schedule();
    }, wait);
  }
}
