import type { ScenarioLimits } from "./scenario.js";

/**
 * Tradovate's user-level request limits (tradovate-protocol.md §6): per second, minute and hour,
 * sliding. One request too many and the user is stopped: every request answers 429 until the
 * stop ends (about an hour on Tradovate; whatever the scenario says here). Authorize and heartbeats
 * are not counted.
 */
const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

interface UserWindow {
  /** Request times, oldest first, from `head` on: never more than the hour's limit. */
  times: number[];
  head: number;
  stoppedUntil: number;
}

export class RequestLimits {
  private readonly users = new Map<string, UserWindow>();

  constructor(
    private readonly limits: ScenarioLimits,
    private readonly now: () => number,
  ) {}

  /** Counts one request of `user`; false when it must be answered 429. */
  admit(user: string): boolean {
    const now = this.now();
    const w = this.window(user);
    if (now < w.stoppedUntil) return false;
    while (w.head < w.times.length && w.times[w.head]! <= now - HOUR) w.head++;
    if (w.head > 1024 && w.head * 2 > w.times.length) {
      w.times = w.times.slice(w.head);
      w.head = 0;
    }
    const inHour = w.times.length - w.head;
    if (
      inHour >= this.limits.requestsPerHour ||
      this.since(w, now - MINUTE) >= this.limits.requestsPerMinute ||
      this.since(w, now - SECOND) >= this.limits.requestsPerSecond
    ) {
      w.stoppedUntil = now + this.limits.rateLimitStopMs;
      return false;
    }
    w.times.push(now);
    return true;
  }

  /** When `user`'s 429 stop ends (0 when not stopped). */
  stoppedUntil(user: string): number {
    const w = this.users.get(user);
    return w && w.stoppedUntil > this.now() ? w.stoppedUntil : 0;
  }

  private window(user: string): UserWindow {
    let w = this.users.get(user);
    if (!w) {
      w = { times: [], head: 0, stoppedUntil: 0 };
      this.users.set(user, w);
    }
    return w;
  }

  private since(w: UserWindow, from: number): number {
    let lo = w.head;
    let hi = w.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w.times[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return w.times.length - lo;
  }
}
