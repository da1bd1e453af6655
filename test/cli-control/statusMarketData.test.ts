import { afterEach, describe, expect, it, vi } from "vitest";
import { headerSegments } from "../../components/Header.js";
import { emptyConfig } from "../../data/schema.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { describeEvent } from "../../src/headless/format.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { screenFixture } from "../components/fixtures.js";

/** A login whose market data stopped: `mimik status`, the headless line and the header say so. */
describe("mimik status: a login without quotes", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const stopped = {
    type: "connectionStatus",
    at: 1,
    connection: "lead",
    broker: "tradovate",
    state: "connected",
    marketData: "market data refused (authorize: 401 Access is denied) with a new token too",
  } as const;

  it("carries why from the engine's event into the report, and reads it back", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 10 });
    store.setConfig(emptyConfig());
    store.push(stopped);
    vi.advanceTimersByTime(10);
    const report = statusReport(store.getSnapshot(), "LIVE");
    expect(report.connections).toEqual([
      { name: "lead", broker: "tradovate", state: "connected", marketData: stopped.marketData },
    ]);
    const parsed = parseStatus(JSON.parse(JSON.stringify(report)));
    expect(formatStatus(parsed!)).toContain(`lead NO QUOTES: ${stopped.marketData}`);
    // Quotes back: the line goes.
    store.push({ ...stopped, marketData: undefined });
    vi.advanceTimersByTime(10);
    expect(statusReport(store.getSnapshot(), "LIVE").connections[0]).not.toHaveProperty("marketData");
    store.dispose();
  });

  it("shows on the headless line and in the header", () => {
    expect(describeEvent(stopped)).toContain(`; NO QUOTES: ${stopped.marketData}`);
    const header = screenFixture().header;
    const name = header.connections[0]!.name;
    const connections = header.connections.map((c, i) =>
      i === 0 ? { ...c, state: "connected" as const, noQuotes: true } : c,
    );
    expect(headerSegments({ ...header, connections })[0]).toContain(`${name} no quotes`);
  });
});
