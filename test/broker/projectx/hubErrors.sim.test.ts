import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/fakeTradovate.js";
import { type PxHarness, startPxHarness } from "./harness.js";

/**
 * While ProjectX's market hub stays away, every try to reconnect fails with the same words (with
 * these fast tries, ten or more a second; in production two lines every few seconds to every 30
 * s). The connection's status already says it is down: each of SignalR's errors is told once
 * until the hub is up again, and again after that.
 */
let h: PxHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ProjectX hub errors while the hub stays down", () => {
  it("each error is told once per outage, not at every try", async () => {
    h = await startPxHarness();
    const { session, logger, seen } = h.open();
    await session.start();
    const hubErrors = () => logger.lines.filter((l) => l.startsWith("warn ProjectX market hub: "));
    h.sim.control.marketDataDown(true);
    await sleep(1500);
    const first = hubErrors();
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first).size).toBe(first.length);
    // Up again, then down again: a new outage is told anew.
    const since = seen.events.length;
    h.sim.control.marketDataDown(false);
    await waitFor(() => seen.events.slice(since).some((e) => e.type === "marketData" && e.up), 5000, "back");
    h.sim.control.marketDataDown(true);
    await sleep(1500);
    const second = hubErrors().slice(first.length);
    expect(second.length).toBeGreaterThan(0);
    expect(new Set(second).size).toBe(second.length);
  });
});
