import { describe, expect, it } from "vitest";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { fitLines } from "../../src/text/fold.js";

const report = parseStatus({
  mode: "SIM",
  pid: 1,
  connections: [
    {
      name: "prop",
      broker: "tradovate",
      state: "connected",
      budget: { left: 4991, limit: 5000, windowMs: 3_600_000, refused: 0 },
    },
  ],
  latency: { p50: 0, p99: 0, count: 0 },
  groups: [
    {
      name: "main",
      active: true,
      leader: "DEMO1000",
      followers: [
        {
          account: "DEMO2003",
          enabled: true,
          state: "ACTIVE",
          pricesStale: true,
          dayPnl: -23,
          positions: [{ contract: "MESZ6", netPos: 3 }],
          positionsAsOfLogin: "sim reconnecting",
        },
      ],
    },
  ],
  outOfSync: [{ follower: "DEMO2003", contract: "MESZ6", has: 3, expects: 4 }],
})!;

describe("mimik status on an 80-column terminal", () => {
  it("folds at spaces, each continuation indented under its line, and keeps every word", () => {
    const lines = formatStatus(report);
    const fitted = fitLines(lines, 80);
    for (const line of fitted) expect(line.length).toBeLessThanOrEqual(80);
    expect(fitted).toContain(
      "request budget prop: 4991 of 5000 requests left this hour, enough at the current",
    );
    expect(fitted).toContain("    pace");
    const row = fitted.findIndex((l) => l.startsWith("  DEMO2003  ACTIVE, prices stale"));
    expect(row).toBeGreaterThan(0);
    expect(fitted[row + 1]?.startsWith("      ")).toBe(true);
    // The double spaces between a row's columns are kept; nothing is lost or added.
    const words = (ls: readonly string[]) => ls.join(" ").split(/\s+/).filter(Boolean);
    expect(words(fitted)).toEqual(words(lines));
    expect(fitted[row]).toContain("DEMO2003  ACTIVE");
  });

  it("leaves a line that fits, or a word longer than the room, as it is", () => {
    expect(fitLines(["short  line", ""], 80)).toEqual(["short  line", ""]);
    const path = `/${"x".repeat(90)}`;
    expect(fitLines([`journal: ${path}`], 80)).toEqual(["journal:", `    ${path}`]);
  });
});
