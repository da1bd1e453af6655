/**
 * Ink turns each line of every frame into styled cells and back with @alcalzone/ansi-tokenize,
 * and in a profile of the console copying to 20 followers that was a fifth of its main thread:
 * `tokenize` runs Intl.Segmenter over the whole line, escape codes included, and
 * `styledCharsToString` works out the style difference between every two neighbouring cells,
 * three Sets a cell, even when they have the same style. These make the common case cheap and
 * give exactly what the originals give (test/text/ansiCells.test.ts); the bundle
 * (scripts/bundle.mjs) puts them in front of the package for Ink.
 */
import { isPrintableAscii } from "./fastWidth.js";
import { oneGraphemePerChar } from "./graphemes.js";
import { remembered } from "./remembered.js";

export interface AnsiCode {
  type: "ansi";
  code: string;
  endCode: string;
}
export interface Char {
  type: "char";
  value: string;
  fullWidth: boolean;
}
export type Token = AnsiCode | Char;
export interface StyledChar extends Char {
  styles: AnsiCode[];
}

export type Tokenize = (text: string, endChar?: number) => Token[];

/** An SGR sequence as the tokenizer reads one: digits and semicolons, then `m`. */
const SGR = /^\u001b\[[0-9;]*m/;
/** Distinct SGR sequences, and characters, tokenized; a screen uses a few dozen of each. */
const REMEMBERED = 1024;

/**
 * `tokenize` with a fast path. A grapheme never spans an escape character (a control), so the
 * line is tokenized piece by piece, each piece an escape code and the text up to the next one:
 * an SGR code becomes its tokens, printable ASCII text is one cell per character, other text
 * without anything that joins characters is one cell per character, and anything else goes to
 * the original tokenizer.
 *
 * The two read here are read as the original reads them, from the functions it asks
 * (`isFullwidthCodePoint` for a grapheme of one code point, the package's `getEndCode` for an
 * SGR code). The original starts every line with Intl.Segmenter, whose first use loads ICU's
 * break data (14-21 ms of a start): reading the first frame's styles and box glyphs here keeps
 * that off the first frame.
 */
export function fastTokenize(
  tokenize: Tokenize,
  isFullwidthCodePoint: (code: number) => boolean,
  getEndCode: (code: string) => string,
): Tokenize {
  const tokensOfCode = remembered(
    (code: string) =>
      sgrParts(code).map((part): AnsiCode => ({ type: "ansi", code: part, endCode: getEndCode(part) })),
    REMEMBERED,
  );
  const cellOf = remembered(
    (ch: string): Char => ({ type: "char", value: ch, fullWidth: isFullwidthCodePoint(ch.charCodeAt(0)) }),
    REMEMBERED,
  );
  return (text, endChar) => {
    // A count of visible cells to stop at is the original's alone (Ink's output never asks).
    if (endChar !== undefined) return tokenize(text, endChar);
    const out: Token[] = [];
    let at = 0;
    while (at < text.length) {
      const next = text.indexOf("\u001b", at + 1);
      const piece = next === -1 ? text.slice(at) : text.slice(at, next);
      at = next === -1 ? text.length : next;
      const code = piece.charCodeAt(0) === 0x1b ? SGR.exec(piece)?.[0] : "";
      const rest = code === undefined ? "" : piece.slice(code.length);
      const ascii = isPrintableAscii(rest);
      // Not an SGR code, or text that may join a neighbour: the original reads the piece. (It
      // also drops what joins the code's closing `m` into one grapheme, and so must this.)
      if (code === undefined || (!ascii && !oneGraphemePerChar(rest))) {
        out.push(...tokenize(piece));
        continue;
      }
      if (code !== "") out.push(...tokensOfCode(code));
      if (ascii)
        for (let i = 0; i < rest.length; i++) out.push({ type: "char", value: rest[i]!, fullWidth: false });
      else for (let i = 0; i < rest.length; i++) out.push(cellOf(rest[i]!));
    }
    return out;
  };
}

/**
 * One SGR code as the original splits it: each parameter its own code, except that an 8-bit
 * (38;5;n) or 24-bit (38;2;r;g;b) colour, foreground or background, stays whole.
 */
function sgrParts(code: string): string[] {
  if (!code.includes(";")) return [code];
  const params = code.slice(2, -1).split(";");
  const parts: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const colour = params[i] === "38" || params[i] === "48";
    const more = !colour
      ? 0
      : params[i + 1] === "5" && i + 2 < params.length
        ? 2
        : params[i + 1] === "2" && i + 4 < params.length
          ? 4
          : 0;
    parts.push(`\u001b[${params.slice(i, i + more + 1).join(";")}m`);
    i += more;
  }
  return parts;
}

/**
 * `styledCharsFromTokens` whose cells of one run of style share one list of styles (the original
 * copies the list for every cell; nothing changes a list once made), so that the cells' styles
 * compare equal at a glance below.
 */
export function fastStyledCharsFromTokens(
  reduceAnsiCodesIncremental: (codes: AnsiCode[], next: AnsiCode[]) => AnsiCode[],
): (tokens: Token[]) => StyledChar[] {
  return (tokens) => {
    let styles: AnsiCode[] = [];
    const out: StyledChar[] = [];
    for (const token of tokens) {
      if (token.type === "ansi") styles = reduceAnsiCodesIncremental(styles, [token]);
      else out.push({ type: "char", value: token.value, fullWidth: token.fullWidth, styles });
    }
    return out;
  };
}

/**
 * `styledCharsToString` that writes no style change between two cells with the same styles
 * (the original's difference of two equal style lists is empty, worked out at three Sets a cell).
 */
export function fastStyledCharsToString(
  diffAnsiCodes: (from: AnsiCode[], to: AnsiCode[]) => AnsiCode[],
  ansiCodesToString: (codes: AnsiCode[]) => string,
): (chars: StyledChar[]) => string {
  return (chars) => {
    let out = "";
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (i === 0) out += ansiCodesToString(char.styles);
      else if (!sameStyles(chars[i - 1]!.styles, char.styles))
        out += ansiCodesToString(diffAnsiCodes(chars[i - 1]!.styles, char.styles));
      out += char.value;
      if (i === chars.length - 1 && char.styles.length > 0)
        out += ansiCodesToString(diffAnsiCodes(char.styles, []));
    }
    return out;
  };
}

function sameStyles(a: AnsiCode[], b: AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
}
