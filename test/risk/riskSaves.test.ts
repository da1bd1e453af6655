import { describe, expect, it } from "vitest";
import { RiskSaves } from "../../engine/risk/riskSaves.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { FakeClock, FakeStore, flush } from "./fakes.js";

/** A store that can also write several followers at once, and fail doing it. */
class BatchingStore extends FakeStore {
  batches: string[][] = [];
  async saveFollowers(records: Record<string, FollowerRiskRecord>): Promise<void> {
    if (this.fail) throw new Error("disk full");
    this.batches.push(Object.keys(records).sort());
    for (const [name, record] of Object.entries(records))
      this.state.followers[name] = structuredClone(record);
  }
}

function setup(log: string[] = [], store: FakeStore = new FakeStore(log)) {
  const clock = new FakeClock(0);
  const records = new Map<string, FollowerRiskRecord>();
  const changes: string[] = [];
  const alerts: string[] = [];
  const saves = new RiskSaves({
    clock,
    store,
    lazyDelayMs: 1000,
    recordOf: (name) => records.get(name),
    onDiskChanged: (name) => changes.push(`${name} ${saves.isOnDisk(name) ? "on disk" : "unsaved"}`),
    alert: (level, message) => alerts.push(`${level}: ${message}`),
  });
  const set = (name: string, record: FollowerRiskRecord) => records.set(name, record);
  return { clock, store, saves, set, changes, alerts, log };
}

const writesOf = (store: FakeStore, name: string) => store.saves.filter((s) => s.follower === name);

describe("RiskSaves: a record that cannot be written is kept, said, and written once it can be", () => {
  it("a failed lock write: false, marked unsaved, one error alert; retried 1 s, 2 s, 4 s … until the disk takes it", async () => {
    const s = setup();
    s.set("F1", { state: "LOCKED", lockKind: "manual" });
    s.store.fail = true;
    expect(await s.saves.now("F1")).toBe(false);
    expect(s.saves.isOnDisk("F1")).toBe(false);
    expect(s.changes).toEqual(["F1 unsaved"]);
    expect(s.alerts).toEqual([
      "error: F1: could not save risk state (disk full); kept in memory, retrying until it is saved",
    ]);
    const attempts = () => s.log.filter((l) => l.startsWith("save-start F1")).length;
    await s.clock.advance(999);
    expect(attempts()).toBe(1);
    await s.clock.advance(1);
    expect(attempts()).toBe(2);
    await s.clock.advance(1999);
    expect(attempts()).toBe(2);
    await s.clock.advance(1 + 4000); // the retries at 1 s, 3 s and 7 s fail quietly
    expect(attempts()).toBe(4);
    expect(s.alerts).toHaveLength(1);
    s.set("F1", { state: "LOCKED", lockKind: "manual", lockReason: "changed while unsaved" });
    s.store.fail = false;
    await s.clock.advance(8000);
    expect(writesOf(s.store, "F1").map((w) => w.record.lockReason)).toEqual(["changed while unsaved"]);
    expect(s.saves.isOnDisk("F1")).toBe(true);
    expect(s.changes).toEqual(["F1 unsaved", "F1 on disk"]);
    expect(s.alerts.at(-1)).toBe("info: F1: risk state saved; it is on disk again");
    expect(s.clock.pending()).toBe(0);
  });

  it("a write the caller waits for that succeeds clears the mark at once, and the retry stops", async () => {
    const s = setup();
    s.set("F1", { state: "LOCKED" });
    s.store.fail = true;
    await s.saves.now("F1");
    s.store.fail = false;
    expect(await s.saves.now("F1")).toBe(true);
    expect(s.changes).toEqual(["F1 unsaved", "F1 on disk"]);
    expect(s.clock.pending()).toBe(0);
  });

  it.each([
    ["one at a time", new FakeStore([])],
    ["in one batch", new BatchingStore([])],
  ])("lazy writes that fail (%s): every follower unsaved, one alert, retried together", async (_, store) => {
    const s = setup([], store);
    for (const name of ["F1", "F2"]) {
      s.set(name, { state: "ACTIVE", tradesToday: 1 });
      s.saves.later(name);
    }
    s.store.fail = true;
    await s.clock.advance(1000);
    expect(["F1", "F2"].map((n) => s.saves.isOnDisk(n))).toEqual([false, false]);
    expect(s.alerts.filter((a) => a.startsWith("error"))).toHaveLength(
      store instanceof BatchingStore ? 1 : 2,
    );
    // a change meanwhile waits for the retry, which writes the whole record
    s.set("F1", { state: "ACTIVE", tradesToday: 2 });
    s.saves.later("F1");
    s.store.fail = false;
    await s.clock.advance(1000);
    expect(s.store.state.followers).toEqual({
      F1: { state: "ACTIVE", tradesToday: 2 },
      F2: { state: "ACTIVE", tradesToday: 1 },
    });
    expect(["F1", "F2"].map((n) => s.saves.isOnDisk(n))).toEqual([true, true]);
    expect(s.clock.pending()).toBe(0);
  });

  it.each([
    ["one at a time", new FakeStore([]), 0, 3],
    ["in one batch", new BatchingStore([]), 1, 0],
  ])(
    "writes asked for at once in one task (%s): one write for all when the store can, each caller told",
    async (_, store, batches, singles) => {
      const s = setup([], store);
      const names = ["F1", "F2", "F3"];
      for (const name of names) s.set(name, { state: "ACTIVE", tradingDay: "2026-11-30" });
      expect(await Promise.all(names.map((n) => s.saves.now(n)))).toEqual([true, true, true]);
      expect(store instanceof BatchingStore ? store.batches : []).toEqual(batches ? [names] : []);
      expect(s.store.saves).toHaveLength(singles);
      expect(Object.keys(s.store.state.followers).sort()).toEqual(names);
    },
  );

  it("a batch of writes asked for at once that fails: each caller told false, one alert names them all", async () => {
    const s = setup([], new BatchingStore([]));
    for (const name of ["F1", "F2"]) s.set(name, { state: "LOCKED", lockKind: "manual" });
    s.store.fail = true;
    expect(await Promise.all([s.saves.now("F1"), s.saves.now("F2")])).toEqual([false, false]);
    expect(["F1", "F2"].map((n) => s.saves.isOnDisk(n))).toEqual([false, false]);
    expect(s.alerts).toEqual([
      "error: 2 followers (F1, F2): could not save risk state (disk full); kept in memory, retrying until it is saved",
    ]);
    s.store.fail = false;
    await s.clock.advance(1000);
    expect(["F1", "F2"].map((n) => s.saves.isOnDisk(n))).toEqual([true, true]);
  });

  it("stop() makes one last try at what is unsaved and leaves no timer, whether it works or not", async () => {
    for (const works of [true, false]) {
      const s = setup();
      s.set("F1", { state: "LOCKED" });
      s.store.fail = true;
      await s.saves.now("F1");
      s.store.fail = !works;
      await s.saves.stop();
      await flush();
      expect(s.saves.isOnDisk("F1")).toBe(works);
      expect(s.clock.pending()).toBe(0);
    }
  });
});
