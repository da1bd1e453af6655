/**
 * Cell text helpers. Every text a component prints goes through truncate or padTo, so this is
 * where outside text is made safe (printable: no control characters or escape sequences) and
 * measured in terminal columns (a CJK character or an emoji takes two), which keeps table
 * columns aligned whatever a name contains.
 */
import { isPrintableAscii } from "../src/text/fastWidth.js";
import { displayWidth, printable } from "../src/text/terminal.js";

// Made on first use: the first Intl.Segmenter loads ICU's break data, 14-21 ms of a start, and
// the first frame's texts are almost all ASCII.
let graphemes: Intl.Segmenter | undefined;

/** Columns the text takes once printed (control characters removed). */
export function textWidth(s: string): number {
  return displayWidth(printable(s));
}

/** Printable, cut to width with "…" when it does not fit; never wider than width. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  const text = printable(s);
  if (displayWidth(text) <= width) return text;
  if (isPrintableAscii(text)) return `${text.slice(0, width - 1)}…`;
  // Whole characters only: a wide character that would straddle the edge is left out.
  let out = "";
  let used = 0;
  graphemes ??= new Intl.Segmenter();
  for (const { segment } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/**
 * Printable, cut from the start with "…" when it does not fit, so its end stays in view: a text
 * being typed, where what was typed last (and a typo in it) must be seen. Never wider than width.
 */
export function truncateStart(s: string, width: number): string {
  if (width <= 0) return "";
  const text = printable(s);
  if (displayWidth(text) <= width) return text;
  if (isPrintableAscii(text)) return `…${text.slice(text.length - (width - 1))}`;
  graphemes ??= new Intl.Segmenter();
  const parts = Array.from(graphemes.segment(text), (g) => g.segment);
  let out = "";
  let used = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    const w = displayWidth(parts[i] ?? "");
    if (used + w > width - 1) break;
    out = `${parts[i]}${out}`;
    used += w;
  }
  return `…${out}`;
}

/**
 * Printable, cut in the middle with "…" when it does not fit: for names that share a start and
 * differ at the end (a prop firm's account numbers), so two of them never read the same.
 */
export function truncateMiddle(s: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(s) <= width) return printable(s);
  const head = Math.floor((width - 1) / 2);
  const tail = width - 1 - head;
  return truncate(s, head + 1) + truncateStart(s, tail + 1).slice(1);
}

/**
 * Printable, in lines of at most width columns, broken at spaces (a word longer than a line is
 * cut into pieces): for a message that must be read in full, such as why a form will not save.
 */
export function wrapWords(s: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  let line = "";
  for (const word of printable(s).split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (textWidth(rest) > width) {
      if (line) lines.push(line);
      line = "";
      // At least one character, even one wider than the line, so the loop always ends.
      const piece = truncate(rest, width + 1).slice(0, -1) || ([...rest][0] ?? "");
      lines.push(piece);
      rest = rest.slice(piece.length);
    }
    if (!line) line = rest;
    else if (textWidth(line) + 1 + textWidth(rest) <= width) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Exactly width columns: truncated, then padded on the right (left) for left (right) alignment. */
export function padTo(s: string, width: number, align: "left" | "right" = "left"): string {
  const t = truncate(s, width);
  const pad = " ".repeat(Math.max(0, width - textWidth(t)));
  return align === "right" ? pad + t : t + pad;
}

const UNITS: readonly [number, string][] = [
  [1e3, "k"],
  [1e6, "M"],
  [1e9, "B"],
  [1e12, "T"],
];

/**
 * "+1234", "-560", "+12.3k", "-1.2M"; "—" when unknown. Sign only when asked. With a width, the
 * most precise form that fits it: "+1000.0k" was one column wider than the day P&L's and was cut
 * to "+1000.…", and "-123.5k" a room's to "-123.…". A tenth that rounds up to 1000 goes to the
 * next unit ("+1.0M"), and the sign is never the part left out.
 */
export function money(n: number | undefined, withSign = false, width = Number.POSITIVE_INFINITY): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  const dollars = Math.round(a);
  // Signed from what is shown: 40 cents lost is "0", not "-0".
  const sign = dollars === 0 ? "" : n < 0 ? "-" : withSign && n > 0 ? "+" : "";
  if (dollars < 1e4) return sign + dollars;
  const forms: string[] = [];
  for (const [unit, suffix] of UNITS) {
    const tenths = (a / unit).toFixed(1);
    const whole = Math.round(a / unit);
    // Not "0.1M" for $123k: a unit the amount does not reach says less than the one below.
    if (Number(tenths) >= 1 && Number(tenths) < 1000) forms.push(`${tenths}${suffix}`);
    if (whole >= 1 && whole < 1000) forms.push(`${whole}${suffix}`);
  }
  const fits = forms.find((f) => sign.length + f.length <= width);
  return sign + (fits ?? forms.at(-1) ?? a.toExponential(1));
}

/**
 * First row index to show so that `selected` stays visible in a window of `visible` rows, and
 * with it the lines through `through` that belong to it (a fill's results, a follower's orders),
 * as many as fit: a selected row drawn on the last line with what it owns cut off says nothing.
 */
export function windowStart(count: number, selected: number, visible: number, through = selected): number {
  if (visible <= 0 || count <= visible) return 0;
  const sel = Math.min(Math.max(selected, 0), count - 1);
  const end = Math.min(Math.max(through, sel), count - 1);
  return Math.min(sel, Math.max(0, end - visible + 1), count - visible);
}
