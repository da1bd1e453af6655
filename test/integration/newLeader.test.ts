import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A group made (or its leader changed) while mimik runs, its leader already holding a position:
 * the leader's next fill moves from that position, not from flat. Judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function withoutDemo2003(): Config {
  const config = simConfig();
  config.groups[0]!.followers = config.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
  return config;
}

describe("a leader that joins holding a position", () => {
  it("its close is no opening: the follower of its new group is sent nothing", async () => {
    rig = await startRig(withoutDemo2003());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 2);
    const route = engine.directory.route("DEMO2003")!;
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.contract === "ESZ6" && p.netPos === 2),
      "the session saw DEMO2003 long 2",
    );
    const next = structuredClone(engine.currentConfig());
    const g = next.groups[0]!;
    const moved = g.followers.find((f) => f.account === "DEMO2001")!;
    g.followers = g.followers.filter((f) => f !== moved);
    next.groups.push({ ...g, name: "H", leader: "DEMO2003", followers: [moved] });
    engine.setConfig(next);
    sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 2); // the new leader closes
    await eventually(
      () => rig!.events.some((e) => e.type === "copy" && e.follower === "DEMO2001"),
      "DEMO2001's copy decided",
    );
    await eventually(() => engine.gateway.inFlight("DEMO2001") === 0, "DEMO2001 answered");
    expect(position(sim, "DEMO2001", "ESZ6")).toBe(0);
  });
});
