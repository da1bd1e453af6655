import type { Key } from "ink";

/** Keys Ink names itself: a read that is one of these is one key press already. */
const NAMED: readonly (keyof Key)[] = [
  "upArrow",
  "downArrow",
  "leftArrow",
  "rightArrow",
  "pageUp",
  "pageDown",
  "home",
  "end",
  "return",
  "escape",
  "tab",
  "backspace",
  "delete",
];

/**
 * One read from the terminal as the key presses in it. Ink splits what it reads only at escape
 * sequences, so keys that arrive together (typed fast, over SSH, or Ctrl+Q and then q as tmux
 * sends them) come as one string: `jj` or "\x11q" matched no binding, and the keys were lost.
 * Each character is taken as Ink takes it when it comes alone. A read with a named key or a
 * modifier is left whole; text typed into a form field comes out the same either way.
 */
export function keyPresses(input: string, key: Partial<Key>): [string, Partial<Key>][] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || NAMED.some((name) => key[name])) return [[input, key]];
  return chars.map(onePress);
}

function onePress(c: string): [string, Partial<Key>] {
  switch (c) {
    case "\r":
    case "\n":
      return ["", { return: true }];
    case "\t":
      return ["", { tab: true }];
    case "\b":
      return ["", { backspace: true }];
    case "\u007f":
      return ["", { delete: true }];
  }
  const code = c.codePointAt(0) ?? 0;
  // Ctrl+A … Ctrl+Z arrive as 1 … 26.
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ctrl: true }];
  if (code < 32) return ["", {}];
  return [c, /^[A-Z]$/.test(c) ? { shift: true } : {}];
}
