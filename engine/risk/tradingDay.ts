/**
 * The futures trading day: it rolls at 17:00 America/Chicago (CME's daily close), DST-aware.
 * A session is named by the CT date it ends on, so 16:59 CT Monday belongs to Monday and
 * 17:00 CT Monday already belongs to Tuesday.
 *
 * Simplification on purpose: every calendar day rolls at 17:00, weekends included. Friday 17:00
 * starts "Saturday", Sunday 17:00 starts "Monday". Nothing trades over the weekend, so the extra
 * rolls only re-snapshot an unchanged balance; daily limits still reset exactly once between
 * Friday's close and Monday's session.
 */

const ROLL_HOUR_CT = 17;

/** One formatter for the process: building an Intl.DateTimeFormat is far costlier than using one. */
const chicago = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Chicago",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in Chicago at an instant. */
export function chicagoWallClock(epochMs: number): WallClock {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a valid time: ${epochMs}`);
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of chicago.formatToParts(epochMs)) {
    if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

/** Calendar arithmetic on a civil date (no time zone involved). */
function addDays(year: number, month: number, day: number, days: number): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The CT civil date whose 17:00 ends the session that contains `epochMs`. */
function sessionEndDate(epochMs: number): [number, number, number] {
  const wall = chicagoWallClock(epochMs);
  return wall.hour >= ROLL_HOUR_CT
    ? addDays(wall.year, wall.month, wall.day, 1)
    : [wall.year, wall.month, wall.day];
}

/** YYYY-MM-DD of the trading day (the CT date the session ends on) that contains `epochMs`. */
export function tradingDayOf(epochMs: number): string {
  const [y, m, d] = sessionEndDate(epochMs);
  return isoDate(y, m, d);
}

/**
 * The instant of 17:00 CT on a civil date. Chicago is UTC-6 (CST) or UTC-5 (CDT); 17:00 is never
 * inside a DST gap or overlap (those are at 02:00), so exactly one of the two offsets matches.
 */
export function chicagoFivePm(year: number, month: number, day: number): number {
  for (const offsetHours of [5, 6]) {
    const candidate = Date.UTC(year, month - 1, day, ROLL_HOUR_CT + offsetHours);
    const wall = chicagoWallClock(candidate);
    if (wall.day === day && wall.hour === ROLL_HOUR_CT && wall.minute === 0) return candidate;
  }
  throw new Error(`no 17:00 in Chicago on ${isoDate(year, month, day)}`);
}

/** The next roll strictly after `epochMs` (a time exactly at 17:00 CT gets the following day's). */
export function nextRollAt(epochMs: number): number {
  const [y, m, d] = sessionEndDate(epochMs);
  return chicagoFivePm(y, m, d);
}

/**
 * The trading week a trading day belongs to, named by its Monday (YYYY-MM-DD). The week rolls with
 * the Sunday 17:00 CT roll, which starts Monday's session: Saturday's and Sunday's trading days (the
 * weekend's extra rolls) still belong to the week that ended on Friday.
 */
export function tradingWeekOf(tradingDay: string): string {
  // Asked of the same day on every balance and valuation (hundreds a leader fill at 200
  // followers), and it cannot change: the last answer is kept.
  if (tradingDay === lastWeekOf?.day) return lastWeekOf.week;
  const week = weekOf(tradingDay);
  lastWeekOf = { day: tradingDay, week };
  return week;
}

let lastWeekOf: { day: string; week: string } | undefined;

function weekOf(tradingDay: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(tradingDay);
  if (!m) throw new RangeError(`not a trading day: ${tradingDay}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay(); // 0 = Sunday
  const back = (weekday + 6) % 7;
  return isoDate(...addDays(year, month, day, -back));
}

/**
 * Has the day a record belongs to ended by `tradingDay`? Only forward: a record of a later day (the
 * machine's clock set back across a 17:00 CT roll, then a restart) is still that day's, or its
 * daily lock and start of day would be dropped, and taken again an hour later from the loss.
 */
export function rolledPast(recordDay: string | undefined, tradingDay: string): boolean {
  return recordDay !== undefined && recordDay < tradingDay;
}
