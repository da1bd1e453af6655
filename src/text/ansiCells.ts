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
 * an SGR code's tokens are remembered, printable ASCII text is one cell per character, other
 * text without anything that joins characters is one cell per character as the original reads
 * that character alone (remembered), and anything else goes to the original tokenizer.
 */
export function fastTokenize(tokenize: Tokenize): Tokenize {
  const tokensOf = remembered((text: string) => tokenize(text), REMEMBERED);
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
      if (code !== "") out.push(...tokensOf(code));
      if (ascii)
        for (let i = 0; i < rest.length; i++) out.push({ type: "char", value: rest[i]!, fullWidth: false });
      else for (let i = 0; i < rest.length; i++) out.push(...tokensOf(rest[i]!));
    }
    return out;
  };
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
