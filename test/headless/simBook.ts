import { expect } from "vitest";
import { runMimik } from "./children.js";

/** The simulator's book and control, and `mimik status`, as the headless tests read them. */

interface Records {
  positions: { accountName: string; contract: string; netPos: number }[];
}

/** An account's position in ESZ6 on the simulator's book. */
export async function positionOn(simUrl: string, account: string): Promise<number> {
  const r = (await (await fetch(`${simUrl}/sim/records`)).json()) as Records;
  return r.positions.find((p) => p.accountName === account && p.contract === "ESZ6")?.netPos ?? 0;
}

/** The leader DEMO1000 trades ESZ6 by hand at the simulator. */
export async function leaderTradeOn(simUrl: string, action: "Buy" | "Sell", qty: number): Promise<void> {
  const res = await fetch(`${simUrl}/sim/trade`, {
    method: "POST",
    body: JSON.stringify({ account: "DEMO1000", symbol: "ESZ6", action, qty }),
  });
  expect(res.status).toBe(200);
}

/** Each login's state as `mimik status --json` tells it (empty while it cannot answer). */
export async function connectionsOf(
  configPath: string,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, { state: string; reason?: string }>> {
  const r = await runMimik(["status", "--json", "--config", configPath], env);
  if (r.code !== 0) return new Map();
  const status = JSON.parse(r.stdout) as { connections: { name: string; state: string; reason?: string }[] };
  return new Map(status.connections.map((c) => [c.name, c]));
}
