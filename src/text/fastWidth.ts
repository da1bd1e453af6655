import { oneGraphemePerChar } from "./graphemes.js";
import { remembered } from "./remembered.js";

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** Printable ASCII only: each character one column, whatever the terminal. */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}
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
 */
export function fastWidth(widthOf: WidthOf): WidthOf {
  const charWidth = remembered((ch: string) => widthOf(ch), REMEMBERED);
  const measure = remembered((text: string): number => {
    if (!oneGraphemePerChar(text)) return widthOf(text);
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      width += code >= 0x20 && code < 0x7f ? 1 : charWidth(text[i]!);
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
