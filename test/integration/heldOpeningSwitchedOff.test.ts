import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * The leader closes and opens the other side while a follower's opening copy is still on its way:
 * the close waits for that order (a pending exit) and the new opening waits behind it. Then the
 * trader switches the follower off, or pauses the group, before the order is answered. Switched
 * off or paused, a follower still closes what its leader closed, and opens nothing new (design.md
 * §2). Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function heldBehindOpening(edit: (c: Config) => void): Promise<TwoLogins> {
  const r = await startTwoLogins();
  t = r;
  const { sim, engine } = r;
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => engine.directory.connected(a)),
    "connected",
  );
  // APEX3001's opening is written and done at the broker, its answer heard 500 ms later.
  sim.control.delaySocket("prop", 500);
  sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
  await eventually(() => position(sim, "APEX3001", "ESZ6") === -1, "APEX3001's short at the broker");
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  await eventually(
    () => r.events.some((e) => e.type === "exitPending" && e.follower === "APEX3001" && e.pending),
    "APEX3001's close waits for its opening",
  );
  const next = structuredClone(engine.currentConfig());
  edit(next);
  engine.setConfig(next);
  return r;
}

describe("a close waiting behind an opening, then the follower switched off (against the simulator)", () => {
  it("switched off: the follower closes the short its leader closed, and opens no long", async () => {
    const { sim } = await heldBehindOpening((c) => {
      c.groups[0]!.followers[0]!.enabled = false;
    });
    await eventually(() => position(sim, "APEX3002", "ESZ6") === 1, "APEX3002 long with its leader");
    await pause(1500);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([-1, 0]);
  });

  it("the group paused: the follower closes the short its leader closed, and opens no long", async () => {
    const { sim } = await heldBehindOpening((c) => {
      c.groups[0]!.active = false;
    });
    await pause(1500);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([-1, 0]);
  });
});
