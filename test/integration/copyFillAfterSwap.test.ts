import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Leader and follower swapped by a config edit while mimik's copy to the follower is on its way:
 * its fill arrives on an account that leads now. It is mimik's own copy, not a trade of the new
 * leader's, so it reaches no follower. Judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a copy that fills after its follower was made the leader", () => {
  it("is not copied back to the followers (the old leader does not buy its position again)", async () => {
    rig = await startRig(simConfig());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    // The copy's answer and fill are held back (every frame to the login lags) once it is sent.
    const sent = (e: (typeof events)[number]) =>
      e.type === "copy" && e.follower === "DEMO2003" && e.outcome === "sent";
    const off = engine.on((e) => {
      if (sent(e)) sim.control.delaySocket("demo", 400);
    });
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => events.some(sent), "the copy to DEMO2003 sent");
    off();
    const next = structuredClone(engine.currentConfig());
    const g = next.groups[0]!;
    g.leader = "DEMO2003";
    g.followers = g.followers.map((f) => (f.account === "DEMO2003" ? { ...f, account: "DEMO1000" } : f));
    engine.setConfig(next);
    sim.control.delaySocket("demo", 0);

    await eventually(() => engine.copier.leaderPosition("DEMO2003", "ESZ6") === 2, "the copy's fill heard");
    for (const f of ["DEMO1000", "DEMO2001", "DEMO2002"])
      await eventually(() => engine.gateway.inFlight(f) === 0, `${f} answered`);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(2);
    expect(position(sim, "DEMO2001", "ESZ6")).toBe(1);
    expect(position(sim, "DEMO2002", "MESZ6")).toBe(2);
    const alert = events.find(
      (e): e is AlertEvent => e.type === "alert" && e.message.startsWith('DEMO2003 leads group "G" now'),
    );
    expect(alert?.message).toContain("Buy 2 ESZ6");

    // The new leader's position counts the copy: its close flattens every follower, none left open.
    sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO1000", "ESZ6") === 0, "DEMO1000 flat");
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    await eventually(() => position(sim, "DEMO2002", "MESZ6") === 0, "DEMO2002 flat");
  });
});
