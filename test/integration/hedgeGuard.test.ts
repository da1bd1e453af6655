import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import type { CopyEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Issue 16, the hedge guard on the simulator's book: two groups with their own leaders, and three
 * followers at one firm (Apex) across them. What reaches the broker is read from its records.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function twoGroups(hedgeGuard?: boolean): Config {
  const config = simConfig();
  config.connections.push({
    name: "prop",
    env: "sim",
    username: "prop",
    password: { env: "MIMIK_TEST_PROP_PASSWORD" },
    appId: "mimik",
    appVersion: "test",
  });
  config.accounts = [
    { name: "DEMO1000", connection: "sim" },
    { name: "DEMO2001", connection: "sim", firm: "Apex" },
    { name: "DEMO2002", connection: "sim", firm: "Apex" },
    { name: "DEMO2003", connection: "sim" },
    { name: "APEX3001", connection: "prop", firm: "apex" },
  ];
  const g = config.groups[0]!;
  g.followers = g.followers.filter((f) => f.account !== "DEMO2003");
  config.groups.push({
    ...g,
    name: "H",
    leader: "DEMO2003",
    followers: [
      {
        account: "APEX3001",
        enabled: true,
        sizing: { mode: "multiplier", value: 1 },
        mapping: "none",
        limits: {},
      },
    ],
  });
  if (hedgeGuard !== undefined) config.hedgeGuard = hedgeGuard;
  return config;
}

const copiesTo = (r: Rig, follower: string) =>
  r.events.filter((e): e is CopyEvent => e.type === "copy" && e.follower === follower);

describe("issue 16: the hedge guard through the simulator", () => {
  it("an opening that would put one firm's followers on both sides of ES/MES is never sent; exits still go", async () => {
    rig = await startRig(twoGroups());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("APEX3001") && engine.directory.route("DEMO2002"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long ES");
    await eventually(() => position(sim, "DEMO2002", "MESZ6") === 2, "DEMO2002 long MES");

    // Group H's leader sells the micro: APEX3001 would be short MES against Apex's longs in ES/MES.
    sim.control.manualTrade("DEMO2003", "MESZ6", "Sell", 1);
    const skip = await eventually(
      () => copiesTo(rig!, "APEX3001").find((e) => e.outcome === "skipped"),
      "APEX3001's copy skipped",
    );
    expect(skip.reason).toBe("hedge guard");
    expect(position(sim, "APEX3001", "MESZ6")).toBe(0);
    const orders = sim.control.records().orders.filter((o) => o.accountName === "APEX3001");
    expect(orders).toEqual([]);

    // The longs close as their leader does: exits are never held back.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    await eventually(() => position(sim, "DEMO2002", "MESZ6") === 0, "DEMO2002 flat");
    // With no Apex long left, group H's next short opening goes through.
    sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === -1, "APEX3001 short ES");
    // And now group G's opening long would be the hedge.
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 1, "NQ is another instrument");
    sim.control.manualTrade("DEMO1000", "MESZ6", "Buy", 1);
    await eventually(
      () => copiesTo(rig!, "DEMO2001").some((e) => e.contract === "MESZ6" && e.reason === "hedge guard"),
      "DEMO2001's MES opening held back",
    );
    expect(position(sim, "DEMO2001", "MESZ6")).toBe(0);
  });

  it('"hedgeGuard": false lets it through', async () => {
    rig = await startRig(twoGroups(false));
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("APEX3001") && engine.directory.route("DEMO2001"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long ES");
    sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === -1, "APEX3001 short ES");
  });
});
