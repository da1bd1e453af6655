import { afterEach, describe, expect, it, vi } from "vitest";
import { emptyConfig } from "../../data/schema.js";
import { budgetLine, formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { EngineStore } from "../../src/store/engineStore.js";

/** Issue 12 #3: `mimik status` shows each login's request budget and how long it lasts. */
describe("mimik status: the request budget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("carries each login's budget from the engine's events into the report, and reads it back", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 10 });
    store.setConfig(emptyConfig());
    store.push({
      type: "connectionStatus",
      at: 1,
      connection: "lead",
      broker: "tradovate",
      state: "connected",
    });
    store.push({
      type: "budget",
      at: 1,
      connection: "lead",
      budget: { left: 3100, limit: 5000, windowMs: 3_600_000, lastsMs: 42 * 60_000, refused: 3 },
    });
    vi.advanceTimersByTime(10);
    const report = statusReport(store.getSnapshot(), "LIVE");
    expect(report.connections).toEqual([
      {
        name: "lead",
        broker: "tradovate",
        state: "connected",
        budget: {
          left: 3100,
          limit: 5000,
          windowMs: 3_600_000,
          lastsMs: 2_520_000,
          refused: 3,
          blockedUntil: undefined,
        },
      },
    ]);
    const parsed = parseStatus(JSON.parse(JSON.stringify(report)));
    expect(parsed).toBeDefined();
    expect(formatStatus(parsed!)).toContain(
      "request budget lead: 3100 of 5000 requests left this hour, lasts about 42 min at the current pace (then only exits go), 3 refused",
    );
    store.dispose();
  });

  it("says when the pace is sustainable and when Tradovate has stopped the login", () => {
    expect(budgetLine("sim", { left: 4990, limit: 5000, windowMs: 3_600_000, refused: 0 })).toBe(
      "request budget sim: 4990 of 5000 requests left this hour, enough at the current pace",
    );
    const until = Date.now() + 60_000;
    expect(
      budgetLine("sim", { left: 0, limit: 5000, windowMs: 3_600_000, refused: 9, blockedUntil: until }),
    ).toMatch(/0 of 5000 .* 9 refused, BLOCKED by the broker until \d\d:\d\d:\d\d UTC$/);
  });
});
