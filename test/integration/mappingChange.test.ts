import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../engine/types.js";
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
