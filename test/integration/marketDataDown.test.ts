import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, CopyEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const skipsFor = (r: Rig, follower: string) =>
  r.events.filter(
    (e): e is CopyEvent => e.type === "copy" && e.follower === follower && e.outcome === "skipped",
  );
const alertsFor = (r: Rig, follower: string) =>
  r.events
    .filter((e): e is AlertEvent => e.type === "alert" && e.follower === follower)
    .map((e) => e.message);

/**
 * Risk values open positions at their last price: with the market-data feed down, no loss limit
 * sees what they lose. The trader is told, the follower shows it, and its openings are held
 * (closes still copy) until prices return.
 */
describe("market data down: risk is blind", () => {
  it("holds openings on the simulator's book, still copies closes, and copies again once prices are back", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");

    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 1, "DEMO2003 long 1 NQ");
    // Its quotes are subscribed: the md socket is up.
    await eventually(() => sim.control.socketCount({ user: "demo" }) >= 2, "the md socket");

    expect(sim.control.marketDataDown(true)).toBeGreaterThan(0);
    // Down past the grace (5 s): a blip shorter than that blinds nobody (test/risk/priceFeeds.test.ts).
    await eventually(() => engine.risk.snapshot("DEMO2003")?.pricesStale, "DEMO2003 blind", 20_000);
    expect(alertsFor(rig, "DEMO2003").some((m) => /market data .*down.*openings held/.test(m))).toBe(true);
    expect(
      rig.events.some((e) => e.type === "followerState" && e.follower === "DEMO2003" && e.pricesStale),
    ).toBe(true);

    // Every follower on this login is blind alike.
    expect(engine.risk.snapshot("DEMO2001")?.pricesStale).toBe(true);
    // An opening is held, on the book too.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(
      () => skipsFor(rig!, "DEMO2003").some((e) => e.reason === "prices stale"),
      "a 'prices stale' skip",
    );
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);

    // A close still copies: it only takes risk off.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 0, "DEMO2003 NQ closed");

    sim.control.marketDataDown(false);
    await eventually(() => engine.risk.snapshot("DEMO2003")?.pricesStale === false, "prices back", 15_000);
    expect(alertsFor(rig, "DEMO2003").some((m) => /market data .*back/.test(m))).toBe(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 copying again");
  });
});
