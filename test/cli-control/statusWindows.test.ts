import { afterEach, describe, expect, it, vi } from "vitest";
import { CONFIG_VERSION, type Config } from "../../data/schema.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { EngineStore } from "../../src/store/engineStore.js";

/** Issue 16: `mimik status` shows each group's trading window. */
describe("mimik status: trading windows", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("carries the window from the engine's events into the report, and says it", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 10 });
    const group = (name: string) => ({
      name,
      active: true,
      leader: `L${name}`,
      whitelist: { enabled: false, symbols: [] },
      followers: [],
    });
    const config: Config = {
      version: CONFIG_VERSION,
      connections: [],
      accounts: [],
      groups: [group("NQ"), group("ES")],
    };
    store.setConfig(config);
    const at = Date.parse("2026-06-16T20:00:00Z");
    store.push({
      type: "window",
      at: 1,
      group: "NQ",
      held: "outside trading hours",
      next: { at, text: "openings open Wed 08:30 CT" },
    });
    vi.advanceTimersByTime(10);
    const report = statusReport(store.getSnapshot(), "SIM");
    expect(report.groups.map((g) => g.window)).toEqual([
      { held: "outside trading hours", next: { at, text: "openings open Wed 08:30 CT" } },
      undefined,
    ]);
    const parsed = parseStatus(JSON.parse(JSON.stringify(report)));
    if (!parsed) throw new Error("the report did not parse back");
    const lines = formatStatus(parsed);
    expect(lines).toContain(
      "  trading window: openings held back (outside trading hours); next: openings open Wed 08:30 CT (2026-06-16 20:00 UTC)",
    );
    expect(lines.filter((l) => l.includes("trading window"))).toHaveLength(1);
    store.dispose();
  });
});
