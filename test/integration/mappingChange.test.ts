import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, SyncStatusEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A follower's mapping changed while it holds what the old mapping put there: the leader's exits
 * go elsewhere from now on, so mimik can no longer close it. The trader hears so at once.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a mapping changed while the follower holds", () => {
  it("shows the stranded line OUT OF SYNC, and r moves it to the new mapping's contract", async () => {
    rig = await startRig(simConfig());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    const next = structuredClone(engine.currentConfig());
    next.groups[0]!.followers.find((f) => f.account === "DEMO2003")!.mapping = "toMicro";
    engine.setConfig(next);
    const last = (contract: string) =>
      events
        .filter((e): e is SyncStatusEvent => e.type === "syncStatus" && e.follower === "DEMO2003")
        .filter((e) => e.contract === contract)
        .at(-1);
    expect(last("ESZ6")).toMatchObject({ has: 1, expects: 0, inSync: false });
    expect(last("MESZ6")).toMatchObject({ has: 0, expects: 1, inSync: false });

    const [outcome] = await engine.execute({ cmd: "resync", follower: "DEMO2003" });
    expect(outcome).toMatchObject({ status: "resynced", sent: 2 });
    await eventually(
      () => position(sim, "DEMO2003", "ESZ6") === 0 && position(sim, "DEMO2003", "MESZ6") === 1,
      "DEMO2003 moved from ESZ6 to MESZ6",
    );
    // And the leader's exit now closes it.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2003", "MESZ6") === 0, "DEMO2003 flat");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
  });

  it("warns that the position it holds will not be closed by mimik", async () => {
    rig = await startRig(simConfig());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
    const route = engine.directory.route("DEMO2003")!;
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.netPos === 1),
      "the session saw DEMO2003 long 1",
    );
    const next = structuredClone(engine.currentConfig());
    next.groups[0]!.followers.find((f) => f.account === "DEMO2003")!.mapping = "toMicro";
    engine.setConfig(next);
    const alerts = events.filter((e): e is AlertEvent => e.type === "alert").map((a) => a.message);
    expect(alerts).toContainEqual(
      expect.stringContaining("DEMO2003: its mapping changed from none to toMicro while it holds ESZ6 +1"),
    );
    // What it warns of: the leader's close goes to MESZ6, and the ESZ6 stays.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(1);
  });
});
