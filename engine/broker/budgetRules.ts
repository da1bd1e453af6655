/**
 * Who may spend the request budget (tradovate-protocol.md §6, issue 12 #3). Pure rules, so they
 * read as a table and test as one:
 *  - exits (closing orders, flattens, cancels, liquidations, logins) may use every request left;
 *  - openings stop when only the exit reserve is left;
 *  - reads stop earlier still, so they are shed first.
 * Nothing ever waits for budget: a request goes now or is refused now.
 */

export type RequestKind = "exit" | "order" | "read";

export interface BudgetLimits {
  perSecond: number;
  perMinute: number;
  perHour: number;
}

/** Tradovate's published user limits (partner rate-limits page): 1,000/s, 5,000/min, 5,000/h. */
export const TRADOVATE_LIMITS: Readonly<BudgetLimits> = Object.freeze({
  perSecond: 1000,
  perMinute: 5000,
  perHour: 5000,
});

/** Requests kept back in one window: `exit` for exits only, `read` more on top that reads leave alone. */
export interface Reserve {
  exit: number;
  read: number;
}

export type Window = "second" | "minute" | "hour";
export const WINDOWS: readonly Window[] = ["second", "minute", "hour"];

const LIMIT_OF: Record<Window, keyof BudgetLimits> = {
  second: "perSecond",
  minute: "perMinute",
  hour: "perHour",
};

export function limitOf(limits: BudgetLimits, window: Window): number {
  return limits[LIMIT_OF[window]];
}

/** 5% of a window kept for exits, 10% more that reads leave alone (at least one each from 2 up). */
export function reserveFor(limit: number): Reserve {
  if (limit < 2) return { exit: 0, read: 0 };
  return { exit: Math.max(1, Math.ceil(limit * 0.05)), read: Math.max(1, Math.ceil(limit * 0.1)) };
}

/** Requests a kind must leave untouched in a window of `limit`. */
export function floorFor(kind: RequestKind, limit: number): number {
  const r = reserveFor(limit);
  if (kind === "exit") return 0;
  if (kind === "order") return r.exit;
  return r.exit + r.read;
}

/**
 * May one more request of `kind` go, with `used` requests already in each window? Returns the
 * window that refuses it, or undefined when it may go.
 */
export function refusingWindow(
  kind: RequestKind,
  used: Readonly<Record<Window, number>>,
  limits: BudgetLimits,
): Window | undefined {
  for (const window of WINDOWS) {
    const limit = limitOf(limits, window);
    if (limit - used[window] <= floorFor(kind, limit)) return window;
  }
  return undefined;
}

/**
 * How long the hour's budget (`limit`) lasts at the current pace: `recent` requests in the last
 * `paceMs`, `expiring` of the counted ones leave the hour window in the next `paceMs`. Undefined
 * when that pace never brings `left` down to `floor`: it is idle, an hour of it fits in the budget,
 * or it is slower than what leaves the window.
 */
export function lastsMs(
  left: number,
  floor: number,
  recent: number,
  expiring: number,
  paceMs: number,
  limit: number,
): number | undefined {
  if (recent === 0 || (recent / paceMs) * 3_600_000 <= limit - floor) return undefined;
  const drain = (recent - expiring) / paceMs;
  if (drain <= 0) return undefined;
  return Math.max(0, Math.round((left - floor) / drain));
}
