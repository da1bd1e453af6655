import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { type KilledRun, killedAcrossStep } from "../support/killedStore.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * mimik is killed (-9) after a copy went but before what the follower acted on reached the disk
 * (it is written some 50 ms later, off the copy path). The restart's re-sync finds the leader a
 * step past what the file says. A multiplier follower that took that step already holds what the
 * rule gives: stepping again sold APEX3001 from 2 to 1 with its leader at 2 (a reduce's fraction
 * of a position already reduced), and with reconcile "full" bought a second add (4 → 6 with the
 * leader at 4). A fixed-size follower, whose size says nothing of the orders it copied, sold its
 * last contract (2, 1, 0 with the leader 4 → 1) and bought a second add (2, 4, 6): its own fills in
 * the restart's snapshot now say the copy went. Judged on the simulator's book.
 */
const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of done.splice(0).reverse()) await d();
});

function start(reconcile: "exits" | "full", fixed?: number): KilledRun["start"] {
  return async (sim, ledger, riskStore) => {
    const config = twoLoginConfig();
    config.groups[0]!.reconcile = reconcile;
    if (fixed !== undefined) config.groups[0]!.followers[0]!.sizing = { mode: "fixed", contracts: fixed };
    const r = await startTwoLogins(config, undefined, { sim, ledger, riskStore });
    done.push(() => r.close());
    await eventually(
      () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
      "connected",
    );
    return r;
  };
}

/** The leader opens `open`, then trades `step` with mimik killed before it writes what that step's copies acted on. */
function killedAfter(
  reconcile: "exits" | "full",
  open: number,
  step: { action: "Buy" | "Sell"; qty: number; apex3001: number },
  fixed?: number,
): Promise<Simulator> {
  return killedAcrossStep({
    start: start(reconcile, fixed),
    open,
    opened: (sim, store) =>
      position(sim, "APEX3002", "ESZ6") === open / 2 &&
      store.read().actedOn?.APEX3002?.positions.ESZ6 === open,
    step,
    stepped: (sim) => position(sim, "APEX3001", "ESZ6") === step.apex3001,
    done,
  });
}

describe("a restart after a kill between a copy and its acted-on write (against the simulator)", () => {
  it("the leader reduced 4 → 2: the followers keep what the rule gives, nothing is sold again", async () => {
    const sim = await killedAfter("exits", 4, { action: "Sell", qty: 2, apex3001: 2 });
    expect(pathAtVenue(sim, "APEX3001")).toEqual([4, 2]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([2, 1]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([4, 2]);
  }, 30_000);

  it("reconcile full, the leader added 2 → 4: the add is not bought a second time", async () => {
    const sim = await killedAfter("full", 2, { action: "Buy", qty: 2, apex3001: 4 });
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 4]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([1, 2]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([2, 4]);
  }, 30_000);

  // A fixed size says nothing of the orders copied (alreadyStepped cannot judge it): the restart
  // knows the reduce went from the follower's own fill of it, whose clOrdId names the leader's fill.
  it("fixed size 2, the leader reduced 4 → 1 (2 → 1): the reduce is not sold a second time", async () => {
    const sim = await killedAfter("exits", 4, { action: "Sell", qty: 3, apex3001: 1 }, 2);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 1]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([4, 1]);
  }, 30_000);

  it("fixed size 2, reconcile full, the leader added 2 → 4: the add is not bought a second time", async () => {
    const sim = await killedAfter("full", 2, { action: "Buy", qty: 2, apex3001: 4 }, 2);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 4]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([2, 4]);
  }, 30_000);
});
