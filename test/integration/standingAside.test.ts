import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { MemoryRiskStore } from "../../engine/runtime/memoryStores.js";
import type { SyncStatusEvent } from "../../engine/types.js";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A follower locked or switched off on purpose takes no openings, so it is not expected to match
 * its leader: no OUT OF SYNC while it stands aside (before, every start showed one, and `resync`
 * refused it with "would open: locked"). Once it takes openings again, what differs from the rule
 * shows OUT OF SYNC and a resync brings it there. Judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** DEMO1000 leading DEMO2001 and DEMO2003, both ×1. */
function config(): Config {
  const c = simConfig();
  c.accounts = c.accounts.filter((a) => a.name !== "DEMO2002");
  c.groups[0]!.followers = [follower("DEMO2001"), follower("DEMO2003")];
  return c;
}

const said = (r: Rig, account: string, from = 0) =>
  r.events
    .slice(from)
    .filter((e): e is SyncStatusEvent => e.type === "syncStatus" && e.follower === account)
    .map((e) => `${e.contract} ${e.has}/${e.expects}${e.inSync ? "" : " OUT OF SYNC"}`);
const allConnected = (r: Rig) =>
  ["DEMO1000", "DEMO2001", "DEMO2003"].every((a) => r.engine.directory.connected(a));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a follower locked or switched off on purpose", () => {
  it("shows no OUT OF SYNC at a start, and is resynced once unlocked or switched on", async () => {
    const store = new MemoryRiskStore();
    rig = await startRig(config(), { riskStore: store });
    const sim = rig.sim;
    await eventually(() => allConnected(rig!), "connected");
    expect((await rig.engine.lock("DEMO2003")).status).toBe("locked");
    const off = structuredClone(rig.engine.currentConfig());
    off.groups[0]!.followers[0]!.enabled = false;
    rig.engine.setConfig(off);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => rig!.engine.copier.leaderPosition("DEMO1000", "ESZ6") === 2, "leader +2 seen");
    await rig.engine.stop();

    rig = await startRig(off, { riskStore: store, reuse: sim });
    const r = rig;
    await eventually(() => allConnected(r), "connected again");
    await pause(500);
    expect(said(r, "DEMO2001")).toEqual([]);
    expect(said(r, "DEMO2003")).toEqual([]);
    // Nothing owed: `r` says why nothing goes instead of "would open: locked".
    const locked = await r.engine.resync("DEMO2003");
    expect(locked).toMatchObject({ status: "refused" });
    expect(locked.reason).toMatch(/^locked: it takes no openings now/);
    expect((await r.engine.resync("DEMO2001")).reason).toMatch(/^follower disabled: /);

    // Back: what differs shows, and `r` brings it to the rule.
    let from = r.events.length;
    expect((await r.engine.unlock("DEMO2003")).status).toBe("unlocked");
    await eventually(() => said(r, "DEMO2003", from).length > 0, "DEMO2003 looked at");
    expect(said(r, "DEMO2003", from)).toEqual(["ESZ6 0/2 OUT OF SYNC"]);
    expect((await r.engine.resync("DEMO2003")).status).toBe("resynced");
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 resynced to +2");

    from = r.events.length;
    r.engine.setConfig(config());
    expect(said(r, "DEMO2001", from)).toEqual(["ESZ6 0/2 OUT OF SYNC"]);
    expect((await r.engine.resync("DEMO2001")).status).toBe("resynced");
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 resynced to +2");
    await r.engine.stop();
    await sim.close();
    rig = undefined;
  }, 20_000);

  it("has its OUT OF SYNC cleared by a lock, and shown again at the unlock", async () => {
    rig = await startRig(config());
    const r = rig;
    await eventually(() => allConnected(r), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 copied +2");
    // A trade by hand takes it off the rule; the leader's login re-syncs and shows it.
    r.sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
    await eventually(() => r.engine.copier.followerPosition("DEMO2003", "ESZ6") === 1, "DEMO2003 +1 heard");
    r.sim.control.dropSockets({ user: "demo" });
    await eventually(
      () => said(r, "DEMO2003").at(-1) === "ESZ6 1/2 OUT OF SYNC",
      "DEMO2003 OUT OF SYNC",
      10_000,
    );

    let from = r.events.length;
    expect((await r.engine.lock("DEMO2003")).status).toBe("locked");
    expect(said(r, "DEMO2003", from)).toEqual(["ESZ6 1/1"]);
    from = r.events.length;
    expect((await r.engine.unlock("DEMO2003")).status).toBe("unlocked");
    expect(said(r, "DEMO2003", from)).toEqual(["ESZ6 1/2 OUT OF SYNC"]);
    expect((await r.engine.resync("DEMO2003")).status).toBe("resynced");
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 back to +2");
  }, 20_000);

  it("locked by a group flatten shows OUT OF SYNC only once unlocked, and a resync reopens it", async () => {
    rig = await startRig(config());
    const r = rig;
    await eventually(() => allConnected(r), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 copied +2");
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 copied +2");
    const from = r.events.length;
    await r.engine.flattenAndLock({ group: "G" });
    for (const a of ["DEMO2001", "DEMO2003"])
      await eventually(() => r.engine.risk.snapshot(a)?.state === "LOCKED", `${a} flat and locked`);
    expect(position(r.sim, "DEMO2001", "ESZ6")).toBe(0);
    expect(said(r, "DEMO2001", from).filter((s) => s.endsWith("OUT OF SYNC"))).toEqual([]);

    const unlockedAt = r.events.length;
    expect((await r.engine.unlock("DEMO2001")).status).toBe("unlocked");
    expect(said(r, "DEMO2001", unlockedAt)).toEqual(["ESZ6 0/2 OUT OF SYNC"]);
    expect(said(r, "DEMO2003", unlockedAt)).toEqual([]);
    expect((await r.engine.resync("DEMO2001")).status).toBe("resynced");
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 resynced to +2");
    expect(position(r.sim, "DEMO2003", "ESZ6")).toBe(0);
  }, 20_000);
});
