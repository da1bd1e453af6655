/** The real simulator on a free port and real ProjectX sessions against its ProjectX face. */
import { createProjectXSession, type ProjectXSessionOptions } from "../../../engine/broker/index.js";
import {
  defaultScenario,
  parseScenario,
  type Scenario,
  type SimOptions,
  type Simulator,
  startSimulator,
} from "../../../engine/sim/index.js";
import type { BrokerSession } from "../../../engine/types.js";
import { collect, recordingLogger } from "../helpers/collect.js";

export const PX_USER = "topstep";
export const PX_KEY = "sim-projectx-key";

export interface PxHarness {
  sim: Simulator;
  open(opts?: Partial<ProjectXSessionOptions>): {
    session: BrokerSession;
    seen: ReturnType<typeof collect>;
    logger: ReturnType<typeof recordingLogger>;
  };
  cleanup(): Promise<void>;
}

export async function startPxHarness(simOpts: SimOptions = {}): Promise<PxHarness> {
  const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true, ...simOpts });
  const sessions: BrokerSession[] = [];
  return {
    sim,
    open(opts = {}) {
      const logger = recordingLogger();
      const session = createProjectXSession({
        connection: "px",
        ...sim.projectx,
        userName: PX_USER,
        apiKey: PX_KEY,
        logger,
        requestTimeoutMs: 2000,
        reconnect: { initialMs: 20, maxMs: 200 },
        keepAliveMs: 200,
        serverTimeoutMs: 2000,
        tradeWaitMs: 50,
        ...opts,
      });
      sessions.push(session);
      return { session, seen: collect(session), logger };
    },
    async cleanup() {
      for (const s of sessions) await s.stop();
      await sim.close();
    },
  };
}

/** The simulator's ProjectX account id of an account name. */
export function pxAccountId(sim: Simulator, name: string): number {
  const a = sim.control.records().cashBalances.find((c) => c.accountName === name);
  if (!a) throw new Error(`no account ${name}`);
  return a.accountId;
}

/** The default scenario with the ProjectX user's accounts replaced by `names` (50 000 each). */
export function pxAccountsScenario(names: readonly string[]): Scenario {
  return parseScenario(
    {
      ...defaultScenario,
      users: defaultScenario.users.map((u) =>
        u.name === PX_USER ? { ...u, accounts: names.map((name) => ({ name, balance: 50_000 })) } : u,
      ),
    },
    "ProjectX accounts",
  );
}

/** The ProjectX REST requests the simulator received since `before` (a projectxRequests() reading), by route. */
export function pxRequestsSince(sim: Simulator, before: Record<string, number>): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [route, n] of Object.entries(sim.control.projectxRequests()))
    if (n > (before[route] ?? 0)) spent[route] = n - (before[route] ?? 0);
  return spent;
}
