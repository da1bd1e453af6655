import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BINDINGS, type Binding } from "../../src/screen/bindings.js";
import {
  KEY_TABLE_BEGIN,
  KEY_TABLE_END,
  keyTable,
  keyTableRows,
  keyTableSection,
  withKeyTable,
} from "../../src/screen/keyTable.js";

const README = resolve("README.md");

describe("the README's key table", () => {
  // `npm run docs:keys` runs this file with UPDATE_KEY_TABLE=1 to write the table first.
  if (process.env.UPDATE_KEY_TABLE === "1") writeFileSync(README, withKeyTable(readFileSync(README, "utf8")));

  it("is the table the bindings make (run `npm run docs:keys` after changing a binding)", () => {
    const section = keyTableSection(readFileSync(README, "utf8"));
    expect(section, `README.md needs ${KEY_TABLE_BEGIN} … ${KEY_TABLE_END}`).toBeDefined();
    expect(section).toBe(keyTable());
  });
});

describe("keyTable", () => {
  const run = () => undefined;
  const bindings: Binding[] = [
    { command: "quit", keys: ["q"], scopes: ["global"], label: "Quit", doc: "quit", danger: false, run },
    { command: "quit", keys: ["ctrl+c"], scopes: ["global"], label: "Quit", doc: "quit", danger: false, run },
    {
      command: "group.flatten",
      keys: ["F"],
      scopes: ["groups", "followers"],
      label: "Flatten+lock group",
      doc: "**flatten and lock** the group | all of it",
      danger: true,
      confirm: () => "?",
      run,
    },
    { command: "focus.next", keys: ["tab"], scopes: ["global"], label: "Next pane", danger: false, run },
    { command: "form.save", keys: ["return"], scopes: ["form"], label: "Save", danger: false, run },
  ];

  it("writes one row per command: README key names, the doc text, where it applies", () => {
    expect(keyTable(bindings).split("\n")).toEqual([
      "| Key | Does | Where |",
      "|---|---|---|",
      "| q, Ctrl+C | quit | everywhere |",
      "| F | **flatten and lock** the group \\| all of it (asks y/N) | Groups, Followers |",
      "| Tab | Next pane | everywhere |",
    ]);
  });

  it("lists every key of the panes, and says which ones ask first", () => {
    const rows = keyTableRows();
    const keys = rows.flatMap((r) => r.keys.split(", "));
    for (const k of [
      "↑",
      "k",
      "PgDn",
      "Shift+Tab",
      "space",
      "a",
      "f",
      "F",
      "!",
      "u",
      "r",
      "n",
      "e",
      "d",
      "?",
      "q",
      "Ctrl+C",
    ])
      expect(keys, k).toContain(k);
    const asking = rows.filter((r) => r.does.endsWith("(asks y/N)")).length;
    expect(asking).toBe(BINDINGS.filter((b) => b.danger && b.keys.length > 0).length);
  });

  it("replaces only what is between the markers", () => {
    const readme = `# x\n\n${KEY_TABLE_BEGIN}\nold\n${KEY_TABLE_END}\n\nafter\n`;
    expect(withKeyTable(readme, "NEW")).toBe(`# x\n\n${KEY_TABLE_BEGIN}\nNEW\n${KEY_TABLE_END}\n\nafter\n`);
    expect(() => withKeyTable("# no markers")).toThrow(/markers/);
  });
});
