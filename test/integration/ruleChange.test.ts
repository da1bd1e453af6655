import { afterEach, describe, expect, it } from "vitest";
import type { ResyncEvent, SyncStatusEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A follower's rule changed in the running config while it holds, or it joined a group whose
 * leader holds: what it has was sized by another rule, or by none. It shows OUT OF SYNC at once,
 * as after a re-sync, and nothing is sent until the trader resyncs.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const lastSync = (rig: Rig, follower: string, contract: string) =>
  rig.events
    .filter(
      (e): e is SyncStatusEvent =>
        e.type === "syncStatus" && e.follower === follower && e.contract === contract,
    )
    .at(-1);

describe("a follower's rule changed while it holds", () => {
  it("shows OUT OF SYNC against the new rule, and sends nothing", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toBeUndefined();

    const original = structuredClone(engine.currentConfig());
    const half = structuredClone(original);
    half.groups[0]!.followers.find((f) => f.account === "DEMO2003")!.sizing = {
      mode: "multiplier",
      value: 0.5,
    };
    engine.setConfig(half);
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toMatchObject({ has: 2, expects: 1, inSync: false });
    // The other followers' rules did not change: nothing said of them.
    expect(lastSync(rig, "DEMO2001", "ESZ6")).toBeUndefined();

    // Back to ×1: in sync again, said so.
    engine.setConfig(original);
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toMatchObject({ has: 2, expects: 2, inSync: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(2);
  });

  it("its sizing halved while it holds: OUT OF SYNC at once, and `r` sells the half the new rule does not give", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");

    const half = structuredClone(engine.currentConfig());
    half.groups[0]!.followers.find((f) => f.account === "DEMO2003")!.sizing = {
      mode: "multiplier",
      value: 0.5,
    };
    engine.setConfig(half);
    // Judged by the new rule on the spot (Copier.setConfig → RuleChanges): no broker event came.
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toMatchObject({ has: 2, expects: 1, inSync: false });

    const [outcome] = await engine.execute({ cmd: "resync", follower: "DEMO2003" });
    expect(outcome).toMatchObject({ status: "resynced", sent: 1 });
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 sold to 1");
    await eventually(() => lastSync(rig!, "DEMO2003", "ESZ6")?.inSync === true, "DEMO2003 in sync");
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toMatchObject({ has: 1, expects: 1 });
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(2);
    expect(position(sim, "DEMO2001", "ESZ6")).toBe(1); // its rule did not change: left as it was
  });

  it("a contract taken off the whitelist while held is followed out, not shown OUT OF SYNC", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");

    const esOnly = structuredClone(engine.currentConfig());
    esOnly.groups[0]!.whitelist = { enabled: true, symbols: ["ES"] };
    engine.setConfig(esOnly);
    // Its rule changed (the whitelist): looked at, and what it holds is what the rule's exits allow.
    expect(lastSync(rig, "DEMO2003", "NQZ6")?.inSync ?? true).toBe(true);
    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 1, "DEMO2003 follows the exit to 1");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(lastSync(rig, "DEMO2003", "NQZ6")?.inSync ?? true).toBe(true);
    // A resync sends nothing for it: there is nothing to open, and nothing to close beyond the rule.
    const [outcome] = await engine.execute({ cmd: "resync", follower: "DEMO2003" });
    expect(outcome).toMatchObject({ status: "in sync" });
    expect(position(sim, "DEMO2003", "NQZ6")).toBe(1);
  });

  it("a follower added while its leader holds shows what it misses", async () => {
    const config = simConfig();
    config.groups[0]!.followers = config.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
    rig = await startRig(config);
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2001"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");

    const added = structuredClone(engine.currentConfig());
    added.groups[0]!.followers.push({
      account: "DEMO2003",
      enabled: true,
      sizing: { mode: "multiplier", value: 1 },
      mapping: "none",
      limits: {},
    });
    engine.setConfig(added);
    await eventually(
      () => lastSync(rig!, "DEMO2003", "ESZ6")?.inSync === false,
      "DEMO2003 shown OUT OF SYNC",
    );
    expect(lastSync(rig, "DEMO2003", "ESZ6")).toMatchObject({ has: 0, expects: 2 });
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);

    // r: its order is listed under a row of its own, as a re-sync's are (the fills pane, headless).
    const [outcome] = await engine.execute({ cmd: "resync", follower: "DEMO2003" });
    expect(outcome).toMatchObject({ status: "resynced", sent: 1 });
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    const row = rig.events.find((e): e is ResyncEvent => e.type === "resync" && e.byHand === true);
    expect(row).toMatchObject({
      cause: "DEMO2003 resynced by hand",
      positions: [{ contract: "ESZ6", netPos: 2 }],
    });
    await eventually(
      () =>
        rig!.events.some(
          (e) => e.type === "copy" && e.fillId === row?.fillId && e.outcome === "filled" && e.qty === 2,
        ),
      "its fill listed under the row",
    );
  });
});
