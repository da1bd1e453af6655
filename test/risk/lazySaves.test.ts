import { describe, expect, it } from "vitest";
import { DeferredSaves } from "../../engine/risk/saveQueue.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { configWith, ES, FakeClock, FakeStore, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT

describe("DeferredSaves", () => {
  it("writes everything marked within the delay in one call, once", async () => {
    const clock = new FakeClock(0);
    const writes: string[][] = [];
    const saves = new DeferredSaves<string>(clock, 1000, async (items) => {
      writes.push(items);
    });
    saves.mark("a");
    await clock.advance(400);
    saves.mark("b");
    saves.mark("a");
    expect(clock.pending()).toBe(1);
    await clock.advance(599);
    expect(writes).toEqual([]);
    await clock.advance(1);
    expect(writes).toEqual([["a", "b"]]);
    expect(clock.pending()).toBe(0);
    await clock.advance(5000);
    expect(writes).toHaveLength(1);
  });

  it("forget drops an item saved some other way and the timer with the last one; flush writes now", async () => {
    const clock = new FakeClock(0);
    const writes: string[][] = [];
    const saves = new DeferredSaves<string>(clock, 1000, async (items) => {
      writes.push(items);
    });
    saves.mark("a");
    saves.forget("a");
    expect(clock.pending()).toBe(0);
    saves.mark("b");
    saves.mark("c");
    saves.forget("b");
    expect(saves.size).toBe(1);
    await saves.flush();
    expect(writes).toEqual([["c"]]);
    expect(clock.pending()).toBe(0);
    await saves.flush();
    expect(writes).toHaveLength(1);
  });
});

/** A store that can write several followers at once, counting its calls. */
class BatchingStore extends FakeStore {
  batches: Array<Record<string, FollowerRiskRecord>> = [];
  async saveFollowers(records: Record<string, FollowerRiskRecord>): Promise<void> {
    this.batches.push(structuredClone(records));
    for (const [name, record] of Object.entries(records))
      this.state.followers[name] = structuredClone(record);
  }
}

async function fleet(store?: FakeStore) {
  const r = rig(MON_NOON, store ? { store } : {});
  r.session.addAccount(1, "LEAD", 100_000);
  const names = ["F1", "F2", "F3"];
  names.forEach((name, i) => {
    r.session.addAccount(11 + i, name, 50_000);
  });
  r.session.prices.set(ES.id, 5000);
  r.setConfig(configWith(names.map((account) => ({ account, limits: { maxTradesPerDay: 10 } }))));
  await r.engine.start();
  names.forEach((_, i) => {
    r.session.setBalance(11 + i, 50_000);
  });
  await flush();
  return { r, names };
}

describe("RiskEngine: counted trades are saved lazily and together", () => {
  it("a copy to every follower writes nothing at once, then each follower once within a second", async () => {
    const { r, names } = await fleet();
    const before = r.store.saves.length;
    for (let round = 0; round < 3; round++) for (const name of names) r.engine.recordOpening(name);
    await flush();
    expect(r.store.saves.length).toBe(before);
    expect(r.engine.gate("F1").tradesLeft).toBe(7);
    await r.clock.advance(1000);
    const written = r.store.saves.slice(before);
    expect(written.map((s) => s.follower).sort()).toEqual(names);
    expect(written.every((s) => s.record.tradesToday === 3)).toBe(true);
  });

  it("uses the store's batch write when it has one: one write for all followers", async () => {
    const store = new BatchingStore([]);
    const { r, names } = await fleet(store);
    const before = store.saves.length;
    // The start's own writes (every follower's new trading day) are one batch already.
    const batchesBefore = store.batches.length;
    for (const name of names) r.engine.recordOpening(name);
    await r.clock.advance(1000);
    expect(store.saves.length).toBe(before);
    expect(store.batches.slice(batchesBefore)).toHaveLength(1);
    expect(Object.keys(store.batches[batchesBefore] ?? {}).sort()).toEqual(names);
    expect(store.state.followers.F2?.tradesToday).toBe(1);
  });

  it("stop() writes the counts still waiting", async () => {
    const { r } = await fleet();
    r.engine.recordOpening("F2");
    r.engine.recordOpening("F2");
    await r.engine.stop();
    expect(r.store.state.followers.F2?.tradesToday).toBe(2);
    expect(r.clock.pending()).toBe(0);
  });

  it("a lock is written at once, with the counts so far, and before the flatten", async () => {
    const { r } = await fleet();
    r.session.setPosition(12, ES, 1, 5000);
    r.engine.recordOpening("F2");
    const before = r.store.saves.length;
    await r.engine.flattenAndLock(["F2"]);
    const lockSave = r.log.findIndex((l) => l.startsWith("saved F2 LIQUIDATE_ONLY"));
    const liquidate = r.log.findIndex((l) => l.startsWith("liquidate F2"));
    expect(lockSave).toBeGreaterThanOrEqual(0);
    expect(liquidate).toBeGreaterThan(lockSave);
    expect(r.store.saves.slice(before)[0]?.record).toMatchObject({ state: "LIQUIDATE_ONLY", tradesToday: 1 });
  });
});
