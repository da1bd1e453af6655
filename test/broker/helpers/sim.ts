/** Starts the real simulator on a free port and real BrokerSessions against it. */
import { type BrokerSessionOptions, createBrokerSession } from "../../../engine/broker/index.js";
import { type SimOptions, type Simulator, startSimulator } from "../../../engine/sim/index.js";
import type { BrokerSession } from "../../../engine/types.js";
import { collect, recordingLogger } from "./collect.js";

export interface SimHarness {
  sim: Simulator;
  /** A session for `user` (default "demo"); stopped by cleanup(). */
  open(opts?: Partial<BrokerSessionOptions> & { user?: string }): {
    session: BrokerSession;
    seen: ReturnType<typeof collect>;
    logger: ReturnType<typeof recordingLogger>;
  };
  cleanup(): Promise<void>;
}

export async function startSimHarness(simOpts: SimOptions = {}): Promise<SimHarness> {
  const sim = await startSimulator({
    port: 0,
    priceIntervalMs: 0,
    alwaysOpen: true,
    heartbeatTimeoutMs: 3000,
    ...simOpts,
  });
  const sessions: BrokerSession[] = [];
  return {
    sim,
    open(opts = {}) {
      const user = opts.user ?? "demo";
      const logger = recordingLogger();
      const session = createBrokerSession({
        connection: user,
        restUrl: sim.restUrl,
        wsUrl: sim.wsUrl,
        mdUrl: sim.mdUrl,
        credentials: {
          name: user,
          password: user,
          appId: "mimik-test",
          appVersion: "0.1",
          deviceId: "test-device",
        },
        logger,
        heartbeatMs: 200,
        watchdogMs: 2000,
        requestTimeoutMs: 2000,
        reconnect: { initialMs: 20, maxMs: 200 },
        syncSettleMs: 30,
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
