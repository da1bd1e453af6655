/**
 * The bottom bar's lines: a question or a flash message is read in full, not cut at 80 columns
 * ("Turn on reconcile "full" for Index Scalps? At a re-sync mimik will also … y/N" hid what a
 * "y" opens; "FAILED DEMO2001: daily loss limit … it cl…" hid when it clears and that U forces
 * it). It wraps over up to MAX_BOTTOM_LINES lines, which the Live fills pane gives up
 * (layout's bottomLines); past that, the last line is cut, a question's " y/N" never.
 */
import { type Layout, layout, MAX_BOTTOM_LINES } from "../src/screen/layout.js";
import { textWidth, truncate, wrapWords } from "./text.js";

export const ASK = " y/N ";

/** A question's lines, " y/N " ending the last. */
export function questionLines(message: string, width: number): string[] {
  // Full lines; only the last needs room for the y/N.
  const wrapped = wrapWords(`⚠ ${message}`, Math.max(1, width));
  const tail = wrapped.pop() ?? "";
  const lines = capped([...wrapped, ...wrapWords(tail, Math.max(1, width - ASK.length))], width - ASK.length);
  const last = lines.length - 1;
  return lines.map((l, i) => truncate(i === last ? `${l}${ASK}` : l, width));
}

/** A flash message's lines, "» " first. */
export function flashLines(message: string, width: number): string[] {
  return capped(wrapWords(`» ${message}`, Math.max(1, width)), width);
}

/** At most MAX_BOTTOM_LINES, the last cut with "…" when more did not fit. */
function capped(lines: string[], width: number): string[] {
  if (lines.length <= MAX_BOTTOM_LINES) return lines.length ? lines : [""];
  const kept = lines.slice(0, MAX_BOTTOM_LINES);
  const last = kept.length - 1;
  const more = `${kept[last]} ${lines[MAX_BOTTOM_LINES]}`;
  kept[last] = textWidth(more) > width ? truncate(more, width) : `${more}…`;
  return kept;
}

/** How many lines the bottom bar takes: a question's, else a flash message's, else the hints' one. */
export function bottomLineCount(
  bar: { question?: string | undefined; flash?: string | undefined },
  width: number,
): number {
  if (bar.question !== undefined) return questionLines(bar.question, width).length;
  if (bar.flash) return flashLines(bar.flash, width).length;
  return 1;
}

/** The screen's layout for a terminal size with the bottom bar as the screen state makes it. */
export function screenLayout(
  columns: number,
  rows: number,
  state: { confirm?: { message: string } | undefined; flash?: string | undefined },
): Layout {
  return layout(
    columns,
    rows,
    bottomLineCount({ question: state.confirm?.message, flash: state.flash }, columns),
  );
}
