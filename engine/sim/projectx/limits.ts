/**
 * ProjectX's request limit per login (projectx-protocol.md "Rate limits"): 200 requests in any
 * 60 s. A request over it is answered HTTP 429 and not counted, so a client that slows down gets
 * through again as soon as the window has room (no long stop, unlike Tradovate's).
 */
const WINDOW_MS = 60_000;

export class WindowLimits {
  private readonly users = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts one request of `user`; false when it must be answered 429. */
  admit(user: string): boolean {
    const now = this.now();
    let times = this.users.get(user);
    if (!times) {
      times = [];
      this.users.set(user, times);
    }
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - WINDOW_MS) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= this.perMinute) return false;
    times.push(now);
    return true;
  }
}
