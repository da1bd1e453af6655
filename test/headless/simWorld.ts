import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type Child, headlessRunning, startMimik, startSim } from "./children.js";

/** A headless test's world: its own folder and environment, a simulator, and a config for both. */
export interface SimWorld {
  dir: string;
  env: NodeJS.ProcessEnv;
  simUrl: string;
  configPath: string;
  /** A simulator control request that must succeed. */
  post(path: string, body: unknown): Promise<void>;
}

/**
 * Starts a simulator in a fresh folder and writes config.json there: one login ("sim") on it
 * with `accounts` (names, or entries with labels) and `groups`, as a trader's file would read.
 */
export async function simWorld(
  prefix: string,
  accounts: ReadonlyArray<string | { name: string; label?: string }>,
  groups: readonly unknown[],
): Promise<SimWorld> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  const { sim, url: simUrl } = await startSim(env);
  expect(sim.pid).toBeGreaterThan(0);
  const configPath = join(dir, "config.json");
  const config = {
    version: 1,
    connections: [
      { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
    ],
    accounts: accounts.map((a) => ({ ...(typeof a === "string" ? { name: a } : a), connection: "sim" })),
    groups,
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${simUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  return { dir, env, simUrl, configPath, post };
}

/** `mimik headless` on the world's config, once it says it runs. */
export async function headlessOn(world: SimWorld, timeoutMs?: number): Promise<Child> {
  const child = startMimik(["headless", "--config", world.configPath], world.env);
  await headlessRunning(child, timeoutMs);
  return child;
}
