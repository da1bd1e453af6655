import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A valid config as plain JSON (what a trader would write), fresh each call. */
export function validRaw(): Record<string, unknown> & {
  connections: Record<string, unknown>[];
  accounts: Record<string, unknown>[];
  groups: (Record<string, unknown> & { followers: Record<string, unknown>[] })[];
} {
  return {
    version: 1,
    connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "MIMIK_SIM_PASSWORD" } }],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "DEMO2001", connection: "sim" },
      { name: "DEMO2002", connection: "sim" },
      { name: "DEMO3000", connection: "sim" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        whitelist: { enabled: true, symbols: ["ES", "NQ"] },
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 0.5 } },
          { account: "DEMO2002", sizing: { mode: "fixed", contracts: 2 }, maxContracts: 4 },
        ],
      },
    ],
  };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "mimik-foundation-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Poll `check` until it returns true, or fail after `ms`. For file-watch tests: no fixed sleeps. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
