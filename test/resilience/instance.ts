import { join } from "node:path";
import { JournalWriter, leaderFillKeys } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { createBrokerSession, createProjectXSession } from "../../engine/broker/index.js";
import { Engine } from "../../engine/runtime/engine.js";
import { SetLedger } from "../../engine/runtime/memoryStores.js";
import type { BrokerSession, EngineEvent } from "../../engine/types.js";
import { endpointsFor, projectxEndpointsFor } from "../../src/process/sessions.js";
import { PX_KEY, password } from "./fleet.js";

/**
 * One mimik process as far as the copy path goes: real client sessions, the engine, the runtime
 * state file and the journal (every engine event, leader fills with their dedupe key, as the app
 * writes them). `crash()` is kill -9 seen from the broker: the sockets die, nothing is shut down
 * in order, and the next instance starts from the same files.
 *
 * Sessions are built like src/process/sessions.ts builds them, with test settings: a 429 locks
 * requests out for 1 s instead of an hour, reconnects start after 50 ms, a superseded session waits
 * 200 ms (not 15 s) before logging in again, a split snapshot settles after 30 ms, and a failed exit
 * is tried again after 50 ms, … 400 ms (not 1 s … 30 s). ProjectX logins (the fleet's ProjectX
 * followers) ping their hubs every 500 ms and pause 1 s after a 429.
 */
export class MimikInstance {
  private offJournal: (() => void) | undefined;
  private crashed = false;

  private constructor(
    readonly engine: Engine,
    readonly sessions: BrokerSession[],
    private readonly journal: JournalWriter,
    private readonly state: RuntimeStateRepository,
  ) {}

  static async start(
    config: Config,
    dir: string,
    simUrl: string,
    onEvent: (event: EngineEvent) => void,
  ): Promise<MimikInstance> {
    const journalPath = join(dir, "journal.jsonl");
    const ledger = new SetLedger(await leaderFillKeys(journalPath));
    const state = await RuntimeStateRepository.open(join(dir, "state.json"));
    const journal = await JournalWriter.open(journalPath);
    const sessions = config.connections.map((c) =>
      c.broker === "projectx"
        ? createProjectXSession({
            connection: c.name,
            ...projectxEndpointsFor(c, simUrl),
            userName: c.username,
            apiKey: PX_KEY,
            accounts: config.accounts.filter((a) => a.connection === c.name).map((a) => a.name),
            rateLimit: { lockoutMs: 1000 },
            reconnect: { initialMs: 50, maxMs: 500 },
            keepAliveMs: 500,
            serverTimeoutMs: 5000,
            tradeWaitMs: 100,
          })
        : createBrokerSession({
            connection: c.name,
            ...endpointsFor(c, simUrl),
            credentials: {
              name: c.username,
              password: password(c.username),
              appId: c.appId,
              appVersion: c.appVersion,
              deviceId: `resilience-${c.username}`,
            },
            accounts: config.accounts.filter((a) => a.connection === c.name).map((a) => a.name),
            rateLimit: { lockoutMs: 1000 },
            reconnect: { initialMs: 50, maxMs: 500 },
            superseded: { backoffMs: 200, maxBackoffMs: 1000, loopCount: 4, loopWindowMs: 60_000 },
            syncSettleMs: 30,
          }),
    );
    // Failed exits retried on a short backoff (50 ms … 400 ms) so a run comes to rest in seconds.
    const engine = new Engine(
      { sessions, riskStore: state, ledger, exitBackoff: { firstMs: 50, maxMs: 400 } },
      config,
    );
    const instance = new MimikInstance(engine, sessions, journal, state);
    const leaderConnection = new Map(
      config.groups.map((g) => [g.name, config.accounts.find((a) => a.name === g.leader)?.connection]),
    );
    instance.offJournal = engine.on((event) => {
      onEvent(event);
      journal.append(
        event.type === "leaderFill"
          ? { ...event, key: `${leaderConnection.get(event.group)}:${event.fillId}` }
          : { ...event },
      );
    });
    await engine.start();
    return instance;
  }

  /** kill -9: the sockets go, the journal keeps what it flushed, no orderly stop of anything. */
  async crash(): Promise<void> {
    this.crashed = true;
    this.offJournal?.();
    await this.journal.flush();
    await Promise.all(this.sessions.map((s) => s.stop()));
  }

  /** Orderly end of the test (a crashed instance only releases its timers). */
  async close(): Promise<void> {
    if (!this.crashed) this.offJournal?.();
    await this.engine.stop();
    await this.journal.close();
    await this.state.close();
  }
}
