import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlots } from "../../data/actedOnSlots.js";
import { type Child, jsonLines, killAll, startMimik, startSim, until } from "./children.js";

/**
 * Issue 18 with real processes: `mimik sim` and `mimik headless` as children. mimik is stopped
 * (SIGTERM), or killed with -9, while the leader closes; started again, it makes the close up at
 * its first re-sync from what its acted-on file says each follower last acted on. Judged on
 * the simulator's own records.
 */

interface SimRecords {
  orders: { accountName: string; clOrdId?: string; isAutomated: boolean; action: string; qty: number }[];
  positions: { accountName: string; contract: string; netPos: number }[];
}

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;
let headless: Child | undefined;

async function records(): Promise<SimRecords> {
  return (await (await fetch(`${simUrl}/sim/records`)).json()) as SimRecords;
}

async function position(account: string): Promise<number> {
  return (
    (await records()).positions.find((p) => p.accountName === account && p.contract === "ESZ6")?.netPos ?? 0
  );
}

async function leaderTrade(action: "Buy" | "Sell", qty: number): Promise<void> {
  const res = await fetch(`${simUrl}/sim/trade`, {
    method: "POST",
    body: JSON.stringify({ account: "DEMO1000", symbol: "ESZ6", action, qty }),
  });
  expect(res.status).toBe(200);
}

async function start(): Promise<Child> {
  const child = startMimik(["headless", "--config", configPath], env);
  headless = child;
  // Boot is a login and a sync; with every test file's processes on two cores it can be slow.
  await withEvidence(() =>
    until(
      () => {
        if (child.proc.exitCode !== null) throw new Error(`headless exited early: ${child.stderr()}`);
        return jsonLines(child).some((l) => String(l.message).startsWith("mimik headless running"));
      },
      "headless running",
      20_000,
    ),
  );
  return child;
}

/**
 * Runs a wait; if it fails, the failure carries its evidence (this test failed twice in full runs
 * and passed alone): what the broker holds, what the acted-on file says, what mimik said last.
 */
async function withEvidence(wait: () => Promise<unknown>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const said = headless ? jsonLines(headless).filter((l) => l.type !== "positions") : [];
    const state = await readFile(join(dir, "config.acted-on"), "utf8").catch(() => "(none)");
    const book = (await records()).positions.filter((p) => p.contract === "ESZ6");
    throw new Error(
      `${String(error)}\nbroker: ${JSON.stringify(book)}\nacted on: ${state.trimEnd()}\nmimik stderr: ${headless?.stderr().slice(-2000) ?? ""}\nmimik: ${said
        .slice(-40)
        .map((l) => JSON.stringify(l))
        .join("\n")}`,
    );
  }
}

/** What the acted-on file says DEMO2001 acted on in ESZ6 (the write follows a copy within ~50 ms). */
async function actedOn(): Promise<number | undefined> {
  const slots = readSlots(await readFile(join(dir, "config.acted-on")).catch(() => Buffer.alloc(0)));
  const record = slots.ok ? slots.records.DEMO2001 : undefined;
  return record?.positions.ESZ6 ?? (record ? 0 : undefined);
}

async function followersAt(a: number, b: number): Promise<void> {
  await withEvidence(() =>
    until(
      async () => (await position("DEMO2001")) === a && (await position("DEMO2003")) === b,
      `DEMO2001 at ${a} and DEMO2003 at ${b}`,
    ),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-reconcile-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  simUrl = (await startSim(env)).url;
  configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
      ],
      accounts: ["DEMO1000", "DEMO2001", "DEMO2003"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [
            { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
            { account: "DEMO2003", sizing: { mode: "multiplier", value: 0.5 } },
          ],
        },
      ],
    }),
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

// Each test waits for a boot, a copy and a re-sync, each with its own deadline and evidence.
describe("mimik stopped or killed while the leader closes, then started", () => {
  it("stopped (SIGTERM): the start's re-sync closes both followers, journaled as reconcile", async () => {
    headless = await start();
    await leaderTrade("Buy", 2);
    await followersAt(2, 1);
    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    await leaderTrade("Sell", 2);
    headless = await start();
    await followersAt(0, 0);
    const made = (await records()).orders.filter((o) => o.isAutomated && o.clOrdId?.startsWith("mk-rc-"));
    expect(made.map((o) => [o.accountName, o.action, o.qty]).sort()).toEqual([
      ["DEMO2001", "Sell", 2],
      ["DEMO2003", "Sell", 1],
    ]);
    // The broker's book can be flat before the lines that say so reach stdout.
    const sent = () =>
      jsonLines(headless!).filter(
        (l) => l.type === "copy" && l.reason === "reconcile" && l.outcome === "sent",
      );
    await until(() => sent().length >= 2, "the two reconcile copies on stdout");
    expect(sent()).toHaveLength(2);
    expect(jsonLines(headless).find((l) => l.type === "resync")).toMatchObject({
      group: "main",
      leader: "DEMO1000",
    });
    expect(await position("DEMO1000")).toBe(0);
  }, 60_000);

  it("killed with -9: the same, from what was on disk", async () => {
    await leaderTrade("Buy", 2);
    await followersAt(2, 1);
    await withEvidence(() =>
      until(async () => (await actedOn()) === 2, "the acted-on file to say DEMO2001 acted on +2"),
    );
    headless?.proc.kill("SIGKILL");
    await headless?.exited;
    await leaderTrade("Sell", 2);
    headless = await start();
    await followersAt(0, 0);
    // Nothing twice: two closes made up per run, four in all.
    const made = (await records()).orders.filter((o) => o.isAutomated && o.clOrdId?.startsWith("mk-rc-"));
    expect(made).toHaveLength(4);
    expect(await position("DEMO1000")).toBe(0);
  }, 60_000);
});
