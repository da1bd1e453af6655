import { describe, expect, it } from "vitest";
import { alertsOf, configWith, ES, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT

/**
 * A position with no price counts 0 of open P&L: no limit can see what it loses. Quotes that never
 * come (a market-data subscription refused, a feed that never connects) must be said, not hidden
 * behind a day P&L of $0.00.
 */
async function setup() {
  const r = rig(MON_NOON);
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.addAccount(11, "F1", 50_000);
  r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 500 } }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  await flush();
  return r;
}

const noPrice = (r: Awaited<ReturnType<typeof setup>>) =>
  alertsOf(r.events, "F1").filter((m) => m.includes("no price"));

describe("a held position that never gets a price", () => {
  it("is said once, naming the contract", async () => {
    const r = await setup();
    r.session.setPosition(11, ES, 2, 5000);
    await r.clock.advance(60_000);
    expect(noPrice(r)).toEqual([
      "F1: no price for ESH6 in 10 s; its open P&L counts as 0 and no loss limit sees it",
    ]);
    r.session.setPosition(11, ES, 3, 5000);
    await r.clock.advance(60_000);
    expect(noPrice(r)).toHaveLength(1);
  });

  it("a price in time says nothing", async () => {
    const r = await setup();
    r.session.setPosition(11, ES, 2, 5000);
    await r.clock.advance(1_000);
    r.session.quote(ES, 5001);
    await r.clock.advance(60_000);
    expect(noPrice(r)).toEqual([]);
  });

  it("a position closed before its price came says nothing", async () => {
    const r = await setup();
    r.session.setPosition(11, ES, 2, 5000);
    await r.clock.advance(1_000);
    r.session.setPosition(11, ES, 0, undefined);
    await r.clock.advance(60_000);
    expect(noPrice(r)).toEqual([]);
  });

  it("stop() leaves no timer of its behind", async () => {
    const r = await setup();
    r.session.setPosition(11, ES, 2, 5000);
    await r.engine.stop();
    expect(r.clock.pending()).toBe(0);
  });
});
