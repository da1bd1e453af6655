import { afterEach, describe, expect, it, vi } from "vitest";
import type { LeaderFillEvent } from "../../engine/types.js";
import { EngineStore } from "../../src/store/engineStore.js";

const fill = (fillId: number): LeaderFillEvent => ({
  type: "leaderFill",
  at: 1,
  group: "G",
  leader: "L1",
  fillId,
  orderId: 1,
  contract: "NQZ6",
  side: "Buy",
  qty: 1,
  price: 100,
  positionBefore: 0,
  positionAfter: 1,
});

describe("engine store", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("publishes one snapshot per batch, not one per event", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 50 });
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.getSnapshot();
    for (let i = 1; i <= 100; i++) store.push(fill(i));
    expect(store.getSnapshot()).toBe(before);
    vi.advanceTimersByTime(50);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().fills).toHaveLength(100);
    expect(store.getSnapshot().fills[0]?.fill.fillId).toBe(100);
    store.dispose();
  });

  it("keeps buffers bounded", () => {
    const store = new EngineStore({ maxFills: 10, maxAlerts: 3 });
    for (let i = 1; i <= 50; i++) {
      store.push(fill(i));
      store.push({ type: "alert", at: i, level: "warn", message: `a${i}` });
    }
    store.publish();
    expect(store.getSnapshot().fills.map((f) => f.fill.fillId)).toEqual([
      50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
    ]);
    expect(store.getSnapshot().alerts.map((a) => a.message)).toEqual(["a50", "a49", "a48"]);
    store.dispose();
  });

  it("leaves out of the live fills a leader fill seen only in a broker's snapshot (history)", () => {
    const store = new EngineStore();
    store.push(fill(1));
    store.push({
      ...fill(2),
      positionBefore: undefined,
      positionAfter: undefined,
      history: true,
      filledAt: 0,
    });
    store.push(fill(3));
    store.publish();
    expect(store.getSnapshot().fills.map((f) => f.fill.fillId)).toEqual([3, 1]);
    store.dispose();
  });

  it("folds a follower's copy outcomes under its leader fill", () => {
    const store = new EngineStore();
    store.push(fill(7));
    const base = { type: "copy", at: 2, group: "G", follower: "F1", fillId: 7, contract: "NQZ6" } as const;
    store.push({ ...base, outcome: "sent", reason: "copied", side: "Buy", qty: 1, latencyMs: 0.2 });
    store.push({ ...base, outcome: "filled", reason: "filled", latencyMs: 3 });
    store.push({ ...base, follower: "F2", outcome: "skipped", reason: "locked" });
    store.publish();
    const results = store.getSnapshot().fills[0]?.results;
    expect(results).toEqual([
      {
        follower: "F1",
        outcome: "filled",
        reason: "copied",
        side: "Buy",
        qty: 1,
        contract: "NQZ6",
        latencyMs: 3,
      },
      expect.objectContaining({ follower: "F2", outcome: "skipped", reason: "locked" }),
    ]);
    store.dispose();
  });

  it("lists a follower's orders in two contracts apart, and adds up two orders in one", () => {
    const store = new EngineStore();
    store.push(fill(7));
    const base = { type: "copy", at: 2, group: "G", follower: "F1", fillId: 7 } as const;
    store.push({ ...base, contract: "ESZ6", outcome: "sent", reason: "resync", side: "Sell", qty: 2 });
    store.push({ ...base, contract: "MESZ6", outcome: "sent", reason: "resync", side: "Buy", qty: 20 });
    store.push({ ...base, contract: "ESZ6", outcome: "filled", reason: "filled", side: "Sell", qty: 2 });
    store.push({ ...base, contract: "MESZ6", outcome: "filled", reason: "filled", side: "Buy", qty: 20 });
    store.push({
      ...base,
      follower: "F2",
      contract: "ESZ6",
      outcome: "sent",
      reason: "copied",
      side: "Sell",
      qty: 1,
    });
    store.push({
      ...base,
      follower: "F2",
      contract: "ESZ6",
      outcome: "filled",
      reason: "filled",
      side: "Sell",
      qty: 1,
    });
    store.push({
      ...base,
      follower: "F2",
      contract: "ESZ6",
      outcome: "sent",
      reason: "copied",
      side: "Sell",
      qty: 2,
    });
    store.publish();
    const results = store.getSnapshot().fills[0]?.results;
    expect(results).toEqual([
      expect.objectContaining({ follower: "F1", contract: "ESZ6", side: "Sell", qty: 2, filled: 2 }),
      expect.objectContaining({ follower: "F1", contract: "MESZ6", side: "Buy", qty: 20, filled: 20 }),
      expect.objectContaining({ follower: "F2", contract: "ESZ6", outcome: "filled", qty: 3, filled: 1 }),
    ]);
    store.dispose();
  });

  it("keeps why an order went out and its size through its ack and a partial fill", () => {
    const store = new EngineStore();
    store.push(fill(7));
    const base = { type: "copy", at: 2, group: "G", follower: "F1", fillId: 7, contract: "MNQZ6" } as const;
    const why = "copied, capped by max contracts";
    store.push({ ...base, outcome: "sent", reason: why, side: "Buy", qty: 4 });
    store.push({ ...base, outcome: "accepted", reason: "accepted", side: "Buy" });
    store.push({ ...base, outcome: "filled", reason: "filled", side: "Buy", qty: 1 });
    store.publish();
    expect(store.getSnapshot().fills[0]?.results[0]).toMatchObject({
      outcome: "filled",
      reason: why,
      qty: 4,
      filled: 1,
    });
    store.push({ ...base, outcome: "filled", reason: "filled", side: "Buy", qty: 3 });
    store.publish();
    expect(store.getSnapshot().fills[0]?.results[0]).toMatchObject({ qty: 4, filled: 4 });
    store.push({ ...base, follower: "F2", outcome: "sent", reason: "copied", side: "Buy", qty: 2 });
    store.push({ ...base, follower: "F2", outcome: "rejected", reason: "broker refused: margin" });
    store.publish();
    expect(store.getSnapshot().fills[0]?.results[1]).toMatchObject({
      outcome: "rejected",
      reason: "broker refused: margin",
    });
    store.dispose();
  });

  it("tracks follower state, risk and out-of-sync contracts", () => {
    const store = new EngineStore();
    store.push({ type: "followerState", at: 1, follower: "F1", state: "LOCKED", reason: "daily loss" });
    store.push({
      type: "syncStatus",
      at: 1,
      follower: "F1",
      contract: "ESZ6",
      has: 0,
      expects: 2,
      inSync: false,
    });
    store.publish();
    expect(store.getSnapshot().followers.get("F1")).toMatchObject({ state: "LOCKED", reason: "daily loss" });
    expect(store.getSnapshot().followers.get("F1")?.outOfSync).toHaveLength(1);
    store.push({
      type: "syncStatus",
      at: 2,
      follower: "F1",
      contract: "ESZ6",
      has: 2,
      expects: 2,
      inSync: true,
    });
    store.publish();
    expect(store.getSnapshot().followers.get("F1")?.outOfSync).toHaveLength(0);
    store.dispose();
  });
});

describe("engine store outcome order", () => {
  it("keeps 'filled' when the ack is reported after the fill", () => {
    const store = new EngineStore();
    store.push(fill(9));
    const base = { type: "copy", at: 2, group: "G", follower: "F1", fillId: 9, contract: "NQZ6" } as const;
    store.push({ ...base, outcome: "sent", reason: "copied", side: "Buy", qty: 1 });
    store.push({ ...base, outcome: "filled", reason: "filled", latencyMs: 3 });
    store.push({ ...base, outcome: "accepted", reason: "accepted", latencyMs: 4 });
    store.publish();
    expect(store.getSnapshot().fills[0]?.results[0]).toMatchObject({ outcome: "filled", latencyMs: 3 });
    store.dispose();
  });

  it("folds an exit being retried per follower and contract, and lists a re-sync's corrections under it", () => {
    const store = new EngineStore({ batchMs: 50 });
    const exit = {
      type: "exitPending",
      at: 1,
      group: "G",
      follower: "F1",
      contract: "ESZ6",
      pending: true,
      has: 2,
      goal: 0,
      reason: "RiskRejected",
      attempts: 1,
      nextTryAt: 1001,
    } as const;
    store.push(exit);
    store.push({ ...exit, contract: "NQZ6" });
    store.push({ ...exit, contract: "NQZ6", pending: false, reason: "done" });
    store.push({
      type: "resync",
      at: 2,
      group: "G",
      leader: "L1",
      fillId: -7,
      cause: "F1 synced",
      positions: [],
    });
    store.push({
      type: "copy",
      at: 2,
      group: "G",
      follower: "F1",
      fillId: -7,
      contract: "ESZ6",
      outcome: "sent",
      kind: "close",
      reason: "reconcile",
      side: "Sell",
      qty: 2,
    });
    store.publish();
    const snap = store.getSnapshot();
    expect(snap.followers.get("F1")?.exitsPending).toEqual([exit]);
    expect(snap.fills[0]?.fill.type).toBe("resync");
    expect(snap.fills[0]?.results).toEqual([
      expect.objectContaining({ follower: "F1", reason: "reconcile" }),
    ]);
    store.dispose();
  });
});

describe("issue 16: trading windows in the store", () => {
  it("keeps each group's latest window state and forgets a group whose windows are gone", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 10 });
    const next = { at: 5000, text: "openings close 15:00 CT" };
    store.push({ type: "window", at: 1, group: "NQ", next });
    store.push({ type: "window", at: 2, group: "ES", held: "blackout: CPI", next });
    vi.advanceTimersByTime(10);
    expect([...store.getSnapshot().windows]).toEqual([
      ["NQ", { held: undefined, next }],
      ["ES", { held: "blackout: CPI", next }],
    ]);
    store.push({ type: "window", at: 3, group: "ES" });
    vi.advanceTimersByTime(10);
    expect([...store.getSnapshot().windows.keys()]).toEqual(["NQ"]);
    store.dispose();
    vi.useRealTimers();
  });
});
