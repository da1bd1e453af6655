import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A follower taken out of its group and put back: what its account did meanwhile (a trade by
 * hand) is its position when it is back. Judged on the simulator's book.
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

describe("a follower removed from its group and added back", () => {
  it("never opens a position from what it held before it was removed", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    const original = engine.currentConfig();
    const follower = original.groups[0]!.followers.find((f) => f.account === "DEMO2003")!;
    engine.setConfig(
      edited(original, (c) => {
        c.groups[0]!.followers = c.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
      }),
    );
    // Out of the group, the trader closes it by hand.
    sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat by hand");
    await eventually(
      () =>
        engine.directory
          .route("DEMO2003")!
          .session.positions(engine.directory.route("DEMO2003")!.accountId)
          .every((p) => p.netPos === 0),
      "the session saw DEMO2003 flat",
    );
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.groups[0]!.followers.push(follower);
      }),
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2); // the leader closes
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    await eventually(() => position(sim, "DEMO2002", "MESZ6") === 0, "DEMO2002 flat");
    // Whatever was decided for DEMO2003 has been sent by now (same fan-out): it must stay flat.
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
  });

  it("a follower put back within seconds is said to be back, as it was said to have left", async () => {
    rig = await startRig(simConfig());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.route("DEMO2003"), "sync");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    const route = engine.directory.route("DEMO2003")!;
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.netPos === 2),
      "the session saw DEMO2003 long 2",
    );
    const original = engine.currentConfig();
    engine.setConfig(
      edited(original, (c) => {
        c.groups[0]!.followers = c.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
      }),
    );
    engine.setConfig(original);
    const said = events.flatMap((e) => (e.type === "alert" ? [e] : []));
    expect(said.map((e) => [e.follower, e.message])).toEqual([
      [
        "DEMO2003",
        'DEMO2003 left group "G" (leader DEMO1000) while it holds ESZ6 +2; no leader\'s exit closes it now: flatten it by hand, or put it back in its group',
      ],
      [
        "DEMO2003",
        'DEMO2003 is back in group "G" (leader DEMO1000) while it holds ESZ6 +2; DEMO1000\'s exits close it again',
      ],
    ]);
    // True on the book: the leader's close closes it.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat with its leader");
  });
});
