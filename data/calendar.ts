import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import type { Blackout } from "../engine/index.js";
import { parseJson } from "./jsonText.js";
import type { Problem } from "./problems.js";
import type { Config } from "./schema.js";
import { endOfDay, validWall, type Wall, zonedInstant, zoneFormat } from "./zonedTime.js";

/**
 * The trader's news calendar (issue 16 blackouts), read as JSON or iCalendar (.ics). iCalendar is
 * parsed here, minimally and strictly, rather than with a library: mimik needs VEVENT's DTSTART,
 * DTEND (or DURATION) and SUMMARY only, and what it cannot read it refuses with the line, never
 * skips: a blackout dropped in silence is a position held through CPI.
 *
 * Times: UTC ("…Z"), a TZID (any IANA zone, e.g. America/Chicago or America/New_York), or neither
 * (floating: read as Chicago time, mimik's time everywhere); a date alone is an all-day event
 * (Chicago midnight to midnight).
 */

/** A calendar file that cannot be used: which file, which line when known, what is wrong. */
export class CalendarError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number | undefined,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${reason}`);
    this.name = "CalendarError";
  }
}

const CHICAGO = "America/Chicago";
const DAY_MS = 86_400_000;
/** What a name may show: control characters would reach the terminal. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Where a group's calendar is: "~/…" from home, a relative path from the config file's folder. */
export function calendarPath(file: string, configPath: string | undefined): string {
  if (file === "~" || file.startsWith("~/")) return join(homedir(), file.slice(1));
  if (isAbsolute(file) || configPath === undefined) return resolve(file);
  return resolve(dirname(configPath), file);
}

/** Read and parse one calendar; throws CalendarError (missing, unreadable, malformed). */
export async function readCalendar(path: string, display = path): Promise<Blackout[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CalendarError(
      display,
      code === "ENOENT" ? "calendar file not found" : `cannot read the calendar (${code ?? String(error)})`,
    );
  }
  return parseCalendar(text, display, extname(path).toLowerCase());
}

/** Text → blackouts, by extension (.ics / .json), else by what the text looks like. */
export function parseCalendar(text: string, file: string, ext = ""): Blackout[] {
  const ics = ext === ".ics" || (ext !== ".json" && /^\s*BEGIN:VCALENDAR/i.test(text));
  const events = ics ? parseIcs(text, file) : parseJsonCalendar(text, file);
  return events.sort((a, b) => a.start - b.start);
}

/** The calendar files the config names, as it names them. */
export function calendarFiles(config: Config): string[] {
  return [...new Set(config.groups.flatMap((g) => g.windows?.blackouts?.file ?? []))];
}

/**
 * Every group's calendar, read once per file: blackouts by the file as the config names it, and
 * the problems (`mimik config check`, a start, a reload).
 */
export async function readCalendars(
  config: Config,
  configPath: string | undefined,
  display = configPath ?? "config",
): Promise<{ calendars: Record<string, Blackout[]>; problems: Problem[] }> {
  const calendars: Record<string, Blackout[]> = {};
  const problems: Problem[] = [];
  const tried = new Set<string>();
  for (const [gi, group] of config.groups.entries()) {
    const file = group.windows?.blackouts?.file;
    if (file === undefined || tried.has(file)) continue;
    tried.add(file);
    try {
      calendars[file] = await readCalendar(calendarPath(file, configPath), file);
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      problems.push({
        file: display,
        path: `groups[${gi}].windows.blackouts.file`,
        message: `group "${group.name}": ${error.message}`,
        fix: 'fix the calendar, JSON or iCalendar (README: Trading windows), or point "file" to another one',
      });
    }
  }
  return { calendars, problems };
}

// ---------------------------------------------------------------------------------------------
// iCalendar (RFC 5545), the part a news calendar uses

interface IcsLine {
  line: number;
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Lines unfolded (a line starting with a space or tab continues the one before), with their numbers. */
function icsLines(text: string): IcsLine[] {
  const raw = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const joined: { line: number; text: string }[] = [];
  raw.forEach((t, i) => {
    const last = joined[joined.length - 1];
    if ((t.startsWith(" ") || t.startsWith("\t")) && last) last.text += t.slice(1);
    else if (t.trim() !== "") joined.push({ line: i + 1, text: t });
  });
  return joined.map(({ line, text: t }) => {
    const colon = t.indexOf(":");
    const head = colon < 0 ? t : t.slice(0, colon);
    const [name = "", ...params] = head.split(";");
    return {
      line,
      name: name.toUpperCase(),
      params: Object.fromEntries(
        params.map((p) => {
          const eq = p.indexOf("=");
          return [p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"|"$/g, "")];
        }),
      ),
      value: colon < 0 ? "" : t.slice(colon + 1),
    };
  });
}

function icsText(value: string): string {
  return value.replace(/\\n/gi, " ").replace(/\\([,;\\])/g, "$1");
}

/** An instant and, for a date alone (an all-day event), the midnight it ends at. */
interface EventTime {
  at: number;
  dayEnd?: number | undefined;
}

/** DTSTART/DTEND → instant. */
function icsTime(l: IcsLine, file: string): EventTime {
  const fail = (why: string) => new CalendarError(file, `${l.name} "${l.value}": ${why}`, l.line);
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(l.value);
  const time = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(l.value);
  const m = date ?? time;
  if (!m) throw fail("not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS, optionally Z)");
  const n = m.slice(1, 7).map((x) => Number(x ?? 0));
  const wall: Wall = {
    year: n[0] ?? 0,
    month: n[1] ?? 0,
    day: n[2] ?? 0,
    hour: date ? 0 : (n[3] ?? 0),
    minute: date ? 0 : (n[4] ?? 0),
    second: date ? 0 : (n[5] ?? 0),
  };
  if (!validWall(wall)) throw fail("no such date or time");
  if (time?.[7] === "Z")
    return { at: Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) };
  const zone = l.params.TZID ?? CHICAGO;
  const format = zoneFormat(zone);
  if (!format)
    throw fail(
      `unknown time zone "${zone}" (use an IANA name such as America/Chicago, or UTC times ending in Z)`,
    );
  return { at: zonedInstant(wall, format), dayEnd: date ? endOfDay(wall, format) : undefined };
}

/** "PT30M", "PT1H30M", "P1D" → ms. */
function icsDuration(l: IcsLine, file: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(l.value);
  if (!m || l.value === "P" || l.value.endsWith("T"))
    throw new CalendarError(file, `DURATION "${l.value}": not a duration such as PT30M or PT1H`, l.line);
  const [w, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  return ((w ?? 0) * 7 + (d ?? 0)) * DAY_MS + ((h ?? 0) * 3600 + (mi ?? 0) * 60 + (s ?? 0)) * 1000;
}

function parseIcs(text: string, file: string): Blackout[] {
  const lines = icsLines(text);
  if (lines[0]?.name !== "BEGIN" || lines[0].value.toUpperCase() !== "VCALENDAR")
    throw new CalendarError(
      file,
      "not an iCalendar file: it must start with BEGIN:VCALENDAR",
      lines[0]?.line ?? 1,
    );
  const events: Blackout[] = [];
  let event: { line: number; props: Map<string, IcsLine> } | undefined;
  let depth = 0;
  for (const l of lines) {
    if (l.name === "BEGIN" && l.value.toUpperCase() === "VEVENT") {
      if (event) throw new CalendarError(file, "BEGIN:VEVENT inside another event", l.line);
      event = { line: l.line, props: new Map() };
      continue;
    }
    if (l.name === "END" && l.value.toUpperCase() === "VEVENT") {
      if (!event) throw new CalendarError(file, "END:VEVENT without BEGIN:VEVENT", l.line);
      events.push(icsEvent(event.line, event.props, file));
      event = undefined;
      continue;
    }
    if (l.name === "BEGIN") depth += 1;
    else if (l.name === "END") depth -= 1;
    // Alarms and time-zone definitions nested in an event are not the event's own times.
    if (event && depth === 1 && !event.props.has(l.name)) event.props.set(l.name, l);
  }
  if (event) throw new CalendarError(file, "event not closed: END:VEVENT missing", event.line);
  return events;
}

function icsEvent(line: number, props: Map<string, IcsLine>, file: string): Blackout {
  const title = props.get("SUMMARY");
  const name = cleanName(title ? icsText(title.value) : "");
  const what = `event "${name}"`;
  const startLine = props.get("DTSTART");
  if (!startLine) throw new CalendarError(file, `${what} has no DTSTART`, line);
  if (props.has("RRULE") || props.has("RDATE"))
    throw new CalendarError(
      file,
      `${what} repeats (RRULE/RDATE): mimik reads single events only; list each date as its own event`,
      props.get("RRULE")?.line ?? props.get("RDATE")?.line,
    );
  const start = icsTime(startLine, file);
  const endLine = props.get("DTEND");
  const durationLine = props.get("DURATION");
  let end: number;
  if (endLine) end = icsTime(endLine, file).at;
  else if (durationLine) end = start.at + icsDuration(durationLine, file);
  else if (start.dayEnd !== undefined) end = start.dayEnd;
  else throw new CalendarError(file, `${what} has no DTEND or DURATION: how long is the blackout?`, line);
  if (end <= start.at)
    throw new CalendarError(
      file,
      `${what} ends before it starts (DTEND not after DTSTART)`,
      endLine?.line ?? line,
    );
  return { name, start: start.at, end };
}

// ---------------------------------------------------------------------------------------------
// JSON: { "events": [ { "name": "CPI", "start": "2026-06-16T07:30", "end": "2026-06-16T07:45" } ] }

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** An ISO time: with Z or an offset it is that instant; without one, Chicago time; a date alone is all-day. */
function jsonTime(value: unknown, where: string, file: string): EventTime {
  const fail = (why: string) => new CalendarError(file, `${where}: ${why}`);
  if (typeof value !== "string")
    throw fail('must be a time such as "2026-06-16T07:30" (Chicago) or "2026-06-16T12:30:00Z"');
  const local = ISO_LOCAL.exec(value.trim());
  if (local) {
    const n = local.slice(1).map((x) => Number(x ?? 0));
    const wall: Wall = {
      year: n[0] ?? 0,
      month: n[1] ?? 0,
      day: n[2] ?? 0,
      hour: n[3] ?? 0,
      minute: n[4] ?? 0,
      second: n[5] ?? 0,
    };
    if (!validWall(wall)) throw fail(`"${value}" is no such date or time`);
    const format = zoneFormat(CHICAGO) as Intl.DateTimeFormat;
    return {
      at: zonedInstant(wall, format),
      dayEnd: local[4] === undefined ? endOfDay(wall, format) : undefined,
    };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return { at };
  }
  throw fail(`"${value}" is not a time such as "2026-06-16T07:30" (Chicago) or "2026-06-16T12:30:00Z"`);
}

function parseJsonCalendar(text: string, file: string): Blackout[] {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new CalendarError(file, `not valid JSON: ${parsed.error.message}`, parsed.error.line);
  const value = parsed.value;
  const list = Array.isArray(value) ? value : (value as { events?: unknown } | null)?.events;
  if (!Array.isArray(list))
    throw new CalendarError(file, 'must hold { "events": [ … ] } (or a list of events); see the README');
  return list.map((item, i) => {
    const where = `events[${i}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item))
      throw new CalendarError(
        file,
        `${where}: must be an object with "name", "start" and "end" (or "minutes")`,
      );
    const e = item as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !["name", "start", "end", "minutes"].includes(k));
    if (unknown.length > 0)
      throw new CalendarError(
        file,
        `${where}: unknown field ${unknown.map((k) => `"${k}"`).join(", ")} (name, start, end, minutes)`,
      );
    if (typeof e.name !== "string" || e.name.trim() === "")
      throw new CalendarError(file, `${where}.name: must be the event's name, e.g. "CPI"`);
    const start = jsonTime(e.start, `${where}.start`, file);
    let end: number;
    if (e.end !== undefined) end = jsonTime(e.end, `${where}.end`, file).at;
    else if (e.minutes !== undefined) {
      if (
        typeof e.minutes !== "number" ||
        !Number.isInteger(e.minutes) ||
        e.minutes <= 0 ||
        e.minutes > 7 * 1440
      )
        throw new CalendarError(file, `${where}.minutes: must be a whole number of minutes, 1 to 10080`);
      end = start.at + e.minutes * 60_000;
    } else if (start.dayEnd !== undefined) end = start.dayEnd;
    else throw new CalendarError(file, `${where}: needs "end" or "minutes" (how long the blackout lasts)`);
    if (end <= start.at) throw new CalendarError(file, `${where}: ends before it starts`);
    return { name: cleanName(e.name), start: start.at, end };
  });
}

function cleanName(name: string): string {
  const clean = name.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return (clean || "news").slice(0, 40);
}
