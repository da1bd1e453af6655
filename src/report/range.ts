import { UserError } from "../../data/userError.js";
import { chicagoFivePm, type EpochMs, tradingDayOf } from "../../engine/index.js";

/**
 * Which trading days a report covers. A trading day is named by the Chicago date its session ends
 * on and runs from 17:00 CT the day before to 17:00 CT that day (DST-aware), as the risk limits
 * count it: `--date 2026-11-27` is 2026-11-26 17:00 CT up to 2026-11-27 17:00 CT.
 */

export interface ReportRange {
  /** First and last trading day, YYYY-MM-DD. */
  from: string;
  to: string;
  /** [start, end) in epoch ms. */
  start: EpochMs;
  end: EpochMs;
}

export interface RangeFlags {
  date?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** y, m, d of a YYYY-MM-DD that is a real calendar date; undefined otherwise. */
export function parseDay(text: string): [number, number, number] | undefined {
  const m = DAY.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return [y, mo, d];
}

function day(text: string, flag: string): [number, number, number] {
  const parsed = parseDay(text);
  if (!parsed)
    throw new UserError(
      `mimik report: --${flag} "${text}" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27`,
      2,
    );
  return parsed;
}

/** When the session named `day` starts and ends. */
export function sessionBounds([y, m, d]: [number, number, number]): { start: EpochMs; end: EpochMs } {
  const before = new Date(Date.UTC(y, m - 1, d - 1));
  return {
    start: chicagoFivePm(before.getUTCFullYear(), before.getUTCMonth() + 1, before.getUTCDate()),
    end: chicagoFivePm(y, m, d),
  };
}

const iso = ([y, m, d]: [number, number, number]) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** --date, or --from [--to], or today's trading day. Mistakes are usage errors saying what to write. */
export function reportRange(flags: RangeFlags, now: EpochMs): ReportRange {
  if (flags.date !== undefined && (flags.from !== undefined || flags.to !== undefined))
    throw new UserError("mimik report: give --date for one day, or --from and --to for a range, not both", 2);
  if (flags.to !== undefined && flags.from === undefined)
    throw new UserError("mimik report: --to needs --from (the first day of the range)", 2);
  const today = parseDay(tradingDayOf(now))!;
  const first =
    flags.date !== undefined
      ? day(flags.date, "date")
      : flags.from !== undefined
        ? day(flags.from, "from")
        : today;
  const last =
    flags.date !== undefined
      ? first
      : flags.to !== undefined
        ? day(flags.to, "to")
        : flags.from !== undefined
          ? today
          : first;
  if (iso(first) > iso(last))
    throw new UserError(
      flags.to !== undefined
        ? `mimik report: --from ${iso(first)} is after --to ${iso(last)}`
        : // Without --to the range ends today: name today, not a --to the trader never wrote.
          `mimik report: --from ${iso(first)} is after today's trading day ${iso(last)} (nothing to report yet); give --from ${iso(last)} or earlier`,
      2,
    );
  return { from: iso(first), to: iso(last), start: sessionBounds(first).start, end: sessionBounds(last).end };
}

export function inRange(range: Pick<ReportRange, "start" | "end">, at: EpochMs): boolean {
  return at >= range.start && at < range.end;
}
