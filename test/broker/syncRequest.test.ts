import { describe, expect, it } from "vitest";
import {
  mergeSnapshotPart,
  SnapshotAssembler,
  SYNC_ENTITY_TYPES,
  syncRequestBody,
} from "../../engine/broker/syncRequest.js";
import { FakeClock } from "./helpers/fakeClock.js";

describe("user/syncrequest body", () => {
  it("names every entity type mimik reads and asks for split responses", () => {
    const body = syncRequestBody([1, 2]);
    expect(body).toEqual({ accounts: [1, 2], entityTypes: [...SYNC_ENTITY_TYPES], splitResponses: true });
    for (const t of ["account", "position", "order", "orderVersion", "command", "commandReport"])
      expect(SYNC_ENTITY_TYPES).toContain(t);
    for (const t of ["executionReport", "fill", "cashBalance", "accountRiskStatus"])
      expect(SYNC_ENTITY_TYPES).toContain(t);
    // Read over REST for the day's history, never live: not asked for on every socket.
    expect(SYNC_ENTITY_TYPES).not.toContain("fillPair");
    for (const t of ["userAccountAutoLiq", "contract", "contractMaturity", "product"])
      expect(SYNC_ENTITY_TYPES).toContain(t);
  });
});

describe("split snapshots", () => {
  it("merges parts: collections appended, in any order", () => {
    const into: Record<string, unknown> = {};
    mergeSnapshotPart(into, { users: [{ id: 1 }], fills: [{ id: 10 }] });
    mergeSnapshotPart(into, { fills: [{ id: 11 }], positions: [] });
    mergeSnapshotPart(into, "garbage");
    mergeSnapshotPart(into, [1, 2]);
    expect(into).toEqual({ users: [{ id: 1 }], fills: [{ id: 10 }, { id: 11 }], positions: [] });
  });

  it("is complete once no part came for settleMs; a later part is handed on as late", async () => {
    const clock = new FakeClock();
    const late: unknown[] = [];
    const a = new SnapshotAssembler(clock, 100, 30_000, (p) => late.push(p));
    let done: Record<string, unknown> | undefined;
    void a.done.then((s) => {
      done = s;
    });
    a.add({ users: [{ id: 1 }], accounts: [{ id: 7 }], positions: [] });
    clock.advance(60);
    a.add({ fills: [{ id: 5 }] });
    clock.advance(60);
    await Promise.resolve();
    expect(done).toBeUndefined();
    clock.advance(40);
    await Promise.resolve();
    expect(done).toEqual({ users: [{ id: 1 }], accounts: [{ id: 7 }], positions: [], fills: [{ id: 5 }] });
    expect(a.partCount).toBe(2);
    a.add({ positions: [{ id: 9 }] });
    expect(late).toEqual([{ positions: [{ id: 9 }] }]);
  });

  it("waits past settleMs for the part with the positions: a re-sync never reads a leader as flat on half a picture", async () => {
    const clock = new FakeClock();
    const late: unknown[] = [];
    const a = new SnapshotAssembler(clock, 100, 30_000, (p) => late.push(p));
    let done: Record<string, unknown> | undefined;
    void a.done.then((s) => {
      done = s;
    });
    a.add({ users: [{ id: 1 }], accounts: [{ id: 7 }] });
    clock.advance(5_000);
    await Promise.resolve();
    expect(done).toBeUndefined();
    expect(a.missing()).toEqual(["positions"]);
    a.add({ positions: [{ id: 9, netPos: 2 }] });
    clock.advance(100);
    await Promise.resolve();
    expect(done).toEqual({ users: [{ id: 1 }], accounts: [{ id: 7 }], positions: [{ id: 9, netPos: 2 }] });
    expect(late).toEqual([]);
  });

  it("gives up when the parts it must have never come: not synced on half a picture", async () => {
    const clock = new FakeClock();
    const a = new SnapshotAssembler(clock, 100, 30_000, () => {});
    a.add({ users: [{ id: 1 }], fills: [] });
    clock.advance(29_999);
    a.add({ orders: [] });
    clock.advance(1);
    await expect(a.done).rejects.toThrow("the snapshot brought no accounts or positions in 30 s");
  });

  it("rejects when cancelled (the socket went away)", async () => {
    const a = new SnapshotAssembler(new FakeClock(), 100, 30_000, () => {});
    a.add({ users: [] });
    a.cancel(new Error("socket closed"));
    await expect(a.done).rejects.toThrow("socket closed");
  });
});
