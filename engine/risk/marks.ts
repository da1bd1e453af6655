import type { Limits } from "../../data/schema.js";
import type { CashBalance, FollowerRiskRecord, LiveMarks } from "../types.js";
import { roll } from "./lockMachine.js";
import { rolledPast, tradingWeekOf } from "./tradingDay.js";

export interface MarksMoved {
  record: FollowerRiskRecord;
  /** Something a restart must not lose moved (a roll, a start of day or week): write it now. */
  saveNow: boolean;
  /** Only a peak rose (high-water mark, day peak): it may be written lazily. */
  saveLater: boolean;
}

/** Whose valuation: a shadow follower's would-be one (issue 16), or an account's with its broker's day. */
export interface Valued {
  shadow?: boolean;
  holdings?: {
    dayStart?: CashBalance["dayStart"];
    weekStart?: CashBalance["weekStart"];
    cash?: number | undefined;
  };
}

/**
 * What a valuation at `netLiq` moves in the record: the roll when the day changed, a start of day
 * or week not known yet, the high-water mark and the day's peak. The record is changed in place
 * unless it rolls or its marks restart (then a new one is returned). A record from before the
 * weekly loss limit starts its week at today's start of day: the best figure it has.
 *
 * A start of day taken here (a follower new to mimik, or a roll missed while it was stopped) is
 * the balance the broker says the day began with, when it says so for this day: losses made
 * before mimik started count against the daily limits, as the firm counts them (with what open
 * positions are worth now, which the broker's figure does not say of the roll). A start of week
 * taken here is the broker's for this week the same way (Tradovate's), else the day's start. The
 * live roll at 17:00 CT takes net liquidation then (FollowerRisk.rollTo).
 */
export function advanceMarks(
  current: FollowerRiskRecord,
  tradingDay: string,
  limits: Limits,
  netLiq: number,
  of: Valued = {},
): MarksMoved {
  const shadow = of.shadow === true;
  const told = of.holdings?.dayStart;
  const toldWeek = of.holdings?.weekStart;
  const dayStart = !shadow && told?.tradingDay === tradingDay ? startOf(told.balance, netLiq, of) : undefined;
  const weekStart =
    !shadow && toldWeek?.tradingWeek === tradingWeekOf(tradingDay)
      ? startOf(toldWeek.balance, netLiq, of)
      : undefined;
  let record = current;
  let saveNow = false;
  let saveLater = false;
  if ((record.shadow === true) !== shadow) {
    record = restartedMarks(record, shadow);
    saveNow = true;
  }
  if (record.tradingDay === undefined || rolledPast(record.tradingDay, tradingDay)) {
    record = roll(record, { tradingDay, limits, netLiq, dayStart, weekStart });
    saveNow = true;
  } else if (record.startOfDayBalance === undefined) {
    record.startOfDayBalance = dayStart ?? netLiq;
    record.dayPeak = Math.max(record.dayPeak ?? netLiq, record.startOfDayBalance);
    saveNow = true;
  }
  if (record.tradingWeek === undefined) {
    record.tradingWeek = tradingWeekOf(tradingDay);
    record.weekStartBalance = weekStart ?? record.startOfDayBalance ?? netLiq;
    saveNow = true;
  } else if (record.weekStartBalance === undefined) {
    record.weekStartBalance = netLiq;
    saveNow = true;
  }
  if (record.highWaterMark === undefined || netLiq > record.highWaterMark) {
    record.highWaterMark = netLiq;
    saveLater = true;
  }
  if (record.dayPeak === undefined || netLiq > record.dayPeak) {
    record.dayPeak = netLiq;
    saveLater = true;
  }
  return { record, saveNow, saveLater: saveLater && !saveNow };
}

/**
 * A start the broker told (cash before what the day or week realized), with what positions held
 * now are worth: what was realized is counted, what positions carried from before are worth is not
 * known, so their open P&L now is taken as the start's (a held loss must not lock at once).
 */
function startOf(toldBalance: number, netLiq: number, of: Valued): number {
  const cash = of.holdings?.cash;
  return cash === undefined ? toldBalance : netLiq - (cash - toldBalance);
}

/**
 * The high-water mark a trailing drawdown limit is measured from. One set where there was none
 * starts at the net liquidation then (the first one seen when not known yet): the mark kept
 * before is a peak the limit never watched, and its floor could lock the account at once on a
 * number the trader never saw. A limit kept (or only changed in size) keeps its mark. A record
 * from before this was noted may have watched it: its mark is kept. Same record when unchanged.
 */
export function watchTrailing(
  record: FollowerRiskRecord,
  limits: Limits,
  netLiq: number | undefined,
): FollowerRiskRecord {
  const watching = limits.trailingDrawdown !== undefined;
  if (record.trailingWatched === watching) return record;
  if (record.trailingWatched === false) return { ...record, trailingWatched: true, highWaterMark: netLiq };
  return { ...record, trailingWatched: watching };
}

/**
 * The record with its marks restarting from the next valuation: the follower switched between
 * shadow and live (or a shadow's would-be P&L restarts at $0 with the process), so they are of
 * another P&L (a shadow's starts at $0, its account's is its balance) and read against the new
 * one would trip a limit at once or hide a loss. An account's own marks are kept aside while it is
 * a shadow and come back when it is live again (today's start and peak if still today, the week's
 * start if still this week, the high-water mark always): a switch must never reset its limits.
 * Its lock and the day's trades are kept.
 */
export function restartedMarks(record: FollowerRiskRecord, shadow: boolean): FollowerRiskRecord {
  const { startOfDayBalance, weekStartBalance, highWaterMark, dayPeak, shadow: was, live, ...kept } = record;
  if (!shadow) return live ? { ...kept, ...liveMarksBack(live, kept) } : kept;
  const aside = was
    ? live
    : { ...markDays(record), startOfDayBalance, weekStartBalance, highWaterMark, dayPeak };
  return aside ? { ...kept, shadow: true, live: aside } : { ...kept, shadow: true };
}

const markDays = (r: FollowerRiskRecord) => ({ tradingDay: r.tradingDay, tradingWeek: r.tradingWeek });

function liveMarksBack(live: LiveMarks, now: FollowerRiskRecord): Partial<FollowerRiskRecord> {
  const today = live.tradingDay === now.tradingDay;
  return {
    highWaterMark: live.highWaterMark,
    ...(today ? { startOfDayBalance: live.startOfDayBalance, dayPeak: live.dayPeak } : {}),
    ...(live.tradingWeek === now.tradingWeek ? { weekStartBalance: live.weekStartBalance } : {}),
  };
}
