import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, headlessRunning, killAll, startMimik, startSim, until } from "./children.js";
import { connectionsOf, leaderTradeOn, positionOn } from "./simBook.js";

/**
 * A login added to the config while mimik runs, as real processes: its secret is read from its
 * source as at the start (an environment variable mimik was started with, a 0600 credentials
 * file), it connects, syncs and its followers get the leader's copies, judged on the simulator's
 * book. One whose secret cannot be read is down with the reason, and the others go on. One taken
 * out again is disconnected, with a warning for the position it leaves behind.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let simUrl: string;
let configPath: string;
let credentials: string;
let mimik: Child;

const position = (account: string) => positionOn(simUrl, account);
const leaderTrade = (action: "Buy" | "Sell", qty: number) => leaderTradeOn(simUrl, action, qty);
const connections = () => connectionsOf(configPath, env);

const follower = (account: string) => ({ account, sizing: { mode: "multiplier", value: 1 } });

/** The start's config: one login, DEMO1000 leading DEMO2001. */
function startConfig(): Record<string, unknown> {
  return {
    version: 1,
    connections: [
      { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "DEMO2001", connection: "sim" },
    ],
    groups: [{ name: "main", leader: "DEMO1000", followers: [follower("DEMO2001")] }],
  };
}

/**
 * Three logins added: "apex" (Tradovate, its password in a variable set when mimik started), "px"
 * (ProjectX, its key in the credentials file) and "keyed" (its variable never set).
 */
function withAddedLogins(): Record<string, unknown> {
  const config = startConfig() as {
    connections: Record<string, unknown>[];
    accounts: Record<string, unknown>[];
    groups: { followers: Record<string, unknown>[] }[];
  };
  config.connections.push(
    // Named apart from its password ("prop"): a name that is a secret's value reads [redacted].
    { name: "apex", env: "sim", url: simUrl, username: "prop", password: { env: "MIMIK_E2E_PROP" } },
    {
      name: "px",
      broker: "projectx",
      env: "sim",
      url: simUrl,
      username: "topstep",
      apiKey: { file: credentials, key: "px" },
    },
    { name: "keyed", env: "sim", url: simUrl, username: "keyed", password: { env: "MIMIK_E2E_UNSET" } },
  );
  for (const [name, connection] of [
    ["APEX3001", "apex"],
    ["TSX5001", "px"],
    ["KEY4001", "keyed"],
  ])
    config.accounts.push({ name, connection });
  config.groups[0]!.followers.push(follower("APEX3001"), follower("TSX5001"), follower("KEY4001"));
  return config;
}

async function writeConfig(json: Record<string, unknown>): Promise<void> {
  await writeFile(`${configPath}.edit`, JSON.stringify(json, null, 2));
  await rename(`${configPath}.edit`, configPath);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-added-login-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
    MIMIK_E2E_PROP: "prop",
  };
  simUrl = (await startSim(env)).url;
  expect(simUrl).not.toBe("");
  credentials = join(dir, "credentials.json");
  await writeFile(credentials, JSON.stringify({ px: "sim-projectx-key" }));
  await chmod(credentials, 0o600);
  await mkdir(join(dir, "a"));
  configPath = join(dir, "a", "config.json");
  await writeConfig(startConfig());
  mimik = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(mimik);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("a login added while mimik runs", () => {
  it("connects and its followers get the leader's copies; one whose secret is missing is down and the others go on", async () => {
    await writeConfig(withAddedLogins());
    const logins = await until(async () => {
      const now = await connections();
      const up = ["sim", "apex", "px"].every((name) => now.get(name)?.state === "connected");
      return up && now.get("keyed")?.state === "down" && now;
    }, "apex and px connected, keyed down");
    expect(logins.get("keyed")?.reason).toContain("environment variable MIMIK_E2E_UNSET is not set");
    expect(mimik.stdout()).toContain("connection keyed");

    await leaderTrade("Buy", 2);
    await until(async () => (await position("APEX3001")) === 2, "APEX3001 long 2");
    await until(async () => (await position("TSX5001")) === 2, "TSX5001 long 2");
    await until(async () => (await position("DEMO2001")) === 2, "DEMO2001 long 2");
    expect(await position("KEY4001")).toBe(0);
    // Nothing the trader typed ever shows: the key read from the file is no exception.
    expect(mimik.stdout()).not.toContain("sim-projectx-key");
  }, 40_000);

  it("taken out again is disconnected, with a warning for the position it leaves behind", async () => {
    await writeConfig(startConfig());
    const warning = (l: string) => l.includes("connection apex") && l.includes("APEX3001 holds ESZ6 +2");
    await until(() => mimik.lines().some(warning), "a warning for APEX3001's position");
    await until(async () => (await connections()).get("apex")?.state === "down", "apex disconnected");
    // The leader's exit is copied to the logins that stayed, never to the one taken out.
    await leaderTrade("Sell", 2);
    await until(async () => (await position("DEMO2001")) === 0, "DEMO2001 flat");
    expect(await position("APEX3001")).toBe(2);
  }, 40_000);
});
