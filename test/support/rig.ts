import type { Config, Follower, Group } from "../../data/schema.js";
import { CONFIG_VERSION } from "../../data/schema.js";
import { createProjectXSession, type ProjectXSessionOptions } from "../../engine/broker/index.js";
import { Engine } from "../../engine/runtime/engine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type SimOptions, type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { Clock, EngineEvent, RiskStateStore } from "../../engine/types.js";
import { createSessions, projectxEndpointsFor } from "../../src/process/sessions.js";

export interface Rig {
  sim: Simulator;
  engine: Engine;
  events: EngineEvent[];
  close(): Promise<void>;
}

/** The real engine and the real client against the real simulator, on loopback. */
export async function startRig(
  config: Config,
  options: {
    sim?: SimOptions;
    /** A simulator already running (a restart against the same broker; close() leaves it up). */
    reuse?: Simulator;
    riskStore?: RiskStateStore;
    ledger?: SetLedger;
    /** The engine's clock (the simulator keeps real time); default the system's. */
    clock?: Clock;
    windowTickMs?: number;
    /** Timings of the ProjectX login's session (a short request timeout …) over the app's. */
    projectx?: Partial<ProjectXSessionOptions>;
    /** Faults set on the simulator before the engine first connects. */
    beforeStart?: (sim: Simulator) => void;
  } = {},
): Promise<Rig> {
  const sim =
    options.reuse ??
    (await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true, ...options.sim }));
  options.beforeStart?.(sim);
  const sessions = await createSessions(config, {
    env: {
      MIMIK_TEST_PASSWORD: "demo",
      MIMIK_TEST_PROP_PASSWORD: "prop",
      MIMIK_TEST_PX_KEY: "sim-projectx-key",
    },
    embeddedSimUrl: sim.url,
  });
  const px = options.projectx;
  if (px)
    for (const [i, c] of config.connections.entries())
      if (c.broker === "projectx")
        sessions[i] = createProjectXSession({
          connection: c.name,
          ...projectxEndpointsFor(c, sim.url),
          userName: c.username,
          apiKey: "sim-projectx-key",
          accounts: config.accounts.filter((a) => a.connection === c.name).map((a) => a.name),
          ...px,
        });
  const engine = new Engine(
    {
      sessions,
      riskStore: options.riskStore ?? new MemoryRiskStore(),
      ledger: options.ledger ?? new SetLedger(),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.windowTickMs === undefined ? {} : { windowTickMs: options.windowTickMs }),
    },
    config,
  );
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  await engine.start();
  return {
    sim,
    engine,
    events,
    async close() {
      await engine.stop();
      if (!options.reuse) await sim.close();
    },
  };
}

/** Polls a condition until it holds or the deadline passes (then fails with `what`). */
export async function eventually<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function position(sim: Simulator, account: string, contract: string): number {
  return (
    sim.control.records().positions.find((p) => p.accountName === account && p.contract === contract)
      ?.netPos ?? 0
  );
}

export function simConfig(groupPatch: Partial<Config["groups"][number]> = {}): Config {
  return {
    version: CONFIG_VERSION,
    connections: [
      {
        name: "sim",
        env: "sim",
        username: "demo",
        password: { env: "MIMIK_TEST_PASSWORD" },
        appId: "mimik",
        appVersion: "test",
      },
    ],
    accounts: ["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"].map((name) => ({ name, connection: "sim" })),
    groups: [
      {
        name: "G",
        active: true,
        leader: "DEMO1000",
        whitelist: { enabled: false, symbols: [] },
        followers: [
          {
            account: "DEMO2001",
            enabled: true,
            sizing: { mode: "multiplier", value: 0.5 },
            mapping: "none",
            limits: {},
          },
          {
            account: "DEMO2002",
            enabled: true,
            sizing: { mode: "fixed", contracts: 2 },
            mapping: "toMicro",
            limits: {},
          },
          {
            account: "DEMO2003",
            enabled: true,
            sizing: { mode: "multiplier", value: 1 },
            mapping: "none",
            limits: {},
          },
        ],
        ...groupPatch,
      },
    ],
  };
}

/** The default scenario's ProjectX login ("topstep", accounts TSX5001 and TSX5002) as a connection. */
export const PX_CONNECTION = {
  name: "px",
  broker: "projectx" as const,
  env: "sim" as const,
  username: "topstep",
  apiKey: { env: "MIMIK_TEST_PX_KEY" },
};

/** A follower copying ×1, unmapped, without limits; `patch` changes what a test needs. */
export const follower = (account: string, patch: Partial<Follower> = {}): Follower => ({
  account,
  enabled: true,
  sizing: { mode: "multiplier", value: 1 },
  mapping: "none",
  limits: {},
  ...patch,
});

/**
 * One active group, unfiltered, across the simulator's Tradovate login ("sim") and its ProjectX
 * login ("px"): `accounts` says which login each account is on.
 */
export function crossBrokerConfig(
  accounts: Record<string, "sim" | "px">,
  group: Pick<Group, "name" | "leader" | "followers"> & Partial<Group>,
): Config {
  const base = simConfig();
  return {
    ...base,
    connections: [...base.connections, PX_CONNECTION],
    accounts: Object.entries(accounts).map(([name, connection]) => ({ name, connection })),
    groups: [{ active: true, whitelist: { enabled: false, symbols: [] }, ...group }],
  };
}

/** Every position the account passed through, from the venue's own fills in order. */
export function pathAtVenue(sim: Simulator, account: string): number[] {
  const path: number[] = [];
  for (const f of sim.control.records().fills)
    if (f.accountName === account && f.active)
      path.push((path.at(-1) ?? 0) + (f.action === "Buy" ? f.qty : -f.qty));
  return path;
}

/**
 * Real timers and real latency, with a wall clock the test sets: the engine believes it is, say,
 * 15:54 CT on a Tuesday, and a jump moves it past a boundary at once (never a sleep until then).
 */
export class ShiftedClock implements Clock {
  private offset: number;
  constructor(start: number) {
    this.offset = start - Date.now();
  }
  now = () => Date.now() + this.offset;
  mono = () => performance.now();
  setTimeout = (fn: () => void, ms: number): unknown => setTimeout(fn, ms);
  clearTimeout = (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout);
  jumpTo(at: number): void {
    this.offset = at - Date.now();
  }
}
