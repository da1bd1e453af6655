import type { FillEvent } from "../engine/types.js";
import { type CopyRig, startCopyRig, until, within } from "./copyRig.js";
import { type FleetOptions, fleetScenario, LEADER } from "./fleet.js";
import { type SimProcess, spawnSim } from "./simProcess.js";
import { type Summary, summarise } from "./stats.js";

export const SYMBOL = "ESZ6";
const SPARE = "SOLO0001";

export interface FleetRun {
  sim: SimProcess;
  rig: CopyRig;
  close(): Promise<void>;
}

export async function startFleet(followers: number): Promise<FleetRun> {
  const fleet: FleetOptions = { followers, spare: [SPARE] };
  const sim = await spawnSim(fleetScenario(fleet));
  try {
    const rig = await startCopyRig(fleet, sim.url);
    return {
      sim,
      rig,
      async close() {
        await rig.close();
        await sim.close();
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}

/** One order placed straight on the follower login (no engine) → its own fill frame received. */
export async function directRoundTrips(run: FleetRun, warmup: number, samples: number): Promise<Summary> {
  const ref = run.rig.engine.directory.route(SPARE);
  if (!ref) throw new Error(`${SPARE} is not synced`);
  const { session, accountId } = ref;
  const out: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const clOrdId = `rt-${i}`;
    const filled = new Promise<FillEvent>((resolve) => {
      const off = session.on((e) => {
        if (e.type === "fill" && e.clOrdId === clOrdId) {
          off();
          resolve(e);
        }
      });
    });
    const t0 = performance.now();
    const result = await session.placeOrder({
      accountId,
      accountName: SPARE,
      symbol: SYMBOL,
      action: i % 2 === 0 ? "Buy" : "Sell",
      qty: 1,
      clOrdId,
    });
    if (!result.ok) throw new Error(`direct order refused: ${result.failureReason}`);
    const fill = await within(filled, 5000, "the direct order's fill");
    if (i >= warmup) out.push(fill.receivedAt - t0);
  }
  return summarise(out);
}

export interface CopyRounds {
  copy: Summary;
  e2e: Summary;
  e2eLast: Summary;
}

/** Leader trades one at a time (1 lot, alternating sides); each round waits for every follower's fill. */
export async function copyRounds(run: FleetRun, warmup: number, samples: number): Promise<CopyRounds> {
  const { probe } = run.rig;
  for (let i = 0; i < warmup + samples; i++) {
    probe.recording = i >= warmup;
    const done = probe.nextComplete();
    run.sim.trade(LEADER, SYMBOL, i % 2 === 0 ? "Buy" : "Sell", 1);
    await within(done, 20_000, `copies of leader trade ${i}`);
    if (i % 100 === 0) probe.prune();
  }
  probe.recording = false;
  probe.prune();
  const result = {
    copy: summarise(probe.copyMs),
    e2e: summarise(probe.e2eMs),
    e2eLast: summarise(probe.e2eLastMs),
  };
  probe.reset();
  return result;
}

/** `count` leader fills at `perSecond` (the simulator paces them); copy latency samples, ms per fill. */
export async function burst(
  run: FleetRun,
  count: number,
  perSecond: number,
  record: boolean,
): Promise<number[]> {
  const { probe } = run.rig;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const target = probe.leaderFills + count;
  probe.recording = record;
  await run.sim.burst(LEADER, SYMBOL, count, perTick, tickMs);
  await until(() => probe.leaderFills >= target, "the burst's leader fills", 60_000);
  // Let the last copies be written and filled before the next phase.
  await until(() => run.rig.engine.gateway.inFlight("FOLW0001") === 0, "in-flight copies", 30_000);
  probe.recording = false;
  probe.prune();
  const samples = [...probe.copyMs];
  probe.reset();
  return samples;
}
