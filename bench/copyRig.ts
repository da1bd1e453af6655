import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JournalWriter } from "../data/journal/index.js";
import type { Config } from "../data/schema.js";
import { RuntimeStateRepository } from "../data/state.js";
import { Engine } from "../engine/runtime/engine.js";
import { SetLedger } from "../engine/runtime/memoryStores.js";
import type { BrokerSession, EngineEvent } from "../engine/types.js";
import { createSessions } from "../src/process/sessions.js";
import { FLEET_RATE_LIMIT, type FleetOptions, fleetConfig, fleetEnv } from "./fleet.js";
import { CopyProbe } from "./probe.js";

/** The production pieces of a headless mimik (engine, real client sessions, journal) plus a probe. */
export interface CopyRig {
  config: Config;
  engine: Engine;
  sessions: BrokerSession[];
  probe: CopyProbe;
  /** Extra engine listeners (the UI's store) go here. */
  listen(listener: (event: EngineEvent) => void): () => void;
  close(): Promise<void>;
}

export async function startCopyRig(fleet: FleetOptions, simUrl: string): Promise<CopyRig> {
  const config = fleetConfig(fleet, simUrl);
  if (fleet.spare) {
    config.accounts.push(...fleet.spare.map((name) => ({ name, connection: "copy" })));
  }
  // The fleet scenario's simulator allows far more than Tradovate's 5,000 an hour (fleet.ts).
  const sessions = await createSessions(config, {
    env: fleetEnv(fleet),
    embeddedSimUrl: simUrl,
    rateLimit: FLEET_RATE_LIMIT,
  });
  const leader = sessions.find((s) => s.connection === "lead");
  if (!leader) throw new Error("no leader session");
  const followers = sessions.filter((s) => s !== leader);
  const dir = mkdtempSync(join(tmpdir(), "mimik-bench-"));
  // The production stores: risk state in its file (atomic writes), every event in the journal.
  const riskStore = await RuntimeStateRepository.open(join(dir, "state.json"));
  const engine = new Engine({ sessions, riskStore, ledger: new SetLedger() }, config);
  const journal = await JournalWriter.open(join(dir, "journal.jsonl"));
  // As headless mimik does: every engine event goes to the journal (serialised off the copy path).
  const offJournal = engine.on((event) => journal.append(event));
  const probe = new CopyProbe(leader, followers, fleet.followers);
  await engine.start();
  const names = config.accounts.map((a) => a.name);
  await until(
    () => names.every((n) => engine.directory.route(n) !== undefined),
    "every account to sync",
    30_000,
  );
  return {
    config,
    engine,
    sessions,
    probe,
    listen: (listener) => engine.on(listener),
    async close() {
      probe.dispose();
      offJournal();
      await engine.stop();
      await journal.close();
      await riskStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition until it holds; rejects with `what` after the deadline. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits for a promise, failing after a deadline. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
