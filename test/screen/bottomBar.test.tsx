import { describe, expect, it } from "vitest";
import { questionLines } from "../../components/bottomLines.js";
import { textWidth } from "../../components/text.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

// Seen at 80×24 in the demo: the question before turning reconcile "full" on read "Turn on
// reconcile "full" for Index Scalps? At a re-sync mimik will also … y/N", what a "y" opens cut
// off; and a refused unlock said "FAILED DEMO2001: daily loss limit: … it cl…", when the limit
// clears and that U forces it cut off. The bottom bar now wraps them over up to three lines.

const config = () =>
  testConfig({
    accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
    groups: [{ name: "Index Scalps", leader: "LEAD1", followers: ["FOLL1"] }],
  });

function fitsTerminal(frame: string) {
  const lines = frame.split("\n");
  expect(lines.length).toBeLessThanOrEqual(23);
  for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(80);
}

describe("the bottom bar at 80×24", () => {
  it("shows a long question in full, y/N at its end, the panes it is about in place", () => {
    const d = screenDriver(config());
    const before = d.frame().split("\n").slice(0, 12);
    d.press(text("e"), KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.right, KEY.enter);
    const question = d.state().confirm?.message ?? "";
    expect(question).toContain("OPEN positions the followers missed");
    const frame = d.frame();
    fitsTerminal(frame);
    const lines = frame.split("\n");
    const at = lines.findIndex((l) => l.startsWith("⚠ "));
    const asked = lines
      .slice(at)
      .map((l) => l.trim())
      .join(" ");
    expect(asked).toBe(`⚠ ${question} y/N`);
    // Groups and followers, the question's subject, neither move nor shrink.
    expect(lines.slice(0, 12).slice(1)).toEqual(before.slice(1));
  });

  it("shows a long outcome in full", async () => {
    const reason =
      "daily loss limit: day P&L -$2680.50 reached -$2500.00; it clears at the 17:00 CT roll; U force-unlocks it";
    const d = screenDriver(config(), { columns: 80, rows: 24 }, async (command) => [
      { target: "FOLL1", status: "failed", reason: command.cmd === "unlock" ? reason : "?" },
    ]);
    d.store.push({ type: "followerState", at: 0, follower: "FOLL1", state: "LOCKED", reason: "daily loss" });
    d.store.publish();
    d.press(KEY.tab, text("u"));
    await d.settle();
    const frame = d.frame();
    fitsTerminal(frame);
    const lines = frame.split("\n");
    const at = lines.findIndex((l) => l.startsWith("» "));
    expect(at).toBeGreaterThan(0);
    const said = lines
      .slice(at)
      .map((l) => l.trim())
      .join(" ");
    expect(said).toContain("it clears at the 17:00 CT roll; U force-unlocks it");
  });
});

describe("questionLines", () => {
  it("fills each line to the width; only the last makes room for y/N", () => {
    const q = "Force-unlock micro (DEMO2002)? Limits it is past are overridden: it copies again";
    const lines = questionLines(q, 80);
    expect(lines[0]).toBe("⚠ Force-unlock micro (DEMO2002)? Limits it is past are overridden: it copies");
    expect(lines[1]).toBe("again y/N ");
  });
});
