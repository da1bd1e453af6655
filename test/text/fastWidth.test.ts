import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { describe, expect, it } from "vitest";
// wrap-ansi's own, older string-width: the bundle puts the fast path in front of it too.
import olderStringWidth from "../../node_modules/wrap-ansi/node_modules/string-width/index.js";
import { fastWidth } from "../../src/text/fastWidth.js";

const samples = [
  "",
  " ",
  "ESZ6  BUY 2 @ 5012.25",
  "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
  "tab\there",
  "\u001b[31mred\u001b[39m",
  "\u001b]0;title\u0007x",
  "caf\u00e9",
  "e\u0301",
  "\u00a0nbsp",
  "日本語",
  "한국어",
  "👍🏽 ok",
  "👍 ok 🇺🇸",
  "👨‍👩‍👧",
  "\u0000\u007f\u0085",
  "◷ 09:30 CT",
  "a".repeat(500),
  "\u001b[1m\u001b[36m─── Followers ───\u001b[39m\u001b[22m",
  "│ ◷ 09:30 CT · EXIT PENDING → ",
];

describe("string-width made fast: ASCII by its length, the rest remembered", () => {
  for (const [name, widthOf] of [
    ["string-width 8", stringWidth],
    ["string-width 7 (wrap-ansi's)", olderStringWidth],
  ] as const) {
    it(`measures what ${name} measures, options or not, the first time and the next`, () => {
      for (const fast of [fastWidth(widthOf), fastWidth(widthOf, {}, stripAnsi)])
        for (const text of [...samples, ...samples]) {
          expect(fast(text), JSON.stringify(text)).toBe(widthOf(text));
          expect(fast(text, { countAnsiEscapeCodes: true }), JSON.stringify(text)).toBe(
            widthOf(text, { countAnsiEscapeCodes: true }),
          );
          expect(fast(text, { ambiguousIsNarrow: false }), JSON.stringify(text)).toBe(
            widthOf(text, { ambiguousIsNarrow: false }),
          );
        }
    });
  }
});

it("forgets what it remembered past its bound, and still measures right", () => {
  let calls = 0;
  const fast = fastWidth((text: string) => {
    calls += 1;
    return stringWidth(text);
  });
  // A combining mark: measured whole by string-width, not character by character.
  for (let i = 0; i < 5000; i++) expect(fast(`e\u0301${i}`)).toBe(1 + String(i).length);
  expect(calls).toBe(5000);
  expect(fast("e\u03014999")).toBe(5);
  expect(calls).toBe(5000);
  expect(fast("plain ascii")).toBe(11);
  expect(calls).toBe(5000);
});

it("measures text of one grapheme per character by its characters, each measured once", () => {
  const measured: string[] = [];
  const fast = fastWidth((text: string) => {
    measured.push(text);
    return stringWidth(text);
  });
  expect(fast("├ half ✓ filled 日本")).toBe(20);
  expect(fast("└ tight ✓ filled")).toBe(16);
  expect(measured.sort()).toEqual(["├", "└", "✓", "日", "本"].sort());
});

it("measures a styled line of known glyphs without string-width", () => {
  let calls = 0;
  const widthOf = (text: string) => {
    calls += 1;
    return stringWidth(text);
  };
  const fast = fastWidth(widthOf, { "│": 1, "▶": 1, "─": 1 }, stripAnsi);
  expect(fast("\u001b[1m\u001b[36m─── ▶ Groups ───\u001b[39m\u001b[22m │")).toBe(18);
  expect(calls).toBe(0);
  expect(fastWidth(widthOf)("\u001b[36m▶\u001b[39m")).toBe(1);
  expect(calls).toBe(1);
});

describe("every character of the Basic Multilingual Plane", () => {
  for (const [name, widthOf] of [
    ["string-width 8", stringWidth],
    ["string-width 7 (wrap-ansi's)", olderStringWidth],
  ] as const) {
    it(`is measured between and beside ASCII, doubled, and beside a box glyph as ${name} measures it`, () => {
      const fast = fastWidth(widthOf);
      const differ: string[] = [];
      for (let code = 0x80; code <= 0xffff; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const ch = String.fromCharCode(code);
        const text = `a${ch}b${ch}${ch}├${ch}`;
        if (fast(text) !== widthOf(text)) differ.push(code.toString(16));
      }
      expect(differ).toEqual([]);
    });

    it(`is measured in styled text, its width known beforehand, as ${name} measures it`, () => {
      // As the bundle builds it: every character's width from this string-width, its strip-ansi.
      const known: Record<string, number> = {};
      for (let code = 0x80; code <= 0xffff; code += 7)
        if (code < 0xd800 || code > 0xdfff)
          known[String.fromCharCode(code)] = widthOf(String.fromCharCode(code));
      const fast = fastWidth(widthOf, known, stripAnsi);
      const differ: string[] = [];
      for (let code = 0x80; code <= 0xffff; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const ch = String.fromCharCode(code);
        const text = `\u001b[1m\u001b[36ma${ch}\u001b[39mb${ch}\u001b]8;;x\u0007${ch}├\u001b[22m${ch}`;
        if (fast(text) !== widthOf(text)) differ.push(code.toString(16));
      }
      expect(differ).toEqual([]);
    });
  }
});
