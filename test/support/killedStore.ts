/** mimik killed (-9) between a copy and its acted-on write, then started again on the same simulator. */
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { ActedOnRecord } from "../../engine/types.js";
import { eventually } from "./rig.js";

/** A state store whose writes of what followers acted on stop reaching the disk (the kill). */
export class KilledStore extends MemoryRiskStore {
  killed = false;
  override async saveActedOn(records: Record<string, ActedOnRecord | undefined>): Promise<void> {
    if (!this.killed) await super.saveActedOn(records);
  }
}

export interface KilledRun {
  /** Starts mimik on the simulator, connected, its close put on `done`. */
  start(sim: Simulator, ledger: SetLedger, store: KilledStore): Promise<{ close(): Promise<void> }>;
  /** The leader's opening (DEMO1000 buys it in ESZ6), and when it is copied and written. */
  open: number;
  opened(sim: Simulator, store: KilledStore): boolean;
  /** The leader's next trade, and when its copy is at the broker. */
  step: { action: "Buy" | "Sell"; qty: number };
  stepped(sim: Simulator): boolean;
  done: Array<() => Promise<void>>;
}

/**
 * The leader opens, then steps with mimik killed before it writes what that step's copies acted
 * on; mimik starts again on the same simulator. Connected means re-synced: a second step would
 * be sent by then, and at the broker half a second later.
 */
export async function killedAcrossStep(run: KilledRun): Promise<Simulator> {
  const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  run.done.push(() => sim.close());
  const ledger = new SetLedger();
  const store = new KilledStore();
  const first = await run.start(sim, ledger, store);
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", run.open);
  await eventually(() => run.opened(sim, store), "the opening copied and its acted-on written");
  store.killed = true;
  sim.control.manualTrade("DEMO1000", "ESZ6", run.step.action, run.step.qty);
  await eventually(() => run.stepped(sim), "the step copied");
  await first.close();
  store.killed = false;
  await run.start(sim, ledger, store);
  await new Promise((r) => setTimeout(r, 500));
  return sim;
}
