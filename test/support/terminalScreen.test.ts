import { describe, expect, it } from "vitest";
import { TerminalScreen } from "./terminalScreen.js";

const ESC = "\u001b";

/** What a 6×3 terminal shows after `bytes`. */
function shown(bytes: string): { lines: string[]; scrolled: number } {
  const screen = new TerminalScreen(6, 3);
  screen.write(bytes);
  return { lines: screen.lines(), scrolled: screen.scrolled };
}

describe("TerminalScreen", () => {
  it.each([
    ["text and CR LF", "ab\r\ncd", ["ab", "cd", ""], 0],
    ["styles are ignored", `${ESC}[1mab${ESC}[22m`, ["ab", "", ""], 0],
    ["a line feed on the bottom row scrolls", "a\r\nb\r\nc\r\nd", ["b", "c", "d"], 1],
    ["cursor up, then column 1", `ab\r\ncd${ESC}[1A${ESC}[1GX`, ["Xb", "cd", ""], 0],
    ["cursor next line", `ab\r\ncd${ESC}[1A${ESC}[EX`, ["ab", "Xd", ""], 0],
    ["cursor down, and previous line", `ab${ESC}[BX${ESC}[FY`, ["Yb", "  X", ""], 0],
    ["cursor to a row and column, 1-based", `abc${ESC}[2;2HX${ESC}[HY`, ["Ybc", " X", ""], 0],
    ["erase the display (Ink's clearTerminal)", `ab\r\ncd${ESC}[2J${ESC}[3J${ESC}[Hx`, ["x", "", ""], 0],
    ["erase to the end of the line", `abcd${ESC}[3G${ESC}[K`, ["ab", "", ""], 0],
    ["erase the whole line", `abcd${ESC}[2K`, ["", "", ""], 0],
    ["a full line wraps at the next character, not before", "abcdefg", ["abcdef", "g", ""], 0],
    ["erasing after a full line takes its last cell (pending wrap)", `abcdef${ESC}[K`, ["abcde", "", ""], 0],
    ["modes and OSC titles change nothing", `${ESC}[?25l${ESC}]0;t\u0007ab${ESC}[?2026h`, ["ab", "", ""], 0],
  ])("%s", (_name, bytes, lines, scrolled) => {
    expect(shown(bytes)).toEqual({ lines, scrolled });
  });
});
