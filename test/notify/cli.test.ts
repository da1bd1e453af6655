import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import { statePathFor } from "../../data/paths.js";
import {
  type Child,
  headlessRunning,
  jsonLines,
  killAll,
  runMimik,
  startMimik,
  startSim,
  until,
} from "../headless/children.js";
import { startTestServer, type TestServer } from "./server.js";

/**
 * Notifications through the real executable: `mimik notify test`, and a `mimik headless` whose
 * locks reach a webhook while a broken Discord target shows as one alert. No secret value may
 * appear in any output or journal line.
 */

const HOOK_TOKEN = "hook-bearer-7d3e91";
const DISCORD_SECRET = "discord-path-secret-44a0";

let dir: string;
let hook: TestServer;
let discord: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-notify-"));
  hook = await startTestServer();
  discord = await startTestServer();
  // Discord refuses the token and, like some services, echoes what it was sent.
  discord.fallback = {
    status: 401,
    body: `{"message": "Invalid Webhook Token", "url": "/api/webhooks/1/${DISCORD_SECRET}"}`,
  };
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
    HOOK_URL: `${hook.url}/mimik`,
    HOOK_TOKEN,
    DISCORD_URL: `${discord.url}/api/webhooks/1/${DISCORD_SECRET}`,
  };
});

afterAll(async () => {
  await killAll();
  await hook.close();
  await discord.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, extra: Record<string, unknown>): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    JSON.stringify({ version: 1, connections: [], accounts: [], groups: [], ...extra }, null, 2),
  );
  return path;
}

const targets = [
  { name: "hook", kind: "webhook", urlSecret: { env: "HOOK_URL" }, token: { env: "HOOK_TOKEN" } },
  { name: "chat", kind: "discord", urlSecret: { env: "DISCORD_URL" } },
];

describe("mimik notify test", () => {
  it("sends one message to each target and says what each answered; exit 1 when one fails", async () => {
    const config = await writeConfig("probe.json", { notifications: { targets } });
    const before = hook.received.length;
    const r = await runMimik(["notify", "test", "--config", config], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^hook \(webhook\)\s+ok: HTTP 200 in \d+ ms$/m);
    expect(r.stdout).toContain('chat (discord)  FAILED: HTTP 401: {"message": "Invalid Webhook Token"');
    expect(r.stderr).toBe("mimik notify test: 1 of 2 targets failed\n");
    expect(`${r.stdout}${r.stderr}`).not.toContain(DISCORD_SECRET);
    const got = (await hook.requests(before + 1))[before]!;
    expect(got.headers.authorization).toBe(`Bearer ${HOOK_TOKEN}`);
    expect(got.json()).toMatchObject({ kind: "test", title: "mimik · Test" });
  });

  it("--target picks one; exit 0 when it works", async () => {
    const config = await writeConfig("probe.json", { notifications: { targets } });
    const r = await runMimik(["notify", "test", "--target", "HOOK", "--config", config], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown target is a usage error; a config without targets says how to add them", async () => {
    const config = await writeConfig("probe.json", { notifications: { targets } });
    const unknown = await runMimik(["notify", "test", "--target", "pager", "--config", config], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no target named "pager" (targets: hook, chat)');
    const empty = await runMimik(["notify", "test", "--config", await writeConfig("none.json", {})], env);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('has no notification targets; add a "notifications" section');
  });
});

describe("a running mimik notifies", () => {
  let headless: Child;
  let configPath: string;
  let simUrl: string;

  beforeAll(async () => {
    simUrl = (await startSim(env)).url;
    configPath = await writeConfig("config.json", {
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
      ],
      accounts: ["DEMO1000", "DEMO2001", "DEMO2002"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [
            { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
            { account: "DEMO2002", sizing: { mode: "multiplier", value: 1 } },
          ],
        },
      ],
      notifications: { targets },
    });
    headless = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(headless);
  }, 20_000);

  it("a close-out and the locks reach the webhook; the broken target is one alert; no secret leaks", async () => {
    const start = hook.received.length;
    const trade = await fetch(`${simUrl}/sim/trade`, {
      method: "POST",
      body: JSON.stringify({ account: "DEMO1000", symbol: "ESZ6", action: "Buy", qty: 1 }),
    });
    expect(trade.status).toBe(200);
    await until(
      () => jsonLines(headless).filter((l) => l.type === "copy" && l.outcome === "filled").length >= 2,
      "both copies filled",
    );
    const flatten = await runMimik(
      ["flatten", "--follower", "DEMO2002", "--yes", "--config", configPath],
      env,
    );
    expect(flatten.code, flatten.stderr).toBe(0);
    const lock = await runMimik(["lock", "--follower", "DEMO2001", "--config", configPath], env);
    expect(lock.code, lock.stderr).toBe(0);

    const got = (await hook.requests(start + 3)).slice(start);
    expect(got.map((r) => (r.json() as { kind: string; text: string }).text)).toEqual([
      "DEMO2002: manual: liquidate only, flattening",
      "DEMO2002: LOCKED (manual)",
      "DEMO2001: LOCKED (manual)",
    ]);
    expect(got.every((r) => r.headers.authorization === `Bearer ${HOOK_TOKEN}`)).toBe(true);
    await discord.requests(3);

    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    const failing = jsonLines(headless).filter(
      (l) => l.type === "alert" && String(l.message).includes('notifications to "chat"'),
    );
    expect(failing.map((l) => l.message)).toEqual([
      'notifications to "chat" (discord) are failing: HTTP 401: {"message": "Invalid Webhook Token", "url": "[redacted]"}; mimik keeps trying with each new one',
    ]);
    const journal = await readFile(journalPathFor(configPath), "utf8");
    expect(journal).toContain('notifications to \\"chat\\" (discord) are failing');
    for (const secret of [HOOK_TOKEN, DISCORD_SECRET, hook.url]) {
      expect(journal).not.toContain(secret);
      expect(headless.stdout()).not.toContain(secret);
      expect(headless.stderr()).not.toContain(secret);
    }
  });
});

describe("a lock the day roll lifted at start", () => {
  let sim: Child;
  let headless: Child;
  let configPath: string;

  beforeAll(async () => {
    const started = await startSim(env);
    sim = started.sim;
    const simUrl = started.url;
    configPath = await writeConfig("rolled.json", {
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "prop", password: { env: "MIMIK_E2E_PROP" } },
      ],
      accounts: ["APEX3001", "APEX3002"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "prop",
          leader: "APEX3001",
          followers: [{ account: "APEX3002", sizing: { mode: "multiplier", value: 1 } }],
        },
      ],
      notifications: { targets: [targets[0]] },
    });
    // Locked by its daily loss a week ago; nothing else holds it, so today's start lifts it.
    const weekAgo = Date.now() - 7 * 86_400_000;
    const day = new Date(weekAgo).toISOString().slice(0, 10);
    await writeFile(
      statePathFor(configPath),
      JSON.stringify({
        version: 1,
        followers: {
          APEX3002: {
            state: "LOCKED",
            lockKind: "daily",
            lockReason: "daily loss -$600 reached",
            lockedAt: weekAgo,
            tradingDay: day,
          },
        },
      }),
    );
    headless = startMimik(["headless", "--config", configPath], { ...env, MIMIK_E2E_PROP: "prop" });
    await headlessRunning(headless);
  }, 20_000);

  it("does not hide the next lock of that follower", async () => {
    const start = hook.received.length;
    // The roll lifted it without a word: nothing was announced for it.
    expect(jsonLines(headless).filter((l) => l.type === "followerState")).toEqual([]);
    const lock = await runMimik(["lock", "--follower", "APEX3002", "--config", configPath], env);
    expect(lock.code, lock.stderr).toBe(0);
    await until(
      () =>
        jsonLines(headless).some(
          (l) => l.type === "followerState" && l.follower === "APEX3002" && l.state === "LOCKED",
        ),
      "the lock shown",
    );
    // A stop delivers what the notifier has filed before it exits.
    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    sim.proc.kill("SIGTERM");
    const got = hook.received.slice(start).map((r) => (r.json() as { text: string }).text);
    expect(got).toEqual(["APEX3002: LOCKED (manual)"]);
  });
});
