import { chicagoWallClock } from "../risk/tradingDay.js";

/**
 * Chicago wall-clock times as instants, for the trading windows (hours, flat-by, blackouts). The
 * conversion itself is tradingDay.ts's, so the windows and the 17:00 CT roll agree on DST.
 */

export const MINUTES_PER_DAY = 1440;

/** A civil date in Chicago, with its weekday (0 = Sunday … 6 = Saturday). */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

export function civilDate(year: number, month: number, day: number): CivilDate {
  const d = new Date(Date.UTC(year, month - 1, day));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return civilDate(date.year, date.month, date.day + days);
}

/** The Chicago date an instant falls on. */
export function chicagoDate(epochMs: number): CivilDate {
  const wall = chicagoWallClock(epochMs);
  return civilDate(wall.year, wall.month, wall.day);
}

/**
 * The instant a Chicago wall-clock time (minutes after midnight; 1440 is the next midnight) happens
 * on a date. A time that happens twice (01:00–01:59 on the November Sunday) is its first one; a
 * time that does not happen (02:00–02:59 on the March Sunday) is read as standard time, which the
 * clock shows as an hour later: a window is never lost to DST, only moved with it.
 */
export function chicagoInstant(date: CivilDate, minutes: number): number {
  const key = `${date.year}-${date.month}-${date.day}+${minutes}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  // Every group evaluates the same few days' boundaries again and again: Intl is the cost.
  if (instants.size >= MAX_REMEMBERED) instants.clear();
  const at = convert(date, minutes);
  instants.set(key, at);
  return at;
}

const instants = new Map<string, number>();
const MAX_REMEMBERED = 4096;

function convert(date: CivilDate, minutes: number): number {
  const on = minutes >= MINUTES_PER_DAY ? addDays(date, Math.floor(minutes / MINUTES_PER_DAY)) : date;
  const of = minutes % MINUTES_PER_DAY;
  const hour = Math.floor(of / 60);
  const minute = of % 60;
  for (const offsetHours of [5, 6]) {
    const candidate = Date.UTC(on.year, on.month - 1, on.day, hour + offsetHours, minute);
    const wall = chicagoWallClock(candidate);
    if (wall.day === on.day && wall.hour === hour && wall.minute === minute) return candidate;
  }
  return Date.UTC(on.year, on.month - 1, on.day, hour + 6, minute);
}

/** "08:30" → 510; "24:00" → 1440. The config schema has already checked the form. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** 510 → "08:30". */
export function hhmmOf(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** "15:00 CT" when `at` is on the same Chicago date as `now`, else "Mon 08:30 CT". */
export function ctWhen(at: number, now: number): string {
  const wall = chicagoWallClock(at);
  const time = `${String(wall.hour).padStart(2, "0")}:${String(wall.minute).padStart(2, "0")} CT`;
  const date = chicagoDate(at);
  const today = chicagoDate(now);
  const same = date.year === today.year && date.month === today.month && date.day === today.day;
  return same ? time : `${WEEKDAY_NAMES[date.weekday]} ${time}`;
}
