/** Wall-clock times in an IANA zone and the instants they name, for the news calendar's events. */

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

export function zoneFormat(zone: string): Intl.DateTimeFormat | undefined {
  let format = zoneFormats.get(zone);
  if (format) return format;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    return undefined;
  }
  zoneFormats.set(zone, format);
  return format;
}

/** The zone's offset from UTC at an instant, in ms (Chicago in summer: −5 h). */
export function offsetAt(format: Intl.DateTimeFormat, at: number): number {
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(at)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return wall - Math.floor(at / 1000) * 1000;
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A wall-clock time in a zone → the instant (a time DST skips is read with the offset before it). */
export function zonedInstant(wall: Wall, format: Intl.DateTimeFormat): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const first = asUtc - offsetAt(format, asUtc);
  return asUtc - offsetAt(format, first);
}

/** Midnight at the end of the wall date: 23 or 25 hours after its start on a day the clocks change. */
export function endOfDay(wall: Wall, format: Intl.DateTimeFormat): number {
  const next = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + 1));
  const midnight = { hour: 0, minute: 0, second: 0 };
  const day = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  return zonedInstant({ ...day, ...midnight }, format);
}

export function validWall(w: Wall): boolean {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day));
  return (
    d.getUTCFullYear() === w.year &&
    d.getUTCMonth() === w.month - 1 &&
    d.getUTCDate() === w.day &&
    w.hour < 24 &&
    w.minute < 60 &&
    w.second < 60
  );
}
