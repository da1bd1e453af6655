import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../engine/sim/index.js";
import { type KilledRun, killedAcrossStep } from "../support/killedStore.js";
import { crossBrokerConfig, eventually, follower, pathAtVenue, position, startRig } from "../support/rig.js";

/**
 * killedBeforeActedOn.test.ts on ProjectX: mimik is killed (-9) after a fixed-size ProjectX
 * follower's copy went but before what it acted on reached the disk. The restart knows the copy
 * went from the follower's own trade in its snapshot, whose order's customTag names the leader
 * fill; Order/searchOpen lists working orders only, so the trade of that (filled, ended) order had
 * no customTag and TSX5001 (fixed 2) sold its last contract again (2, 1, 0 with the leader 4 → 1).
 * Judged on the simulator's book.
 */
const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of done.splice(0).reverse()) await d();
});

function start(reconcile: "exits" | "full"): KilledRun["start"] {
  return async (sim, ledger, riskStore) => {
    const config = crossBrokerConfig(
      { DEMO1000: "sim", TSX5001: "px" },
      {
        name: "G",
        leader: "DEMO1000",
        reconcile,
        followers: [follower("TSX5001", { sizing: { mode: "fixed", contracts: 2 } })],
      },
    );
    const r = await startRig(config, { reuse: sim, ledger, riskStore });
    done.push(() => r.close());
    await eventually(
      () => ["DEMO1000", "TSX5001"].every((a) => r.engine.directory.connected(a)),
      "connected",
    );
    return r;
  };
}

/** The leader opens `open`, then trades `step` with mimik killed before it writes what that step's copy acted on. */
function killedAfter(
  reconcile: "exits" | "full",
  open: number,
  step: { action: "Buy" | "Sell"; qty: number; tsx5001: number },
): Promise<Simulator> {
  return killedAcrossStep({
    start: start(reconcile),
    open,
    opened: (sim, store) =>
      position(sim, "TSX5001", "ESZ6") === 2 && store.read().actedOn?.TSX5001?.positions.ESZ6 === open,
    step,
    stepped: (sim) => position(sim, "TSX5001", "ESZ6") === step.tsx5001,
    done,
  });
}

describe("a restart after a kill between a ProjectX copy and its acted-on write (against the simulator)", () => {
  it("fixed size 2, the leader reduced 4 → 1 (2 → 1): the reduce is not sold a second time", async () => {
    const sim = await killedAfter("exits", 4, { action: "Sell", qty: 3, tsx5001: 1 });
    expect(pathAtVenue(sim, "TSX5001")).toEqual([2, 1]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([4, 1]);
  }, 30_000);

  it("fixed size 2, reconcile full, the leader added 2 → 4: the add is not bought a second time", async () => {
    const sim = await killedAfter("full", 2, { action: "Buy", qty: 2, tsx5001: 4 });
    expect(pathAtVenue(sim, "TSX5001")).toEqual([2, 4]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([2, 4]);
  }, 30_000);
});
