import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * Issue 18, rule 1, judged on the broker's own records: a paused group or a disabled follower gets
 * no new exposure, but the close of what it holds still follows the leader.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const edited = (config: Config, edit: (c: Config) => void): Config => {
  const next = structuredClone(config);
  edit(next);
  return next;
};

async function longThree(): Promise<Rig> {
  const r = await startRig(simConfig());
  await eventually(() => r.engine.directory.route("DEMO2003"), "sync");
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
  await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
  await eventually(() => position(r.sim, "DEMO2002", "MESZ6") === 2, "DEMO2002 long 2 MES");
  return r;
}

describe("pause and disable stop openings only (against the simulator)", () => {
  it("the leader closes while the group is paused: every follower closes, an add before it was held back", async () => {
    rig = await longThree();
    const { sim, engine } = rig;
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.groups[0]!.active = false;
      }),
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2); // an add: no new exposure while paused
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 4); // the close
    for (const [account, contract] of [
      ["DEMO2001", "ESZ6"],
      ["DEMO2002", "MESZ6"],
      ["DEMO2003", "ESZ6"],
    ] as const)
      await eventually(() => position(sim, account, contract) === 0, `${account} flat`);
    const followerOrders = sim.control.records().orders.filter((o) => o.accountName !== "DEMO1000");
    // three openings and three closes, nothing for the add
    expect(followerOrders.filter((o) => o.isAutomated)).toHaveLength(6);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
  });

  it("the leader closes while a follower is disabled: it closes; the leader's next opening is held back", async () => {
    rig = await longThree();
    const { sim, engine } = rig;
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.groups[0]!.followers[2]!.enabled = false;
      }),
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === -1, "DEMO2001 short 1");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
    const automated = sim.control
      .records()
      .orders.filter((o) => o.accountName === "DEMO2003" && o.isAutomated);
    expect(automated.map((o) => [o.action, o.qty])).toEqual([
      ["Buy", 2],
      ["Sell", 2],
    ]);
  });
});
