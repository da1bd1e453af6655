import type { Limits } from "../../data/schema.js";
import type { LockKind } from "../types.js";
import { cents, dayPnl } from "./netLiq.js";

/**
 * Limit checks, pure. Each limit trips exactly at its threshold, not a cent before:
 *   daily loss        dayPnl ≤ −dailyLoss
 *   trailing drawdown netLiq ≤ highWaterMark − trailingDrawdown
 *   profit target     dayPnl ≥ dailyProfitTarget
 * Those three flatten and lock. maxTradesPerDay is not a breach: once the day's openings are used
 * up the copier skips further openings ("max trades per day") while closes and the open position
 * carry on; it frees itself at the roll. It is reported through `tradesLeft`, never as a lock.
 */

export interface RiskFigures {
  netLiq: number;
  startOfDayBalance: number;
  highWaterMark: number;
  tradesToday: number;
}

export type LimitVerdict =
  | { breach: false }
  | { breach: true; kind: Extract<LockKind, "daily" | "trailing" | "profit">; reason: string };

export interface LimitRoom {
  /** Dollars of loss left before the daily loss limit trips. */
  roomDaily?: number | undefined;
  /** Dollars left above the trailing floor. */
  roomTrailing?: number | undefined;
  /** Dollars of profit left before the daily profit target trips. */
  roomProfit?: number | undefined;
  /** Opening copies left today. */
  tradesLeft?: number | undefined;
  /** The trailing floor itself: high-water mark − trailing drawdown. */
  trailingFloor?: number | undefined;
}

export function usd(n: number): string {
  const abs = Math.abs(cents(n)).toFixed(2);
  return n < 0 && cents(n) !== 0 ? `-$${abs}` : `$${abs}`;
}

export function trailingFloor(limits: Limits, highWaterMark: number): number | undefined {
  return limits.trailingDrawdown === undefined ? undefined : cents(highWaterMark - limits.trailingDrawdown);
}

export function pastTrailingFloor(limits: Limits, netLiq: number, highWaterMark: number): boolean {
  const floor = trailingFloor(limits, highWaterMark);
  return floor !== undefined && netLiq <= floor;
}

/**
 * The most lasting breach wins: a trailing lock survives the roll, so when both trip at once the
 * account is locked as trailing.
 */
export function evaluateLimits(limits: Limits, f: RiskFigures): LimitVerdict {
  const floor = trailingFloor(limits, f.highWaterMark);
  if (floor !== undefined && f.netLiq <= floor) {
    return {
      breach: true,
      kind: "trailing",
      reason: `trailing drawdown: net liq ${usd(f.netLiq)} at or below floor ${usd(floor)} (high-water mark ${usd(f.highWaterMark)} − ${usd(limits.trailingDrawdown ?? 0)})`,
    };
  }
  const pnl = dayPnl(f.netLiq, f.startOfDayBalance);
  if (limits.dailyLoss !== undefined && pnl <= -limits.dailyLoss) {
    return {
      breach: true,
      kind: "daily",
      reason: `daily loss limit: day P&L ${usd(pnl)} reached −${usd(limits.dailyLoss)}`,
    };
  }
  if (limits.dailyProfitTarget !== undefined && pnl >= limits.dailyProfitTarget) {
    return {
      breach: true,
      kind: "profit",
      reason: `daily profit target: day P&L ${usd(pnl)} reached ${usd(limits.dailyProfitTarget)}`,
    };
  }
  return { breach: false };
}

/** Distance to each configured limit, for display; undefined for limits not set. */
export function roomToLimits(limits: Limits, f: RiskFigures): LimitRoom {
  const pnl = dayPnl(f.netLiq, f.startOfDayBalance);
  const floor = trailingFloor(limits, f.highWaterMark);
  return {
    roomDaily: limits.dailyLoss === undefined ? undefined : cents(limits.dailyLoss + pnl),
    roomTrailing: floor === undefined ? undefined : cents(f.netLiq - floor),
    roomProfit: limits.dailyProfitTarget === undefined ? undefined : cents(limits.dailyProfitTarget - pnl),
    tradesLeft: tradesLeft(limits, f.tradesToday),
    trailingFloor: floor,
  };
}

export function tradesLeft(limits: Limits, tradesToday: number): number | undefined {
  return limits.maxTradesPerDay === undefined ? undefined : Math.max(0, limits.maxTradesPerDay - tradesToday);
}
