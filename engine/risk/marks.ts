import type { Limits } from "../../data/schema.js";
import type { FollowerRiskRecord } from "../types.js";
import { roll } from "./lockMachine.js";
import { tradingWeekOf } from "./tradingDay.js";

export interface MarksMoved {
  record: FollowerRiskRecord;
  /** Something a restart must not lose moved (a roll, a start of day or week): write it now. */
  saveNow: boolean;
  /** Only a peak rose (high-water mark, day peak): it may be written lazily. */
  saveLater: boolean;
}

/**
 * What a valuation at `netLiq` moves in the record: the roll when the day changed, a start of day
 * or week not known yet, the high-water mark and the day's peak. The record is changed in place
 * unless it rolls (then a new one is returned). A record from before the weekly loss limit starts
 * its week at today's start of day: the best figure it has.
 */
export function advanceMarks(
  current: FollowerRiskRecord,
  tradingDay: string,
  limits: Limits,
  netLiq: number,
): MarksMoved {
  let record = current;
  let saveNow = false;
  let saveLater = false;
  if (record.tradingDay !== tradingDay) {
    record = roll(record, { tradingDay, limits, netLiq });
    saveNow = true;
  } else if (record.startOfDayBalance === undefined) {
    record.startOfDayBalance = netLiq;
    saveNow = true;
  }
  if (record.tradingWeek === undefined) {
    record.tradingWeek = tradingWeekOf(tradingDay);
    record.weekStartBalance = record.startOfDayBalance ?? netLiq;
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
