import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mimikBin } from "./dist.js";

/**
 * A stop signal that comes while mimik is still starting (a terminal closed, a `systemctl stop`
 * a moment after the start) ends in the same clean stop as one that comes later: the demo's
 * scratch folder removed, the exit code 0. Node's default for these signals kills the process on
 * the spot, leaving whatever the start had made behind.
 */
let dir: string;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<{ env: NodeJS.ProcessEnv; tmp: string }> {
  dir = await mkdtemp(join(tmpdir(), "mimik-stop-starting-"));
  // The demo's scratch folder is made under TMPDIR: here, so what is left of it can be seen.
  const tmp = join(dir, "tmp");
  await mkdir(tmp);
  return {
    tmp,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      TMPDIR: tmp,
      XDG_CONFIG_HOME: join(dir, "cfg"),
      XDG_RUNTIME_DIR: join(dir, "run"),
      TERM: "xterm-256color",
    },
  };
}

/** Resolves with the output once `ready` matches it, or rejects after `ms`. */
function waitFor(proc: ChildProcess, ready: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no ${ready} within ${ms} ms:\n${out}`)), ms);
    proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}

function exitOf(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("a stop signal while mimik starts", () => {
  it("headless: SIGTERM with the first line out stops it cleanly once started", async () => {
    const { env, tmp } = await scratch();
    const proc = spawn(process.execPath, [mimikBin, "headless", "--demo"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const exited = exitOf(proc);
    // The engine's first events are printed while the start is still under way ("running" comes
    // once it is done).
    const out = await waitFor(proc, /"type":"connectionStatus"/, 20_000);
    expect(out).not.toMatch(/mimik headless running/);
    proc.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);

  it("headless with no terminal (systemd, a pipe): SIGHUP once running is a clean stop with exit code 0", async () => {
    const { env, tmp } = await scratch();
    const proc = spawn(process.execPath, [mimikBin, "headless", "--demo"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const exited = exitOf(proc);
    await waitFor(proc, /mimik headless running/, 20_000);
    proc.kill("SIGHUP");
    // Nothing hung up here: there was never a terminal to restore, so no end by the signal.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);

  it("the console: SIGHUP with the first frame drawn stops it cleanly once started", async () => {
    const { env, tmp } = await scratch();
    const command = `stty cols 80 rows 24; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(mimikBin)} --demo`;
    // util-linux `script` holds the pseudo-terminal; -e gives back the console's exit code.
    const proc = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
    child = proc;
    const exited = exitOf(proc);
    await waitFor(proc, / DEMO /, 20_000);
    const pid = proc.pid ?? 0;
    const inner = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
    expect(inner).toBeGreaterThan(0);
    process.kill(inner, "SIGHUP");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);
});
