import { isSecretKey, redactSecrets } from "./redact.js";

/**
 * One journal line's text: `{seq, at, type, ...payload, prev}`. What `prev` hashes is this exact
 * text, so the key order and the spelling here are the chain's format.
 */
export function lineText(
  seq: number,
  at: string,
  entry: Record<string, unknown> & { type: string },
  prev: string,
): string {
  const type = String(entry.type);
  try {
    // Most entries hold no secret-named key: skip the deep copy for them.
    const clean = (hasSecretKey(entry) ? redactSecrets(entry) : entry) as Record<string, unknown>;
    // Built key by key: a rest-and-spread copy of each entry cost about a third of this line.
    const line: Record<string, unknown> = { seq, at, type };
    for (const key in clean) if (!HEAD_KEYS.has(key)) line[key] = clean[key];
    line.prev = prev;
    return JSON.stringify(line);
  } catch (error) {
    // A BigInt or a cycle must not cost the line (and the chain) its place.
    const reason = `unserialisable entry: ${error instanceof Error ? error.message : String(error)}`;
    return JSON.stringify({ seq, at, type, error: reason, prev });
  }
}

/** Date's last time with a four-digit year, the last toISOString writes as `YYYY-…`. */
const LAST_PLAIN_YEAR_MS = 253_402_300_799_999;

/**
 * ISO text of epoch times. The lines of one fan-out share their millisecond, so the last text is
 * kept; a new millisecond in the same second reuses that second's text and writes its own
 * milliseconds (toISOString for each new millisecond was 0.5 % of the engine thread at 200
 * followers). The text is toISOString's, character for character: the chain hashes it.
 */
export class IsoTimes {
  private lastMs = Number.NaN;
  private lastText = "";
  private second = Number.NaN;
  /** `YYYY-MM-DDTHH:MM:SS.` of `second`. */
  private secondText = "";

  of(ms: number): string {
    if (ms === this.lastMs) return this.lastText;
    // What a Date keeps of it: the integer part, toward zero.
    const whole = Math.trunc(ms);
    let text: string;
    if (whole >= 0 && whole <= LAST_PLAIN_YEAR_MS) {
      const second = Math.floor(whole / 1000);
      if (second !== this.second) {
        this.second = second;
        this.secondText = new Date(second * 1000).toISOString().slice(0, 20);
      }
      const milli = whole - second * 1000;
      text = `${this.secondText}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
    } else text = new Date(ms).toISOString();
    this.lastMs = ms;
    this.lastText = text;
    return text;
  }
}

/** The keys every line has in its own places: first (seq, at, type) and last (prev). */
const HEAD_KEYS = new Set(["seq", "at", "type", "prev"]);

/**
 * Whether redactSecrets would remove anything (same walk, no copies). Every line is walked (some
 * 400 a leader fill at 200 followers): plain values are not called into, and arrays are looped
 * without a closure each.
 */
function hasSecretKey(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || value instanceof Date) return false;
  // A cycle (or absurd nesting) is left to redactSecrets, which reports it as unserialisable.
  if (depth > 64) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasSecretKey(value[i], depth + 1)) return true;
    return false;
  }
  // Anything but plain data (a Map, a Buffer, a class) goes through redactSecrets as before.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (isSecretKey(key)) return true;
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === "object" && inner !== null && hasSecretKey(inner, depth + 1)) return true;
  }
  return false;
}
