import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../data/schema.js";
import { type Simulator, startSimulator } from "../../engine/index.js";
import { buildReport } from "../../src/report/build.js";
import { readBroker } from "../../src/report/load.js";
import type { ReportRange } from "../../src/report/range.js";
import { renderText } from "../../src/report/render.js";

/** The report's read of both brokers (Tradovate and ProjectX faces of one simulator), then built. */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, priceIntervalMs: 0 });
});
afterAll(() => sim.close());

const env = { PASS: "demo", PX_KEY: "sim-projectx-key" };
const configFor = (url: string) =>
  configSchema.parse({
    version: 1,
    connections: [
      { name: "tv", env: "sim", url, username: "demo", password: { env: "PASS" } },
      { name: "px", broker: "projectx", env: "sim", url, username: "topstep", apiKey: { env: "PX_KEY" } },
    ],
    accounts: [
      { name: "DEMO1000", connection: "tv" },
      { name: "DEMO2001", connection: "tv" },
      { name: "TSX5001", connection: "px" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
          { account: "TSX5001", sizing: { mode: "multiplier", value: 1 } },
        ],
      },
    ],
  });

/** A moment strictly after every trade so far (the simulator stamps in milliseconds). */
function afterNow(): number {
  const since = Date.now();
  while (Date.now() <= since) {
    // spin: the next trade must be stamped after `since`
  }
  return since + 1;
}

async function reportSince(since: number) {
  const config = configFor(sim.url);
  const read = await readBroker({
    config,
    accounts: ["DEMO1000", "DEMO2001", "TSX5001"],
    env,
    choice: "always",
    instanceRunning: false,
    since,
  });
  expect(read.broker).toBeDefined();
  const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
  const report = buildReport({ range, config, journal: [], broker: read.broker, notes: read.notes });
  const follower = (a: string) => report.groups[0]!.followers.find((f) => f.account === a)!;
  return { report, follower };
}

describe("readBroker across connections", () => {
  it("ProjectX: a position opened before the trades read is closed at the broker's own P&L, and counted as one trade", async () => {
    sim.control.setPrice("ESZ6", 6800);
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    // Held past the start of what the report reads (a weekend, say).
    const since = afterNow();
    sim.control.setPrice("ESZ6", 6805);
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 2); // closes it: +500
    sim.control.setPrice("ESZ6", 6810);
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    sim.control.setPrice("ESZ6", 6806);
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1); // a short closed: +200

    const { report, follower } = await reportSince(since);
    expect(follower("TSX5001").trading).toMatchObject({ fills: 3, trades: 2, wins: 2, grossPnl: 700 });
    expect(report.notes.join(" ")).toMatch(/ProjectX's own/);
  });

  it("fees: a connection that reports none leaves the others' fees known, and only its own unknown", async () => {
    sim.control.setPrice("MESZ6", 6800);
    const since = afterNow();
    for (const account of ["DEMO2001", "TSX5001"]) {
      sim.control.manualTrade(account, "MESZ6", "Buy", 1);
      sim.control.manualTrade(account, "MESZ6", "Sell", 1);
    }
    const { report, follower } = await reportSince(since);
    // The simulator's Tradovate face has no fillFee entity; its ProjectX face charges 0.75 a micro.
    expect(follower("DEMO2001").trading?.fees).toBeUndefined();
    expect(follower("TSX5001").trading).toMatchObject({ fees: 1.5, netPnl: -1.5 });
    expect(report.groups[0]!.total.trading?.fees).toBeUndefined();
    expect(report.feesReported).toBe(false);
    expect(report.feesUnreported).toEqual(["DEMO1000", "DEMO2001"]);
    expect(renderText(report)).toContain("fees: not reported by the broker for DEMO1000, DEMO2001");
  });
});
