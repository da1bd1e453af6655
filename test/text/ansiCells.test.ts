import {
  ansiCodesToString,
  diffAnsiCodes,
  reduceAnsiCodesIncremental,
  styledCharsFromTokens,
  styledCharsToString,
  tokenize,
} from "@alcalzone/ansi-tokenize";
import isFullwidthCodePoint from "is-fullwidth-code-point";
import { describe, expect, it } from "vitest";
import {
  fastStyledCharsFromTokens,
  fastStyledCharsToString,
  fastTokenize,
} from "../../src/text/ansiCells.js";

// The package's getEndCode is not exported; the original's own tokens carry what it answers.
const endCodeOf = (code: string) => (tokenize(code)[0] as { endCode: string }).endCode;
const fast = fastTokenize(tokenize, isFullwidthCodePoint, endCodeOf);
const fastToString = fastStyledCharsToString(diffAnsiCodes, ansiCodesToString);
const fastFromTokens = fastStyledCharsFromTokens(reduceAnsiCodesIncremental);
const ESC = "\u001b";

/** Lines of the kinds Ink writes, and some it should never get. */
const LINES: Array<[string, string]> = [
  ["empty", ""],
  ["plain ASCII", "  Live fills                                   3"],
  ["one style", `${ESC}[1mGroups${ESC}[22m`],
  ["dim inside bold (they share a closing code)", `${ESC}[1ma${ESC}[2mb${ESC}[22mc`],
  ["256 colours and true colour", `${ESC}[38;5;208morange${ESC}[39m ${ESC}[48;2;1;2;3mbg${ESC}[49m`],
  ["a compound code", `${ESC}[1;31mred bold${ESC}[0m plain`],
  ["box glyphs and marks", `${ESC}[2m├${ESC}[22m half           ✓ filled   › ● ◌ … ▶ │ ×0.5`],
  ["wide CJK", `${ESC}[32m账户${ESC}[39m ok`],
  ["emoji with a variation selector and a ZWJ sequence", "a ❤️ b 👩‍💻 c 🇺🇸"],
  ["emoji alone, with a skin tone, and a flag", "👍 ok 👍🏽 🇺🇸 x"],
  ["a combining mark after ASCII", "cafe\u0301 ok"],
  ["a mark or a skin tone right after a style code (the original drops it)", `${ESC}[1m\u0301x${ESC}[31m🏽y`],
  ["Hangul jamo", "\u1100\u1161\u11a8 x"],
  ["a link", `${ESC}]8;;https://example.com${"\u0007"}link${ESC}]8;;${"\u0007"} after`],
  ["an escape that is not SGR", `${ESC}[2Kx${ESC}7y`],
  ["an unfinished SGR", `${ESC}[31`],
  ["a lone escape at the end", `abc${ESC}`],
  ["C1 CSI", "a\u009b31mb"],
  ["control characters", "a\tb\u0007c"],
];

describe("fastTokenize", () => {
  it.each(LINES)("%s: the same tokens as tokenize", (_name, line) => {
    expect(fast(line)).toEqual(tokenize(line));
  });

  it("leaves a count of cells to stop at to the original", () => {
    const line = `${ESC}[1mabcdef${ESC}[22m`;
    expect(fast(line, 3)).toEqual(tokenize(line, 3));
  });

  it.each([
    ["no parameters", "[m"],
    ["empty parameters", "[;m"],
    ["a compound code", "[1;31;4m"],
    ["an 8-bit foreground among others", "[1;38;5;208;4m"],
    ["a 24-bit background", "[48;2;1;2;3m"],
    ["both, back to back", "[38;2;9;8;7;48;5;17m"],
    ["an 8-bit colour cut short", "[38;5m"],
    ["a 24-bit colour cut short", "[48;2;1;2m"],
    ["a colour with no kind", "[38m"],
    ["a kind that is neither 5 nor 2", "[38;7;1m"],
    ["a code ansi-styles does not know", "[123m"],
  ])("splits an SGR code as tokenize does: %s", (_, code) => {
    const line = `${ESC}${code}x`;
    expect(fast(line)).toEqual(tokenize(line));
  });

  it("gives the same tokens for random lines of styles, ASCII and other text", () => {
    const parts = [
      "a",
      "Z",
      " ",
      "~",
      "0",
      "├",
      "✓",
      "…",
      "账",
      "❤️",
      "e\u0301",
      "👩‍💻",
      "\u0007",
      "👍",
      "🇺",
      "🏽",
      `${ESC}[1m`,
      `${ESC}[22m`,
      `${ESC}[2m`,
      `${ESC}[31m`,
      `${ESC}[39m`,
      `${ESC}[0m`,
      `${ESC}[38;5;12m`,
      `${ESC}[1;4m`,
      `${ESC}[K`,
      ESC,
      `${ESC}]8;;u\u0007`,
    ];
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 3000; n++) {
      let line = "";
      const length = Math.floor(random() * 30);
      for (let i = 0; i < length; i++) line += parts[Math.floor(random() * parts.length)];
      expect(fast(line), JSON.stringify(line)).toEqual(tokenize(line));
    }
  });
});

describe("fastStyledCharsFromTokens", () => {
  it.each(LINES)("%s: the same cells as styledCharsFromTokens", (_name, line) => {
    expect(fastFromTokens(tokenize(line))).toEqual(styledCharsFromTokens(tokenize(line)));
  });

  it("gives the cells of one run of style one list of styles", () => {
    const [a, b, c] = fastFromTokens(tokenize(`${ESC}[1mab${ESC}[2mc`));
    expect(a!.styles).toBe(b!.styles);
    expect(c!.styles).not.toBe(b!.styles);
  });
});

describe("fastStyledCharsToString", () => {
  it.each(LINES)("%s: the same text as styledCharsToString", (_name, line) => {
    const chars = styledCharsFromTokens(tokenize(line));
    expect(fastToString(chars)).toBe(styledCharsToString(chars));
    expect(fastToString(fastFromTokens(fast(line)))).toBe(styledCharsToString(chars));
  });

  it("writes no style change between cells of one style, and closes the last one's", () => {
    const chars = styledCharsFromTokens(tokenize(`${ESC}[1mab${ESC}[22m`));
    expect(fastToString(chars)).toBe(`${ESC}[1mab${ESC}[22m`);
  });
});

describe("fastTokenize, every character of the Basic Multilingual Plane", () => {
  it("reads each between and beside ASCII, doubled, and beside a box glyph as tokenize does", () => {
    const differ: string[] = [];
    for (let code = 0x80; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      const line = `a${ch}b${ch}${ch}├${ch}`;
      if (JSON.stringify(fast(line)) !== JSON.stringify(tokenize(line))) differ.push(code.toString(16));
    }
    expect(differ).toEqual([]);
  });
});
