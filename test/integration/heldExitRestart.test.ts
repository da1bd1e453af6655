import { afterEach, describe, expect, it } from "vitest";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * A leader's close copied while the follower's opening is still unheard waits for that opening (a
 * pending exit). mimik stops before it hears it; the follower holds the opening at the broker, the
 * leader is flat. The restart must close it: what the follower acted on stayed at the leader's
 * move before the close, so the start's re-sync makes the exit up. Judged on the simulator's book.
 */
const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of done.splice(0).reverse()) await d();
});

async function start(sim: Simulator, ledger: SetLedger, riskStore: MemoryRiskStore): Promise<TwoLogins> {
  const r = await startTwoLogins(undefined, undefined, { sim, ledger, riskStore });
  done.push(() => r.close());
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  return r;
}

describe("a held exit across a restart (against the simulator)", () => {
  it("mimik stops while the close waits for the follower's unheard opening: the restart closes it", async () => {
    const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    done.push(() => sim.close());
    const ledger = new SetLedger();
    const state = new MemoryRiskStore();
    const first = await start(sim, ledger, state);
    sim.control.delaySocket("prop", 5_000);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(
      () => position(sim, "APEX3001", "ESZ6") === 2,
      "APEX3001's opening filled at the broker",
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => first.events.some((e) => e.type === "exitPending" && e.pending && e.follower === "APEX3001"),
      "APEX3001's close held for its opening",
    );
    await first.close();
    sim.control.delaySocket("prop", 0);
    await start(sim, ledger, state);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 10_000);
    await eventually(() => position(sim, "APEX3002", "ESZ6") === 0, "APEX3002 flat", 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([1, 0]);
  }, 30_000);
});
