import { CONFIG_VERSION, type Config } from "../../data/schema.js";
import { type BrokerSessionOptions, createBrokerSession } from "../../engine/broker/index.js";
import { Engine } from "../../engine/runtime/engine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { BrokerSession, EngineEvent, RiskStateStore } from "../../engine/types.js";
import { endpointsFor } from "../../src/process/sessions.js";

/**
 * The real engine and client against the real simulator with the leader and its followers on two
 * logins of the default scenario, so a fault aimed at one (a dropped socket, another login taking
 * the session) leaves the other alone: DEMO1000 leads on "demo"; APEX3001 (×1) and APEX3002 (×0.5)
 * follow on "prop". Sessions use test timings (reconnects after 50 ms, a superseded login waits
 * 200 ms, a 429 stops requests for 1 s), as the resilience suite's do.
 */
export interface TwoLogins {
  sim: Simulator;
  engine: Engine;
  /** The logins' sessions, by connection name. */
  sessions: Map<string, BrokerSession>;
  events: EngineEvent[];
  close(): Promise<void>;
}

const PASSWORDS: Record<string, string> = { demo: "demo", prop: "prop" };

export function twoLoginConfig(): Config {
  const connection = (name: string) => ({
    name,
    env: "sim" as const,
    username: name,
    password: { env: `PW_${name.toUpperCase()}` },
    appId: "mimik",
    appVersion: "test",
  });
  return {
    version: CONFIG_VERSION,
    connections: [connection("demo"), connection("prop")],
    accounts: [
      { name: "DEMO1000", connection: "demo" },
      { name: "APEX3001", connection: "prop" },
      { name: "APEX3002", connection: "prop" },
    ],
    groups: [
      {
        name: "G",
        active: true,
        leader: "DEMO1000",
        whitelist: { enabled: false, symbols: [] },
        followers: [
          {
            account: "APEX3001",
            enabled: true,
            sizing: { mode: "multiplier", value: 1 },
            mapping: "none",
            limits: {},
          },
          {
            account: "APEX3002",
            enabled: true,
            sizing: { mode: "multiplier", value: 0.5 },
            mapping: "none",
            limits: {},
          },
        ],
      },
    ],
  };
}

export async function startTwoLogins(
  config: Config = twoLoginConfig(),
  /** Options of a connection's session over the test timings (a WebSocketImpl that holds frames …). */
  sessionOptions: (connection: string) => Partial<BrokerSessionOptions> = () => ({}),
  /** A simulator already running (a restart against the same broker; close() leaves it up), a ledger seeded, the state kept. */
  reuse: { sim?: Simulator; ledger?: SetLedger; riskStore?: RiskStateStore } = {},
): Promise<TwoLogins> {
  const sim = reuse.sim ?? (await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true }));
  const sessions = config.connections.map((c) => {
    if (c.broker === "projectx") throw new Error(`twoLogins speaks Tradovate only (${c.name} is ProjectX)`);
    return createBrokerSession({
      connection: c.name,
      ...endpointsFor(c, sim.url),
      credentials: {
        name: c.username,
        password: PASSWORDS[c.username] ?? "",
        appId: c.appId,
        appVersion: c.appVersion,
        deviceId: `test-${c.username}`,
      },
      accounts: config.accounts.filter((a) => a.connection === c.name).map((a) => a.name),
      rateLimit: { lockoutMs: 1000 },
      reconnect: { initialMs: 50, maxMs: 500 },
      superseded: { backoffMs: 200, maxBackoffMs: 1000, loopCount: 4, loopWindowMs: 60_000 },
      syncSettleMs: 30,
      ...sessionOptions(c.name),
    });
  });
  const ledger = reuse.ledger ?? new SetLedger();
  const engine = new Engine(
    { sessions, riskStore: reuse.riskStore ?? new MemoryRiskStore(), ledger },
    config,
  );
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  await engine.start();
  return {
    sim,
    engine,
    sessions: new Map(sessions.map((s) => [s.connection, s])),
    events,
    async close() {
      await engine.stop();
      if (!reuse.sim) await sim.close();
    },
  };
}
