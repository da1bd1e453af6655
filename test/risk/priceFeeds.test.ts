import { describe, expect, it } from "vitest";
import type { Connection } from "../../data/schema.js";
import type { FollowerRisk } from "../../engine/risk/followerRisk.js";
import { PriceFeeds } from "../../engine/risk/priceFeeds.js";

/** Timers that run only when the test moves the time. */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (h: unknown) => void timers.delete(h as number),
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers]) if (t.at <= now && timers.delete(id)) t.fn();
    },
    pending: () => timers.size,
  };
}

const follower = (connection: string) =>
  ({
    configured: true,
    pricesStale: false,
    holdings: { route: { session: { connection } } },
  }) as unknown as FollowerRisk;

function feeds() {
  const clock = manualClock();
  const a = follower("sim");
  const b = follower("other");
  const told: [FollowerRisk, string | undefined][] = [];
  const f = new PriceFeeds({
    clock,
    graceMs: 5000,
    followers: () => [a, b],
    changed: (who, why) => told.push([who, why]),
  });
  return { clock, a, b, told, f };
}

describe("PriceFeeds: a login's market data down makes its followers' risk blind", () => {
  it("a blip shorter than the grace blinds nobody", () => {
    const { clock, a, told, f } = feeds();
    f.onEvent({ type: "marketData", connection: "sim", up: false, reason: "lost" });
    clock.advance(4999);
    f.onEvent({ type: "marketData", connection: "sim", up: true });
    clock.advance(10_000);
    expect(a.pricesStale).toBe(false);
    expect(told).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it("down past the grace: that login's followers blind, with the reason, until it is back", () => {
    const { clock, a, b, told, f } = feeds();
    f.onEvent({ type: "marketData", connection: "sim", up: false, reason: "lost" });
    // Still down on the next try: the grace runs from the first loss, not the last.
    clock.advance(3000);
    f.onEvent({ type: "marketData", connection: "sim", up: false, reason: "could not connect" });
    clock.advance(2000);
    expect([a.pricesStale, b.pricesStale]).toEqual([true, false]);
    expect(told).toEqual([[a, "lost"]]);
    f.onEvent({ type: "marketData", connection: "sim", up: true });
    expect(a.pricesStale).toBe(false);
    expect(told.at(-1)).toEqual([a, undefined]);
  });

  it("a login the config no longer names is forgotten, down or in its grace", () => {
    const { clock, a, b, f } = feeds();
    f.onEvent({ type: "marketData", connection: "sim", up: false });
    clock.advance(5000);
    f.onEvent({ type: "marketData", connection: "other", up: false });
    f.keep([]);
    expect(clock.pending()).toBe(0);
    f.update();
    expect([a.pricesStale, b.pricesStale]).toEqual([false, false]);
  });

  it("a login whose settings were edited is forgotten (a new session); one left as it was is kept", () => {
    const { clock, a, b, f } = feeds();
    const login = (name: string, username: string): Connection => ({
      ...{ name, env: "sim", username, password: { env: "PW" }, appId: "mimik", appVersion: "1" },
    });
    f.keep([login("sim", "demo"), login("other", "prop")]);
    f.onEvent({ type: "marketData", connection: "sim", up: false });
    f.onEvent({ type: "marketData", connection: "other", up: false });
    clock.advance(5000);
    f.keep([login("other", "prop"), login("sim", "demo")]);
    f.update();
    expect([a.pricesStale, b.pricesStale]).toEqual([true, true]);
    f.keep([login("sim", "funded"), login("other", "prop")]);
    f.update();
    expect([a.pricesStale, b.pricesStale]).toEqual([false, true]);
  });

  it("a blind follower taken out of the config is not told its market data is back", () => {
    const { clock, a, told, f } = feeds();
    f.onEvent({ type: "marketData", connection: "sim", up: false, reason: "lost" });
    clock.advance(5000);
    (a as { configured: boolean }).configured = false;
    f.update();
    expect(a.pricesStale).toBe(false);
    expect(told).toEqual([[a, "lost"]]);
  });

  it("stop leaves no timer behind", () => {
    const { clock, f } = feeds();
    f.onEvent({ type: "marketData", connection: "sim", up: false });
    f.stop();
    expect(clock.pending()).toBe(0);
  });
});
