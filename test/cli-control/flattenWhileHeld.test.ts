import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, type InstanceLock } from "../../data/instanceLock.js";
import { runtimeDir } from "../../data/paths.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { CommandContext } from "../../src/cli/command.js";
import { createFlattenCommand } from "../../src/cli/commands/flatten.js";
import { main } from "../../src/cli/main.js";
import { type ControlServer, controlSocketPath, startControlServer } from "../../src/control/index.js";
import { fakeContext } from "../cli/streams.js";

/**
 * The panic button pressed while another process holds the config but answers no control request:
 * an instance still starting (systemd restarting it) or stopping, or a first `mimik flatten` still
 * at work at the broker. It waits for that process instead of telling the trader to kill it.
 */

let dir: string;
let sim: Simulator;
let env: NodeJS.ProcessEnv;
let held: InstanceLock | undefined;
let server: ControlServer | undefined;

const configPath = () => join(dir, "config.json");
const position = (account: string) =>
  sim.control.records().positions.find((p) => p.accountName === account && p.contract === "ESZ6")?.netPos ??
  0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-held-"));
  env = { XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "cfg"), MIMIK_HELD_PASSWORD: "demo" };
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 2);
  const config = {
    version: 1,
    connections: [
      { name: "sim", env: "sim", url: sim.url, username: "demo", password: { env: "MIMIK_HELD_PASSWORD" } },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "DEMO2001", connection: "sim", label: "half" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  };
  await writeFile(configPath(), `${JSON.stringify(config, null, 2)}\n`);
  // The other process: it holds the config's instance lock and serves no socket (yet).
  held = await acquireInstanceLock(`${configPath()}.lock`, { config: configPath() });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await held?.release();
  held = undefined;
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the command; `meanwhile` acts once it says it waits (at once when it never says so). */
async function flatten(heldWaitMs: number, meanwhile: () => Promise<void> = async () => undefined) {
  const { ctx, stdout, stderr } = fakeContext({ env, cwd: dir });
  const command = createFlattenCommand({ heldWaitMs, confirmLockedMs: 5000 });
  const argv = ["flatten", "--follower", "half", "--yes", "--config", configPath()];
  let ended = false;
  const run = main(argv, ctx as Partial<CommandContext>, [command]).finally(() => {
    ended = true;
  });
  await until(() => ended || stderr.text.includes("does not answer yet"));
  await meanwhile();
  const code = await run;
  return { code, out: stdout.text, err: stderr.text };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("mimik flatten while another process holds the config and does not answer", () => {
  it("a first flatten still at the broker: waits until it lets go, then flattens and locks", async () => {
    const r = await flatten(20_000, async () => {
      await held?.release();
      held = undefined;
    });
    expect(r.err).toContain("holds this config and does not answer yet");
    expect(r.out).toContain("no running instance: flattened directly at the broker");
    expect(r.out).toMatch(/ok {3}DEMO2001 {2}flat; locked/);
    expect(r.code).toBe(0);
    expect(position("DEMO2001")).toBe(0);
    expect(position("DEMO1000")).toBe(2);
  });

  it("an instance still starting: waits for its socket and flattens through it, nothing beside it", async () => {
    const asked: unknown[] = [];
    const r = await flatten(20_000, async () => {
      server = await startControlServer(controlSocketPath(configPath(), runtimeDir(env)), async (request) => {
        asked.push(request);
        return { ok: true, results: [{ target: "DEMO2001", status: "locked", sent: 1 }] };
      });
    });
    expect(asked).toMatchObject([{ cmd: "flatten", target: { follower: "half" } }]);
    expect(r.out).toMatch(/ok {3}DEMO2001 {2}flat; locked \(1 sent\)/);
    expect(r.code).toBe(0);
    // The stand-in instance trades nothing: a flatten sent beside it would show here.
    expect(position("DEMO2001")).toBe(2);
  });

  it("one that neither answers nor lets go is given up on, saying so, with nothing sent", async () => {
    const r = await flatten(600);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`mimik is running for this config (pid ${process.pid})`);
    expect(r.err).toContain("(waited 1 s for it)");
    expect(position("DEMO2001")).toBe(2);
    expect(sim.control.records().orders.filter((o) => o.accountName === "DEMO2001")).toHaveLength(1);
  });
});

/**
 * The instance is killed while it carries the flatten out (a crash, an OOM kill, `kill -9`): the
 * control socket drops with no answer. The panic button must still get the follower flat: through
 * a mimik that runs again (systemd's restart), or directly at the broker when none does.
 */
describe("mimik flatten whose instance dies before answering", () => {
  /** A stand-in instance that goes away without a word once asked `dieOn`, answering what comes before. */
  async function dyingInstance(onDeath: () => Promise<void>, dieOn = "flatten"): Promise<unknown[]> {
    const asked: unknown[] = [];
    const dying = await startControlServer(
      controlSocketPath(configPath(), runtimeDir(env)),
      async (request) => {
        asked.push(request);
        if (request.cmd !== dieOn) return { ok: true };
        void dying.close().then(onDeath);
        return new Promise(() => {});
      },
    );
    return asked;
  }

  it("with no mimik left running: goes to the broker itself, and the follower is flat there", async () => {
    const asked = await dyingInstance(async () => {
      await held?.release();
      held = undefined;
    });
    const r = await flatten(20_000);
    expect(asked).toMatchObject([{ cmd: "status" }, { cmd: "flatten", target: { follower: "half" } }]);
    expect(r.err).toContain("went away before answering");
    expect(r.out).toContain("no running instance: flattened directly at the broker");
    expect(r.out).toMatch(/ok {3}DEMO2001 {2}flat; locked/);
    expect(r.code).toBe(0);
    expect(position("DEMO2001")).toBe(0);
    expect(position("DEMO1000")).toBe(2);
  });

  it("with a mimik restarted meanwhile: waits for it and flattens through it, nothing beside it", async () => {
    // The killed instance's lock is taken over at once by the restarted one, still starting.
    await dyingInstance(async () => undefined);
    const again: unknown[] = [];
    const r = await flatten(20_000, async () => {
      server = await startControlServer(controlSocketPath(configPath(), runtimeDir(env)), async (request) => {
        again.push(request);
        return { ok: true, results: [{ target: "DEMO2001", status: "locked", sent: 1 }] };
      });
    });
    expect(again).toMatchObject([{ cmd: "flatten", target: { follower: "half" } }]);
    expect(r.out).toMatch(/ok {3}DEMO2001 {2}flat; locked \(1 sent\)/);
    expect(r.code).toBe(0);
    expect(position("DEMO2001")).toBe(2);
  });

  it("dying as it is asked which followers the target names: still flattens, at the broker", async () => {
    const asked = await dyingInstance(async () => {
      await held?.release();
      held = undefined;
    }, "status");
    const r = await flatten(20_000);
    expect(asked).toMatchObject([{ cmd: "status" }]);
    expect(r.out).toContain("no running instance: flattened directly at the broker");
    expect(r.out).toMatch(/ok {3}DEMO2001 {2}flat; locked/);
    expect(r.code).toBe(0);
    expect(position("DEMO2001")).toBe(0);
    expect(position("DEMO1000")).toBe(2);
  });
});
