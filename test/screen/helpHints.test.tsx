import { describe, expect, it } from "vitest";
import { hintsFor } from "../../src/screen/keymap.js";
import { screenDriver, testConfig, text } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
    groups: [{ name: "Index Scalps", leader: "LEAD1", followers: ["FOLL1"] }],
  });

const bottomLine = (frame: string) =>
  frame
    .split("\n")
    .filter((l) => l.trim() !== "")
    .at(-1) ?? "";

describe("the help's hint bar", () => {
  it("at 80×24, where the whole help is on screen, offers no scroll keys", () => {
    const d = screenDriver(config(), { columns: 80, rows: 24 });
    d.press(text("?"));
    expect(d.view().ctx.helpMax).toBe(0);
    const bar = bottomLine(d.frame());
    expect(bar).toContain("Esc/?/q Close help");
    expect(bar).not.toContain("Scroll");
  });

  it("offers them where the help is longer than the screen", () => {
    const labels = (helpMax: number) =>
      hintsFor("help", { totalFollowers: 1, groupCount: 1, helpMax }).map((h) => h.label);
    expect(labels(4)).toEqual(["Close help", "Scroll up", "Scroll down"]);
    expect(labels(0)).toEqual(["Close help"]);
  });
});
