import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { distDir } from "../cli/dist.js";
import { runMimik, until } from "../headless/children.js";

/**
 * A command given while another process holds the config's instance lock and serves no socket:
 * mimik still starting (systemd restarting it, the engine's thread loading) or stopping, or a
 * `mimik flatten` at work at the broker. "No running mimik instance; start it with mimik headless"
 * is not so: starting one would be refused. The command says who holds it and to try again.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let holder: ChildProcess | undefined;
const configPath = () => join(dir, "config.json");

/** Another process taking the config's instance lock as mimik does, recording `fields`. */
async function holdLock(control: string | undefined): Promise<ChildProcess> {
  const module = resolve(distDir, "data/instanceLock.js");
  const options = JSON.stringify({ config: configPath(), control });
  const script = `import(${JSON.stringify(module)}).then((m) => m.acquireInstanceLock(${JSON.stringify(`${configPath()}.lock`)}, ${options})).then(() => { console.log("held"); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  await until(() => out.includes("held"), "the other process to hold the lock");
  return child;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-heldcfg-"));
  env = { PATH: process.env.PATH, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "cfg") };
  await writeFile(configPath(), "{}\n");
});
afterEach(async () => {
  if (holder && holder.exitCode === null && holder.signalCode === null) {
    const gone = new Promise((r) => holder?.once("exit", r));
    holder.kill("SIGKILL");
    await gone;
  }
  holder = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe("a control command while a live mimik holds the config but serves no socket yet", () => {
  it.each([["status"], ["lock", "--follower", "DEMO2001"], ["pause", "--group", "main"]])(
    "%s names the holder and says to try again, not to start one",
    async (...argv) => {
      holder = await holdLock(join(dir, "run", "mimik", "not-yet.sock"));
      const r = await runMimik([...argv, "--config", configPath()], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `but mimik (pid ${holder.pid}) holds this config: it is still starting, or stopping; try again in a moment`,
      );
      expect(r.stderr).not.toContain("start it with");
    },
  );

  it("a holder serving no socket at all is a mimik flatten at the broker, and is said so", async () => {
    holder = await holdLock(undefined);
    const r = await runMimik(["status", "--config", configPath()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`but mimik (pid ${holder.pid}) holds this config: a mimik flatten at work`);
  });

  it("once the holder is gone, it says that none runs and how to start one", async () => {
    holder = await holdLock(join(dir, "run", "mimik", "not-yet.sock"));
    const gone = new Promise((r) => holder?.once("exit", r));
    holder.kill("SIGKILL");
    await gone;
    const r = await runMimik(["status", "--config", configPath()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("start it with `mimik headless --config");
  });
});
