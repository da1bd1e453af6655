import type { Windows } from "../../data/schema.js";
import { type EpochMs, SKIP_REASONS, type WindowReason } from "../types.js";
import {
  addDays,
  type CivilDate,
  chicagoDate,
  chicagoInstant,
  ctWhen,
  hhmmOf,
  minutesOf,
} from "./chicago.js";

/**
 * A group's trading windows as pure functions: the rules compiled from the config, and the state
 * they give at an instant (are openings held back, and why; must followers be flat; what changes
 * next and when). Evaluated on a timer (engine/windows/tradingWindows.ts), never on the copy path.
 */

/** One blackout from the trader's calendar (news: CPI, FOMC, NFP). */
export interface Blackout {
  name: string;
  start: EpochMs;
  end: EpochMs;
}

export interface HoursRule {
  /** Weekdays (0 = Sunday) the window opens on. */
  days: ReadonlySet<number>;
  /** Minutes after Chicago midnight; `to` ≤ `from` runs into the next day. */
  from: number;
  to: number;
}

export interface WindowRules {
  /** Undefined: openings are allowed at any hour. */
  hours?: readonly HoursRule[] | undefined;
  /** Minutes after Chicago midnight, Monday to Friday. */
  flatBy?: number | undefined;
  blackouts: readonly Blackout[];
  /** Flatten this long before each blackout (0 = at its start); undefined = never flatten for one. */
  flattenBeforeMs?: number | undefined;
}

export interface WindowState {
  /** Why openings are held back now; undefined while they are allowed. */
  held?: WindowReason | undefined;
  /** The followers must be flat now: since when (the flatten's instant) and why. */
  flatten?: { since: EpochMs; reason: WindowReason } | undefined;
  /** The next change of the above, with its words for the screen ("openings close 15:00 CT"). */
  next?: { at: EpochMs; text: string } | undefined;
  /** Evaluate again at this instant at the latest (the next change, or a day ahead). */
  until: EpochMs;
}

export const WINDOW_REASONS = {
  outsideHours: SKIP_REASONS.outsideHours,
  blackout: (name: string): WindowReason => `blackout: ${name}`,
  flatBy: (minutes: number): WindowReason => `flat by ${hhmmOf(minutes)} CT`,
} as const;

/** Whether a skip's reason is a group's trading window (the words WINDOW_REASONS writes). */
export function isWindowReason(reason: string): reason is WindowReason {
  return (
    reason === WINDOW_REASONS.outsideHours ||
    reason.startsWith("blackout: ") ||
    (reason.startsWith("flat by ") && reason.endsWith(" CT"))
  );
}

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The weekdays (0 = Sunday) a config `days` names: "mon-fri", "fri-mon" (wraps), "wed", or a list. */
export function weekdaysOf(days: string | readonly string[]): number[] {
  const index = (d: string) => WEEKDAYS.indexOf(d.toLowerCase());
  if (typeof days !== "string") return [...new Set(days.map(index))].filter((d) => d >= 0).sort();
  const [from = "", to] = days.split("-");
  const a = index(from);
  const b = index(to ?? from);
  if (a < 0 || b < 0) return [];
  const out: number[] = [];
  for (let d = a; ; d = (d + 1) % 7) {
    out.push(d);
    if (d === b) break;
  }
  return out.sort();
}

/** The config's windows with the blackouts of its calendar (already read) → rules. */
export function compileRules(windows: Windows | undefined, blackouts: readonly Blackout[]): WindowRules {
  const only = windows?.blackouts?.only?.map((o) => o.toLowerCase());
  const minutesBefore = windows?.blackouts?.flattenMinutesBefore;
  return {
    hours: windows?.hours?.map((h) => ({
      days: new Set(weekdaysOf(h.days)),
      from: minutesOf(h.from),
      to: minutesOf(h.to),
    })),
    flatBy: windows?.flatBy === undefined ? undefined : minutesOf(windows.flatBy),
    blackouts: windows?.blackouts
      ? blackouts.filter((b) => !only || only.some((o) => b.name.toLowerCase().includes(o)))
      : [],
    flattenBeforeMs: minutesBefore === undefined ? undefined : minutesBefore * 60_000,
  };
}

/** Rules that never hold anything back (a group without windows). */
export function hasRules(rules: WindowRules): boolean {
  return rules.hours !== undefined || rules.flatBy !== undefined || rules.blackouts.length > 0;
}

type Span =
  | { kind: "hours"; start: number; end: number }
  | { kind: "flat"; start: number; end: number; reason: WindowReason }
  | { kind: "blackout"; start: number; end: number; reason: WindowReason; flatten: boolean };

/** 17:00 CT: CME's session opens (the trading day rolls, engine/risk/tradingDay.ts). */
const SESSION_OPEN = 17 * 60;
/** A flat-by lasts until the next window, up to a week on (Friday's runs past the weekend into Monday). */
const DAYS_BACK = 7;
const DAYS_AHEAD = 8;
/** However far the next change, the state is looked at again within a day (the spans are rebuilt). */
const MAX_UNTIL_MS = 24 * 3600_000;

/** The spans that matter around `now`: hours, flat-by periods and blackouts, each [start, end). */
function spansAround(rules: WindowRules, now: number): Span[] {
  const today = chicagoDate(now);
  const dates: CivilDate[] = [];
  for (let d = -DAYS_BACK; d <= DAYS_AHEAD; d++) dates.push(addDays(today, d));
  const hours: Span[] = [];
  for (const date of dates) {
    for (const rule of rules.hours ?? []) {
      if (!rule.days.has(date.weekday)) continue;
      const start = chicagoInstant(date, rule.from);
      const end = chicagoInstant(rule.to > rule.from ? date : addDays(date, 1), rule.to);
      hours.push({ kind: "hours", start, end });
    }
  }
  hours.sort((a, b) => a.start - b.start);
  const horizon = chicagoInstant(addDays(today, DAYS_AHEAD + 1), 0);
  const spans: Span[] = [...hours];
  if (rules.flatBy !== undefined) {
    const reason = WINDOW_REASONS.flatBy(rules.flatBy);
    for (const date of dates) {
      if (date.weekday === 0 || date.weekday === 6) continue;
      const start = chicagoInstant(date, rules.flatBy);
      // Until openings are allowed again: the next window's start, or without hours the next
      // session (the 17:00 CT roll). A window the flat-by falls in is cut short by it.
      const end = rules.hours
        ? (hours.find((h) => h.start > start)?.start ?? horizon)
        : chicagoInstant(rules.flatBy < SESSION_OPEN ? date : addDays(date, 1), SESSION_OPEN);
      spans.push({ kind: "flat", start, end, reason });
    }
  }
  const before = rules.flattenBeforeMs;
  const from = chicagoInstant(addDays(today, -DAYS_BACK), 0);
  for (const b of rules.blackouts) {
    const start = b.start - (before ?? 0);
    if (b.end <= from || start >= horizon || b.end <= b.start) continue;
    spans.push({
      kind: "blackout",
      start,
      end: b.end,
      reason: WINDOW_REASONS.blackout(b.name),
      flatten: before !== undefined,
    });
  }
  return spans;
}

type Held = Pick<WindowState, "held" | "flatten">;

/** Blackouts first (the news is the reason a trader wants to read), then flat-by, then hours. */
function heldAt(rules: WindowRules, spans: readonly Span[], t: number): Held {
  let blackout: Extract<Span, { kind: "blackout" }> | undefined;
  let flat: Extract<Span, { kind: "flat" }> | undefined;
  let inHours = false;
  for (const s of spans) {
    if (t < s.start || t >= s.end) continue;
    if (s.kind === "blackout") {
      if (!blackout || s.start < blackout.start) blackout = s;
    } else if (s.kind === "flat") {
      if (!flat || s.start > flat.start) flat = s;
    } else inHours = true;
  }
  const flatBy = flat && { since: flat.start, reason: flat.reason };
  // A blackout that does not flatten still leaves the flat-by's flatten in force.
  if (blackout)
    return {
      held: blackout.reason,
      flatten: blackout.flatten ? { since: blackout.start, reason: blackout.reason } : flatBy,
    };
  if (flat) return { held: flat.reason, flatten: flatBy };
  if (rules.hours && !inHours) return { held: WINDOW_REASONS.outsideHours };
  return {};
}

const same = (a: Held, b: Held) => a.held === b.held && a.flatten?.since === b.flatten?.since;

/** What the next state is called on screen: "openings close 15:00 CT", "blackout CPI Wed 07:30 CT". */
function changeText(from: Held, to: Held, at: number, now: number): string {
  const when = ctWhen(at, now);
  if (to.held === undefined) return `openings open ${when}`;
  if (to.held === WINDOW_REASONS.outsideHours)
    return from.held === undefined ? `openings close ${when}` : `outside hours from ${when}`;
  // Only a flatten that starts here is news: one already in force (a flat-by under a flattening
  // blackout, in force again when the blackout ends) is not this change's.
  const flattens = to.flatten !== undefined && to.flatten.since === at;
  if (flattens && to.flatten?.reason.startsWith("flat by ")) return `flat by ${when}`;
  // A blackout ending inside the flat-by: the followers stay flat, nothing is flattened then.
  if (to.held.startsWith("flat by ")) return `blackout ${nameOf(from.held)} ends ${when}`;
  const name = nameOf(to.held);
  return flattens ? `flatten for ${name} ${when}` : `blackout ${name} ${when}`;
}

/** A blackout's event name ("CPI" of "blackout: CPI"); any other reason as it is. */
function nameOf(held: WindowReason | undefined): string {
  return held?.startsWith("blackout: ") ? held.slice(10) : (held ?? "");
}

/** The window state at `now`: what is held back, whether followers must be flat, and what comes next. */
export function windowState(rules: WindowRules, now: number): WindowState {
  if (!hasRules(rules)) return { until: now + MAX_UNTIL_MS };
  const spans = spansAround(rules, now);
  const current = heldAt(rules, spans, now);
  const boundaries = [...new Set(spans.flatMap((s) => [s.start, s.end]))]
    .filter((t) => t > now)
    .sort((a, b) => a - b);
  let next: WindowState["next"];
  for (const t of boundaries) {
    const then = heldAt(rules, spans, t);
    if (same(then, current)) continue;
    next = { at: t, text: changeText(current, then, t, now) };
    break;
  }
  return { ...current, next, until: Math.min(next?.at ?? Number.POSITIVE_INFINITY, now + MAX_UNTIL_MS) };
}
