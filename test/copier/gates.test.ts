import { describe, expect, it } from "vitest";
import type { GateContext } from "../../engine/copier/gates.js";
import { accessGate, openingGate, tradesGate, whitelisted } from "../../engine/copier/gates.js";
import { SKIP_REASONS } from "../../engine/types.js";

const open: GateContext = {
  groupActive: true,
  followerEnabled: true,
  connected: true,
  state: "ACTIVE",
  brokerLocked: false,
  whitelist: { enabled: false, symbols: [] },
  leaderContract: "ESZ6",
};

describe("gates, in their fixed order", () => {
  it("lets a fully open context through", () => {
    expect(accessGate(open)).toBeUndefined();
    expect(openingGate(open)).toBeUndefined();
    expect(tradesGate(open)).toBeUndefined();
  });

  it.each([
    [{ connected: false }, SKIP_REASONS.disconnected],
    [{ ordersBacklog: true }, SKIP_REASONS.ordersBacklog],
    [{ connected: false, ordersBacklog: true }, SKIP_REASONS.disconnected],
    // a pause or a disable is not an access gate: exits still follow (issue 18)
    [{ groupActive: false }, undefined],
    [{ followerEnabled: false }, undefined],
    [{ groupActive: false, followerEnabled: false, connected: false }, SKIP_REASONS.disconnected],
  ])("access %o → %s", (patch, reason) => {
    expect(accessGate({ ...open, ...patch })).toBe(reason);
  });

  it.each([
    [{ groupActive: false }, SKIP_REASONS.groupPaused],
    [{ followerEnabled: false }, SKIP_REASONS.followerDisabled],
    // first failing gate wins: the trader's switches, then the lock, then the whitelist
    [{ groupActive: false, followerEnabled: false, state: "LOCKED" as const }, SKIP_REASONS.groupPaused],
    [{ followerEnabled: false, state: "LOCKED" as const }, SKIP_REASONS.followerDisabled],
    [{ state: "LOCKED" as const }, SKIP_REASONS.locked],
    [{ state: "LIQUIDATE_ONLY" as const }, SKIP_REASONS.liquidateOnly],
    [{ brokerLocked: true }, SKIP_REASONS.brokerLocked],
    // no market data: risk cannot value a new position; after the locks, before the window
    [{ pricesStale: true }, SKIP_REASONS.pricesStale],
    [{ pricesStale: true, state: "LOCKED" as const }, SKIP_REASONS.locked],
    [{ pricesStale: true, window: SKIP_REASONS.outsideHours }, SKIP_REASONS.pricesStale],
    [{ whitelist: { enabled: true, symbols: ["NQ"] } }, SKIP_REASONS.notWhitelisted],
    [{ state: "LOCKED" as const, whitelist: { enabled: true, symbols: ["NQ"] } }, SKIP_REASONS.locked],
    // issue 16: the trading window after the locks, before the whitelist; its reason as it is
    [{ window: SKIP_REASONS.outsideHours }, SKIP_REASONS.outsideHours],
    [{ window: "blackout: CPI" as const }, "blackout: CPI"],
    [
      { window: "flat by 15:55 CT" as const, whitelist: { enabled: true, symbols: ["NQ"] } },
      "flat by 15:55 CT",
    ],
    [{ window: SKIP_REASONS.outsideHours, state: "LOCKED" as const }, SKIP_REASONS.locked],
    [{ window: SKIP_REASONS.outsideHours, groupActive: false }, SKIP_REASONS.groupPaused],
  ])("opening %o → %s", (patch, reason) => {
    expect(openingGate({ ...open, ...patch })).toBe(reason);
  });

  it("max trades per day stops a new order but not a later fill of a counted one", () => {
    expect(tradesGate({ ...open, tradesLeft: 0 })).toBe(SKIP_REASONS.maxTrades);
    expect(tradesGate({ ...open, tradesLeft: 1 })).toBeUndefined();
    expect(tradesGate({ ...open, tradesLeft: 0, tradeAlreadyCounted: true })).toBeUndefined();
  });
});

describe("whitelist matches the root of the leader contract", () => {
  it.each([
    [{ enabled: true, symbols: ["ES"] }, "ESZ6", true],
    [{ enabled: true, symbols: ["ES"] }, "MESZ6", false], // MES is not ES
    [{ enabled: true, symbols: ["MES"] }, "ESZ6", false],
    [{ enabled: true, symbols: ["MES"] }, "MESZ6", true],
    [{ enabled: true, symbols: ["ES", "NQ"] }, "NQH7", true],
    [{ enabled: true, symbols: [] }, "CLZ6", true], // empty = everything
    [{ enabled: false, symbols: ["ES"] }, "CLZ6", true], // disabled = everything
    [{ enabled: true, symbols: ["M2K"] }, "M2KZ6", true],
  ])("%o allows %s: %s", (whitelist, contract, allowed) => {
    expect(whitelisted(whitelist, contract)).toBe(allowed);
  });
});
