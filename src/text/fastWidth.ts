import { oneGraphemePerChar } from "./graphemes.js";
import { remembered } from "./remembered.js";

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** Printable ASCII only: each character one column, whatever the terminal. */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}
/** What starts an escape sequence (ESC, CSI), as string-width looks for before it strips them. */
const ESCAPE = /[\u001b\u009b]/;

/** Widths remembered; past this the memory starts again (a screen has a few hundred lines). */
const REMEMBERED = 4096;

export type WidthOf = (text: string, options?: object) => number;

/**
 * `widthOf` (string-width) made cheap for what a console draws over and over. string-width
 * segments every string into graphemes with Intl.Segmenter; Ink measures each line of each frame
 * with it (styled, so escapes and box lines are in them), and in a profile of the console copying
 * to 20 followers that was 12% of its main thread. Printable ASCII is its length; any other text
 * is measured once and remembered, as the same lines come back frame after frame: text whose
 * every character is a grapheme of its own as the sum of its characters' widths (each measured
 * once by string-width), the rest by string-width.
 * A call with options is string-width's alone. The bundle (scripts/bundle.mjs) puts this in front
 * of every string-width it ships, Ink's included.
 *
 * `known`: characters' widths as this very string-width gave them when the bundle was built (the
 * console's own glyphs). The first measurement of a character outside ASCII builds string-width's
 * emoji regex and loads ICU's segmenter, some 60 ms of a start on a slow machine, and the first
 * frame draws box lines and arrows.
 *
 * `stripAnsi`: the strip-ansi that this string-width strips escape sequences with. Given it, a
 * styled line is measured by its characters too, once its escapes are gone (as string-width
 * measures it); without it, by string-width.
 */
export function fastWidth(
  widthOf: WidthOf,
  known: Readonly<Record<string, number>> = {},
  stripAnsi?: (text: string) => string,
): WidthOf {
  const widths = new Map(Object.entries(known));
  const charWidth = remembered((ch: string) => widths.get(ch) ?? widthOf(ch), REMEMBERED);
  const measure = remembered((text: string): number => {
    const bare = stripAnsi && ESCAPE.test(text) ? stripAnsi(text) : text;
    if (!oneGraphemePerChar(bare)) return widthOf(text);
    let width = 0;
    for (let i = 0; i < bare.length; i++) {
      const code = bare.charCodeAt(i);
      width += code >= 0x20 && code < 0x7f ? 1 : charWidth(bare[i]!);
    }
    return width;
  }, REMEMBERED);
  return (text, options) => {
    if (typeof text !== "string") return widthOf(text, options);
    if (isPrintableAscii(text)) return text.length;
    if (options !== undefined && Object.keys(options).length > 0) return widthOf(text, options);
    return measure(text);
  };
}
