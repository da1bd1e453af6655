import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { keyPresses } from "../../src/screen/keyPresses.js";

describe("one read from the terminal, as key presses", () => {
  it.each<[string, string, Partial<Key>, [string, Partial<Key>][]]>([
    ["one key is itself", "j", {}, [["j", {}]]],
    [
      "two keys typed fast are two presses",
      "jj",
      {},
      [
        ["j", {}],
        ["j", {}],
      ],
    ],
    [
      "Ctrl+Q then q, as tmux sends them",
      "\u0011q",
      {},
      [
        ["q", { ctrl: true }],
        ["q", {}],
      ],
    ],
    [
      "a capital is shifted, as Ink says",
      "jF",
      {},
      [
        ["j", {}],
        ["F", { shift: true }],
      ],
    ],
    [
      "Enter, Tab, Backspace and Delete among letters",
      "a\r\t\b\u007f",
      {},
      [
        ["a", {}],
        ["", { return: true }],
        ["", { tab: true }],
        ["", { backspace: true }],
        ["", { delete: true }],
      ],
    ],
    [
      "a space is a press of its own",
      "f y",
      {},
      [
        ["f", {}],
        [" ", {}],
        ["y", {}],
      ],
    ],
    [
      "an emoji is one character, not two halves",
      "ab👍",
      {},
      [
        ["a", {}],
        ["b", {}],
        ["👍", {}],
      ],
    ],
    ["a named key Ink already parsed stays whole", "", { upArrow: true }, [["", { upArrow: true }]]],
    ["a modified read stays whole", "x", { meta: true }, [["x", { meta: true }]]],
  ])("%s", (_, input, key, presses) => {
    expect(keyPresses(input, key)).toEqual(presses);
  });
});
