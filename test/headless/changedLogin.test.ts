import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, jsonLines, killAll, startMimik, until } from "./children.js";
import { connectionsOf, leaderTradeOn, positionOn } from "./simBook.js";

/**
 * A running login whose settings are edited while mimik runs, as real processes: the trader
 * fixes its username (and the password in the credentials file with it). It is reconnected with
 * the new settings, its secret read again, and the new user's accounts are synced and copied
 * to, judged on the simulator's book; a username that cannot log in is down saying why. The
 * other login never drops.
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

/** "sim" (user demo) with DEMO1000 leading; "apex" logs in as `username`, its password in the file. */
function config(username: string): Record<string, unknown> {
  return {
    version: 1,
    connections: [
      { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
      { name: "apex", env: "sim", url: simUrl, username, password: { file: credentials, key: "apex" } },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "DEMO2001", connection: "sim" },
      { name: "APEX3001", connection: "apex" },
      { name: "FUND6001", connection: "apex" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [follower("DEMO2001"), follower("APEX3001"), follower("FUND6001")],
      },
    ],
  };
}

async function writeJson(path: string, json: unknown, mode?: number): Promise<void> {
  await writeFile(`${path}.edit`, JSON.stringify(json, null, 2));
  if (mode !== undefined) await chmod(`${path}.edit`, mode);
  await rename(`${path}.edit`, path);
}

/** The other login's every state change mimik printed. */
const simStates = () =>
  jsonLines(mimik).filter((l) => l.type === "connectionStatus" && l.connection === "sim");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-changed-login-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  // The default scenario with one more user, "funded", whose account FUND6001 "prop" has not.
  const scenario = JSON.parse(await readFile("data/scenarios/default.json", "utf8")) as {
    users: unknown[];
  };
  scenario.users.push({
    name: "funded",
    password: "funded-pw",
    accounts: [{ name: "FUND6001", balance: 50000 }],
  });
  await writeJson(join(dir, "scenario.json"), scenario);
  const sim = startMimik(
    ["sim", "--port", "0", "--always-open", "--scenario", join(dir, "scenario.json")],
    env,
  );
  const first = await until(() => sim.lines()[0], "the simulator's first line");
  simUrl = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1] ?? "";
  expect(simUrl).not.toBe("");
  credentials = join(dir, "credentials.json");
  await writeJson(credentials, { apex: "prop" }, 0o600);
  await mkdir(join(dir, "a"));
  configPath = join(dir, "a", "config.json");
  await writeJson(configPath, config("prop"));
  mimik = startMimik(["headless", "--config", configPath], env);
  await until(
    async () => {
      if (mimik.proc.exitCode !== null) throw new Error(`headless exited early: ${mimik.stderr()}`);
      const now = await connections();
      return now.get("sim")?.state === "connected" && now.get("apex")?.state === "connected";
    },
    "both logins connected",
    20_000,
  );
  await leaderTrade("Buy", 1);
  await until(async () => (await position("APEX3001")) === 1, "APEX3001 long 1");
  await leaderTrade("Sell", 1);
  await until(async () => (await position("APEX3001")) === 0, "APEX3001 flat");
  await until(async () => (await position("DEMO2001")) === 0, "DEMO2001 flat");
  expect(simStates().map((l) => l.state)).toEqual(["connecting", "connected"]);
}, 40_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("a running login whose username is edited", () => {
  it("to one that cannot log in is down saying why at once; the other login goes on", async () => {
    const before = simStates().length;
    await writeJson(configPath, config("fundd"));
    await until(
      () => mimik.lines().some((l) => l.includes("connection apex: its username changed while mimik runs")),
      "the change said",
    );
    const apex = await until(async () => {
      const now = (await connections()).get("apex");
      return now?.reason?.startsWith("login refused") && now;
    }, "apex refused, saying why");
    expect(apex.state).toBe("reauth-needed");
    expect(apex.reason).toContain("Incorrect username or password");
    await leaderTrade("Buy", 1);
    await until(async () => (await position("DEMO2001")) === 1, "DEMO2001 long 1");
    await leaderTrade("Sell", 1);
    await until(async () => (await position("DEMO2001")) === 0, "DEMO2001 flat");
    expect(simStates().slice(before)).toEqual([]);
  }, 40_000);

  it("to another user, with its password, reconnects as that user: its account is synced and copied to", async () => {
    const before = simStates().length;
    await writeJson(credentials, { apex: "funded-pw" }, 0o600);
    await writeJson(configPath, config("funded"));
    await until(
      async () => (await connections()).get("apex")?.state === "connected",
      "apex connected as funded",
    );
    await leaderTrade("Buy", 2);
    await until(async () => (await position("FUND6001")) === 2, "FUND6001 long 2");
    await until(async () => (await position("DEMO2001")) === 2, "DEMO2001 long 2");
    expect(await position("APEX3001")).toBe(0);
    expect(simStates().slice(before)).toEqual([]);
    // Read again from the file (the old password would have been refused), and never shown.
    expect(mimik.stdout()).not.toContain("funded-pw");
  }, 40_000);
});
