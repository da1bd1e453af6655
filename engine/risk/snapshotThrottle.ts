import type { TimerClock } from "./saveQueue.js";

/**
 * Spaces each follower's RiskSnapshotEvents: price ticks ask for one many times a second, a
 * screen needs one per interval. An urgent one (the state changed) goes at once; otherwise one
 * goes now if the last is old enough, or one timer sends it when it is.
 */
export class SnapshotThrottle {
  private readonly lastAt = new Map<string, number>();
  private readonly timers = new Map<string, unknown>();

  constructor(
    private readonly clock: TimerClock & { now(): number },
    private readonly intervalMs: number,
    /** Sends the follower's snapshot; false when there is nothing to send yet. */
    private readonly send: (follower: string) => boolean,
  ) {}

  request(follower: string, urgent: boolean): void {
    const wait = (this.lastAt.get(follower) ?? Number.NEGATIVE_INFINITY) + this.intervalMs - this.clock.now();
    if (urgent || wait <= 0) {
      this.cancel(follower);
      this.sendNow(follower);
    } else if (!this.timers.has(follower)) {
      this.timers.set(
        follower,
        this.clock.setTimeout(() => {
          this.timers.delete(follower);
          this.sendNow(follower);
        }, wait),
      );
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private sendNow(follower: string): void {
    if (this.send(follower)) this.lastAt.set(follower, this.clock.now());
  }

  private cancel(follower: string): void {
    const timer = this.timers.get(follower);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.timers.delete(follower);
  }
}
