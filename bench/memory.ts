import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { EngineStore } from "../src/store/engineStore.js";
import { until } from "./copyRig.js";
import { LEADER } from "./fleet.js";
import { type FleetRun, SYMBOL } from "./phases.js";

/** A full collection, so RSS shows what is retained rather than what is merely garbage. */
function collect(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (() => void) | undefined;
  gc?.();
  gc?.();
}

export interface MemoryResult {
  fills: number;
  seconds: number;
  rssBeforeMb: number;
  /** Right after the last copy, with the burst's garbage collected. */
  rssAfterMb: number;
  heapAfterMb: number;
  /** Once V8 has given back on its own what the burst grew into (no GC forced), the process idle. */
  rssSettledMb: number;
  /** Seconds after the burst that took (SETTLE_LIMIT_MS if it never came). */
  settledAfterS: number;
}

/**
 * Right after a burst V8 still holds the pages its heap grew into. It gives them back on its own
 * once the process has been quiet a while (its memory reducer: some 30-45 s here), so RSS is read
 * again when the heap has shrunk by a quarter and the freed pages are unmapped, or at this limit.
 */
export const SETTLE_LIMIT_MS = 90_000;

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * `fills` leader fills through the simulator as fast as it places them, with the UI's store
 * attached (its buffers are part of what must stay bounded); RSS of this process after a GC, at
 * once and settled.
 */
export async function memoryAfterFills(run: FleetRun, fills: number): Promise<MemoryResult> {
  run.rig.probe.dispose();
  const store = new EngineStore();
  let seen = 0;
  const offStore = run.rig.listen(store.push);
  const offCount = run.rig.listen((e) => {
    if (e.type === "leaderFill") seen += 1;
  });
  collect();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  await run.sim.burst(LEADER, SYMBOL, fills, 100, 10);
  await until(() => seen >= fills, `${fills} leader fills`, 240_000);
  // Copies acked last may still be in flight when the last leader fill is seen.
  await until(() => run.rig.engine.gateway.inFlight("FOLW0001") === 0, "in-flight copies", 90_000);
  const seconds = (performance.now() - t0) / 1000;
  offStore();
  offCount();
  store.dispose();
  collect();
  const usage = process.memoryUsage();
  const settled = await settle(usage.heapTotal);
  return {
    fills: seen,
    seconds: Math.round(seconds * 10) / 10,
    rssBeforeMb: mb(before),
    rssAfterMb: mb(usage.rss),
    heapAfterMb: mb(usage.heapUsed),
    rssSettledMb: mb(settled.rss),
    settledAfterS: Math.round(settled.ms / 1000),
  };
}

/** Waits, idle, until V8 has shrunk the heap it grew (or the limit); RSS then. */
async function settle(heapTotalAtOnce: number): Promise<{ rss: number; ms: number }> {
  const t0 = performance.now();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  while (performance.now() - t0 < SETTLE_LIMIT_MS) {
    await sleep(500);
    if (process.memoryUsage().heapTotal < heapTotalAtOnce * 0.75) {
      await sleep(2000); // the freed pages are unmapped by a helper thread, a little later
      break;
    }
  }
  return { rss: process.memoryUsage().rss, ms: performance.now() - t0 };
}
