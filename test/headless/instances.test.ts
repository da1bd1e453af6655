import { execFile, spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountClaims, accountLockDir, accountLockPath } from "../../data/accountLocks.js";
import { type Config, configSchema } from "../../data/schema.js";
import { mimikBin } from "../cli/dist.js";
import { type Child, jsonLines, killAll, runMimik, startMimik, startSim, until } from "./children.js";

/**
 * Two instances that must not both run, as real processes: the same config through a symlink with
 * another XDG_RUNTIME_DIR, and two config files naming the same broker account. Then a config
 * folder the user cannot write.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let simUrl: string;
let configA: string;
let first: Child;

function configJson(url: string | undefined): Record<string, unknown> {
  return {
    version: 1,
    connections: [
      {
        name: "sim",
        env: "sim",
        ...(url ? { url } : {}),
        username: "demo",
        password: { env: "MIMIK_E2E_PASSWORD" },
      },
    ],
    accounts: ["DEMO1000", "DEMO2001"].map((name) => ({ name, connection: "sim" })),
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  };
}

async function writeConfig(path: string, url: string | undefined): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, JSON.stringify(configJson(url)));
}

/** Resolves once the child is running (true) or has exited (its code). */
async function settled(child: Child): Promise<true | number> {
  return until(async () => {
    if (child.proc.exitCode !== null) return child.proc.exitCode;
    if (jsonLines(child).some((l) => String(l.message).startsWith("mimik headless running"))) return true;
    return undefined;
  }, "the instance to run or exit");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-instances-"));
  // Traversable by the unprivileged user of the read-only test below.
  await chmod(dir, 0o755);
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run-a"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
  };
  simUrl = (await startSim(env)).url;
  expect(simUrl).not.toBe("");
  configA = join(dir, "a", "config.json");
  await writeConfig(configA, simUrl);
  first = startMimik(["headless", "--config", configA], env);
  expect(await settled(first), first.stderr()).toBe(true);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("one instance per config, one config per broker account", () => {
  it("the same config through a symlink, with another XDG_RUNTIME_DIR, refuses to start and names the running pid", async () => {
    const link = join(dir, "link.json");
    await symlink(configA, link);
    const second = startMimik(["headless", "--config", link], {
      ...env,
      XDG_RUNTIME_DIR: join(dir, "run-b"),
    });
    expect(await settled(second), second.stdout()).toBe(1);
    expect(second.stderr()).toContain(
      `mimik is already running for this config (pid ${first.pid}, config ${configA})`,
    );
    // And control commands through the link reach the running instance.
    const status = await runMimik(["status", "--json", "--config", link], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).pid).toBe(first.pid);
  });

  it("another config naming the same broker accounts refuses to start, naming the other pid and config", async () => {
    const configB = join(dir, "b", "other.json");
    await writeConfig(configB, simUrl);
    const second = startMimik(["headless", "--config", configB], {
      ...env,
      XDG_RUNTIME_DIR: join(dir, "run-b"),
    });
    expect(await settled(second), second.stdout()).toBe(1);
    expect(second.stderr()).toContain(
      `DEMO1000 (simulator ${simUrl}, login demo) is already in use by another mimik`,
    );
    expect(second.stderr()).toContain(`pid ${first.pid}, config ${configA}`);
  });

  it("once the first is killed with -9, the other config takes over the stale locks, runs, and releases them", async () => {
    first.proc.kill("SIGKILL");
    await first.exited;
    const configB = join(dir, "b", "other.json");
    const second = startMimik(["headless", "--config", configB], env);
    expect(await settled(second), second.stderr()).toBe(true);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const claims = accountClaims(configSchema.parse(configJson(simUrl)) as Config);
    for (const claim of claims)
      await expect(stat(accountLockPath(accountLockDir(), claim))).rejects.toThrow(/ENOENT/);
  });
});

describe("a lock file whose pid was reused", () => {
  it("does not block starting when that pid now runs something that is not mimik", async () => {
    const configB = join(dir, "b", "other.json");
    const sleeper = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      await writeFile(`${configB}.lock`, `${sleeper.pid}\n`);
      const second = startMimik(["headless", "--config", configB], env);
      expect(await settled(second), second.stderr()).toBe(true);
      second.proc.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });
});

describe("a config folder mimik cannot write", () => {
  it("is refused with the folder, the reason and the fix, not an internal error", async () => {
    const folder = join(dir, "ro");
    const config = join(folder, "config.json");
    await writeConfig(config, undefined);
    await chmod(config, 0o644);
    await chmod(folder, 0o555);
    // Root writes anywhere: to meet a real permission error it runs without the capabilities that
    // let it (setpriv), or else as an unprivileged user, who may not be able to read a checkout
    // in a private temp dir (mktemp -d is 0700).
    const root = process.getuid?.() === 0;
    const setpriv = root && spawnSync("setpriv", ["--version"]).status === 0;
    const argv = [mimikBin, "headless", "--config", config];
    const [file, args] = setpriv
      ? ["setpriv", ["--bounding-set=-dac_override,-dac_read_search", "--", process.execPath, ...argv]]
      : [process.execPath, argv];
    const asUser = root && !setpriv ? { uid: 65534, gid: 65534 } : {};
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        file,
        args,
        { env: { PATH: env.PATH, MIMIK_E2E_PASSWORD: "demo" }, cwd: "/", timeout: 30_000, ...asUser },
        (error, _stdout, stderr) => done({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("internal error");
    expect(result.stderr).toContain(
      `mimik cannot write its instance lock, runtime state (config.state.json) and config saves in ${folder}: permission denied`,
    );
    expect(result.stderr).toContain(`Fix: make it writable (chmod u+w ${folder}`);
  });
});
