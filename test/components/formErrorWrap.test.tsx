import { describe, expect, it } from "vitest";
import { textWidth, wrapWords } from "../../components/text.js";
import { KEY, screenDriver, testConfig, text } from "../screen/driver.js";

// Seen at 80×24: a new group with every account already in a group said "✗ no free accounts: add
// one to the config or remove one from…" and Enter would not save: the way out was cut off.

describe("wrapWords", () => {
  it("breaks at spaces, each line within the width, no word lost", () => {
    const s = "no free accounts: add one to the config or remove one from a group";
    const lines = wrapWords(s, 20);
    expect(lines.join(" ")).toBe(s);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(20);
  });

  it("cuts a word longer than a line into pieces", () => {
    expect(wrapWords("ab APEX-2468100-0000001 cd", 8)).toEqual(["ab", "APEX-246", "8100-000", "0001 cd"]);
  });

  it("ends on characters wider than the line", () => {
    expect(wrapWords("日本", 1)).toEqual(["日", "本"]);
  });
});

describe("a form's error at 80 columns", () => {
  it("is shown in full, wrapped under the field, not cut", () => {
    const d = screenDriver(
      testConfig({
        accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
        groups: [{ name: "Index", leader: "LEAD1", followers: ["FOLL1"] }],
      }),
    );
    d.press(text("n"), text("x"), KEY.enter);
    const frame = d.frame();
    const lines = frame.split("\n");
    const at = lines.findIndex((l) => l.includes("✗ no free accounts"));
    expect(at).toBeGreaterThan(0);
    const said = lines
      .slice(at, at + 3)
      .map((l) => l.replace("✗", "").trim())
      .join(" ");
    expect(said).toContain("no free accounts: add one to the config or remove one from a group");
    expect(frame).not.toContain("…");
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(80);
  });
});
