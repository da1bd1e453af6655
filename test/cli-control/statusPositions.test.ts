import { describe, expect, it, vi } from "vitest";
import { configSchema } from "../../data/schema.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { EngineStore } from "../../src/store/engineStore.js";

const config = configSchema.parse({
  version: 1,
  connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "PW" } }],
  accounts: [
    { name: "DEMO1000", connection: "sim" },
    { name: "DEMO2001", connection: "sim" },
  ],
  groups: [
    {
      name: "main",
      leader: "DEMO1000",
      followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
    },
  ],
});

const followerLine = (store: EngineStore) => {
  const parsed = parseStatus(JSON.parse(JSON.stringify(statusReport(store.getSnapshot(), "LIVE"))));
  expect(parsed).toBeDefined();
  return formatStatus(parsed!).find((line) => line.startsWith("  DEMO2001"));
};

describe("mimik status: a follower's positions", () => {
  it("are not called flat before its broker has reported any (a login still down at start)", () => {
    vi.useFakeTimers();
    try {
      const store = new EngineStore({ batchMs: 10 });
      store.setConfig(config);
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).not.toContain("flat");
      expect(followerLine(store)).toContain("positions not known yet");
      store.push({ type: "positions", at: 1, account: "DEMO2001", positions: [] });
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toContain("flat");
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it("while its login is down are what it last reported, said so, and plain again once it is back", () => {
    vi.useFakeTimers();
    try {
      const store = new EngineStore({ batchMs: 10 });
      store.setConfig(config);
      const login = (state: "connected" | "reconnecting") =>
        store.push({ type: "connectionStatus", at: 1, connection: "sim", broker: "tradovate", state });
      login("connected");
      store.push({ type: "positions", at: 1, account: "DEMO2001", positions: [] });
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toMatch(/flat$/);
      login("reconnecting");
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toMatch(/flat \(last seen; login sim reconnecting\)$/);
      login("connected");
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toMatch(/flat$/);
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it("of a shadow are its would-be ones, said so, and flat until its first would-be trade", () => {
    vi.useFakeTimers();
    try {
      const store = new EngineStore({ batchMs: 10 });
      const shadowed = structuredClone(config);
      shadowed.groups[0]!.followers[0]!.shadow = true;
      store.setConfig(shadowed);
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toContain("shadow (would-be)");
      expect(followerLine(store)).toContain("flat");
      store.push({
        type: "positions",
        at: 1,
        account: "DEMO2001",
        positions: [{ contract: "ESZ6", netPos: 1 }],
      });
      vi.advanceTimersByTime(10);
      expect(followerLine(store)).toMatch(/shadow \(would-be\).*ESZ6 \+1/);
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
