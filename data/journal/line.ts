import type { EventText } from "./eventText.js";
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

/**
 * lineText's line, spliced from the entry's own JSON text instead of a second stringify: an entry
 * whose own keys begin `type` (a string) and `at` (a finite time), with no other head key, no
 * secret-named key at any depth and nothing but plain data, has the text `{"type":<t>,"at":<n>`
 * followed by lineText's payload, key for key. Undefined for any other entry: lineText writes it.
 */
export function splicedLine(
  seq: number,
  at: string,
  entry: Record<string, unknown> & { type: string },
  text: EventText,
  prev: string,
): string | undefined {
  try {
    if (!spliceable(entry)) return undefined;
  } catch {
    // A getter that throws: lineText says so in the line, as before.
    return undefined;
  }
  const json = text.get();
  if (json === undefined) return undefined;
  const type = typeJson(entry.type);
  // Past `{"type":<t>,"at":` and the time's digits, to the payload's first comma (or the end).
  let from = TYPE_HEAD.length + type.length + AT_HEAD.length;
  while (from < json.length) {
    const c = json.charCodeAt(from);
    if (c === COMMA || c === CLOSE) break;
    from += 1;
  }
  return `{"seq":${seq},"at":"${at}","type":${type}${json.slice(from, -1)},"prev":"${prev}"}`;
}

const TYPE_HEAD = '{"type":';
const AT_HEAD = ',"at":';
const COMMA = 0x2c;
const CLOSE = 0x7d;

/** Each type's JSON text, for the few dozen event types (bounded against types nobody named). */
const typeTexts = new Map<string, string>();

function typeJson(type: string): string {
  let text = typeTexts.get(type);
  if (text === undefined) {
    text = JSON.stringify(type);
    if (typeTexts.size < 256) typeTexts.set(type, text);
  }
  return text;
}

/**
 * Whether JSON.stringify(entry) holds lineText's payload as it is (see splicedLine). One walk does
 * what hasSecretKey's would, and checks the order of the head keys.
 */
function spliceable(entry: Record<string, unknown>): boolean {
  const proto: unknown = Object.getPrototypeOf(entry);
  if (proto !== Object.prototype && proto !== null) return false;
  let index = 0;
  for (const key in entry) {
    if (!Object.hasOwn(entry, key)) return false;
    const value = entry[key];
    if (index === 0) {
      if (key !== "type" || typeof value !== "string") return false;
    } else if (index === 1) {
      if (key !== "at" || typeof value !== "number" || !Number.isFinite(value)) return false;
    } else if (HEAD_KEYS.has(key) || key === "toJSON" || isSecretKey(key)) return false;
    else if (typeof value === "object" && value !== null && hasSecretKey(value, 1)) return false;
    index += 1;
  }
  return index >= 2;
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
