/**
 * The resync's forecast (what the question before `r` says it would send, from what the screen was
 * told) against what `r` then sends, while an order of ours for the follower is in flight: a
 * market order resting in the daily halt, accepted and not filled. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sessionCloseAfter } from "../../engine/sim/session.js";
import type { CopyEvent } from "../../engine/types.js";
import { resyncForecast } from "../../src/app/keyContext.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const LEADER = "DEMO1000";
const F = "DEMO2001";

function config() {
  const c = simConfig();
  c.groups[0]!.followers = [follower(F)];
  return c;
}

/** What the screen, told every event so far, forecasts `r` would send for F. */
function forecast(r: Rig) {
  const store = new EngineStore();
  const config = r.engine.currentConfig();
  store.setConfig(config);
  for (const e of r.events) store.push(e);
  store.publish();
  const group = config.groups[0]!;
  return resyncForecast(store.getSnapshot(), group, group.followers[0]!)?.send.map((s) => s.delta) ?? [];
}

/** mimik's orders for F the simulator holds working. */
const workingAtSim = (r: Rig) =>
  r.sim.control.records().workingOrders.filter((o) => o.accountName === F && o.isAutomated);

async function resync(r: Rig) {
  const [outcome] = await r.engine.execute({ cmd: "resync", follower: F });
  return outcome;
}

/** F missed the leader's buy (its copy refused), shown OUT OF SYNC after a re-sync, the market then halted. */
async function outOfSyncInTheHalt(): Promise<Rig> {
  const close = sessionCloseAfter(Date.now());
  const r = await startRig(config(), { sim: { alwaysOpen: false, clock: close - 60_000 } });
  rig = r;
  const { control } = r.sim;
  await eventually(() => [LEADER, F].every((a) => r.engine.directory.connected(a)), "synced");
  control.rejectOrders(F, "RiskRejected", "refused for the test");
  control.manualTrade(LEADER, "ESZ6", "Buy", 1);
  await eventually(
    () =>
      r.events.some((e): e is CopyEvent => e.type === "copy" && e.follower === F && e.outcome === "rejected"),
    "F's copy refused",
  );
  control.rejectOrders(F, null);
  const before = r.events.length;
  control.dropSockets({ user: "demo" });
  await eventually(
    () => r.events.slice(before).some((e) => e.type === "syncStatus" && e.follower === F && !e.inSync),
    "F shown OUT OF SYNC after the re-sync",
  );
  control.advanceClock(close + 60_000 - Date.parse(control.clock().now));
  return r;
}

describe("r's forecast counts our orders in flight, as r does", () => {
  it("while its first order rests unfilled both say nothing more goes; once that order is cancelled, both say +1", async () => {
    const r = await outOfSyncInTheHalt();
    expect(forecast(r)).toEqual([1]);
    expect(await resync(r)).toMatchObject({ status: "resynced", sent: 1 });
    expect(workingAtSim(r).map((o) => [o.action, o.qty])).toEqual([["Buy", 1]]);
    expect(position(r.sim, F, "ESZ6")).toBe(0);

    // In flight: the forecast and the action agree that nothing more goes.
    expect(forecast(r)).toEqual([]);
    expect(await resync(r)).toMatchObject({ status: "in sync" });
    expect(workingAtSim(r)).toHaveLength(1);

    // The resting order is cancelled: both see the line out of sync again, and the same +1.
    r.sim.control.cancelOrder(workingAtSim(r)[0]!.orderId!);
    await eventually(() => r.engine.copier.followerPosition(F, "ESZ6") === 0, "the cancel seen");
    expect(forecast(r)).toEqual([1]);
    expect(await resync(r)).toMatchObject({ status: "resynced", sent: 1 });
    expect(workingAtSim(r).map((o) => [o.action, o.qty])).toEqual([["Buy", 1]]);
  });
});
