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
    [{ groupActive: false }, SKIP_REASONS.groupInactive],
    [{ followerEnabled: false }, SKIP_REASONS.followerDisabled],
    [{ connected: false }, SKIP_REASONS.disconnected],
    // first failing gate wins
    [{ groupActive: false, followerEnabled: false, connected: false }, SKIP_REASONS.groupInactive],
    [{ followerEnabled: false, connected: false }, SKIP_REASONS.followerDisabled],
  ])("access %o → %s", (patch, reason) => {
    expect(accessGate({ ...open, ...patch })).toBe(reason);
  });

  it.each([
    [{ state: "LOCKED" as const }, SKIP_REASONS.locked],
    [{ state: "LIQUIDATE_ONLY" as const }, SKIP_REASONS.liquidateOnly],
    [{ brokerLocked: true }, SKIP_REASONS.brokerLocked],
    [{ whitelist: { enabled: true, symbols: ["NQ"] } }, SKIP_REASONS.notWhitelisted],
    [{ state: "LOCKED" as const, whitelist: { enabled: true, symbols: ["NQ"] } }, SKIP_REASONS.locked],
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
