import type { Limits } from "../../data/schema.js";
import type { LockKind } from "../types.js";
import { cents, dayPnl } from "./netLiq.js";

/**
 * Limit checks, pure. Each limit trips exactly at its threshold, not a cent before:
 *   daily loss        dayPnl ≤ −dailyLoss
 *   weekly loss       netLiq − weekStartBalance ≤ −weeklyLoss
 *   daily give-back   dayPeak − netLiq ≥ dailyGiveBack
 *   trailing drawdown netLiq ≤ highWaterMark − trailingDrawdown
 *   profit target     dayPnl ≥ dailyProfitTarget
 * Those flatten and lock. maxTradesPerDay is not a breach: once the day's openings are used
 * up the copier skips further openings ("max trades per day") while closes and the open position
 * carry on; it frees itself at the roll. It is reported through `tradesLeft`, never as a lock.
 */

export interface RiskFigures {
  netLiq: number;
  startOfDayBalance: number;
  highWaterMark: number;
  tradesToday: number;
  /** Net liquidation at the start of the trading week; unknown = netLiq (no weekly loss yet). */
  weekStartBalance?: number | undefined;
  /** The day's highest net liquidation since its start; unknown = netLiq (nothing given back yet). */
  dayPeak?: number | undefined;
}

export type LimitVerdict =
  | { breach: false }
  | {
      breach: true;
      kind: Extract<LockKind, "daily" | "trailing" | "profit" | "weekly" | "giveback">;
      reason: string;
    };

export interface LimitRoom {
  /** Dollars of loss left before the daily loss limit trips. */
  roomDaily?: number | undefined;
  /** Dollars left above the trailing floor. */
  roomTrailing?: number | undefined;
  /** Dollars of profit left before the daily profit target trips. */
  roomProfit?: number | undefined;
  /** Dollars of loss left before the weekly loss limit trips. */
  roomWeekly?: number | undefined;
  /** Dollars that may still be given back from the day's peak before the give-back limit trips. */
  roomGiveBack?: number | undefined;
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

/** Loss since the week's start (negative when down); 0 while the week's start is unknown. */
export function weekPnl(f: Pick<RiskFigures, "netLiq" | "weekStartBalance">): number {
  return f.weekStartBalance === undefined ? 0 : dayPnl(f.netLiq, f.weekStartBalance);
}

/** What the day gave back from its peak (never negative). */
export function givenBack(f: Pick<RiskFigures, "netLiq" | "dayPeak">): number {
  return f.dayPeak === undefined ? 0 : Math.max(0, cents(f.dayPeak - f.netLiq));
}

/** The weekly loss limit's verdict alone (the roll keeps a lock weekly while it still holds). */
export function weeklyBreach(limits: Limits, f: RiskFigures): LimitVerdict {
  const week = weekPnl(f);
  if (limits.weeklyLoss === undefined || week > -limits.weeklyLoss) return { breach: false };
  return {
    breach: true,
    kind: "weekly",
    reason: `weekly loss limit: week P&L ${usd(week)} reached ${usd(-limits.weeklyLoss)}`,
  };
}

/**
 * The most lasting breach wins: a trailing lock survives every roll and a weekly one the day's, so
 * when several trip at once the account is locked as the one that lasts longest.
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
  const weekly = weeklyBreach(limits, f);
  if (weekly.breach) return weekly;
  const pnl = dayPnl(f.netLiq, f.startOfDayBalance);
  if (limits.dailyLoss !== undefined && pnl <= -limits.dailyLoss) {
    return {
      breach: true,
      kind: "daily",
      reason: `daily loss limit: day P&L ${usd(pnl)} reached ${usd(-limits.dailyLoss)}`,
    };
  }
  const back = givenBack(f);
  if (limits.dailyGiveBack !== undefined && back >= limits.dailyGiveBack) {
    return {
      breach: true,
      kind: "giveback",
      reason: `daily give-back: ${usd(back)} given back from the day's peak ${usd(f.dayPeak ?? f.netLiq)} reached ${usd(limits.dailyGiveBack)}`,
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
    roomWeekly: limits.weeklyLoss === undefined ? undefined : cents(limits.weeklyLoss + weekPnl(f)),
    roomGiveBack: limits.dailyGiveBack === undefined ? undefined : cents(limits.dailyGiveBack - givenBack(f)),
    tradesLeft: tradesLeft(limits, f.tradesToday),
    trailingFloor: floor,
  };
}

export function tradesLeft(limits: Limits, tradesToday: number): number | undefined {
  return limits.maxTradesPerDay === undefined ? undefined : Math.max(0, limits.maxTradesPerDay - tradesToday);
}
