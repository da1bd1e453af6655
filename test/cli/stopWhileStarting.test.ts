import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { mimikBin } from "./dist.js";
import { inPseudoTerminal, type ScratchHome, scratchHome } from "./scratchHome.js";

/**
 * A stop signal that comes while mimik is still starting (a terminal closed, a `systemctl stop`
 * a moment after the start) ends in the same clean stop as one that comes later: the demo's
 * scratch folder removed, the exit code 0. Node's default for these signals kills the process on
 * the spot, leaving whatever the start had made behind.
 */
let home: ScratchHome | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  if (home) await rm(home.dir, { recursive: true, force: true });
  home = undefined;
});

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Started {
  proc: ChildProcess;
  tmp: string;
  /** The output so far, once `ready` matched it. */
  out: string;
  exited: Promise<Exit>;
}

/** Spawns `file args` in a scratch home and resolves once its stdout matches `ready`. */
async function start(file: string, args: string[], ready: RegExp): Promise<Started> {
  home = await scratchHome("mimik-stop-starting-");
  const proc = spawn(file, args, { env: home.env, stdio: ["pipe", "pipe", "pipe"] });
  child = proc;
  const exited = new Promise<Exit>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const out = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no ${ready} within 20 s:\n${text}`)), 20_000);
    proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
  return { proc, tmp: home.tmp, out, exited };
}

const clean: Exit = { code: 0, signal: null };

describe("a stop signal while mimik starts", () => {
  it("headless: SIGTERM with the first line out stops it cleanly once started", async () => {
    // The engine's first events are printed while the start is still under way ("running" comes
    // once it is done).
    const run = await start(process.execPath, [mimikBin, "headless", "--demo"], /"type":"connectionStatus"/);
    expect(run.out).not.toMatch(/mimik headless running/);
    run.proc.kill("SIGTERM");
    expect(await run.exited).toEqual(clean);
    expect(readdirSync(run.tmp)).toEqual([]);
  }, 30_000);

  it("headless with no terminal (systemd, a pipe): SIGHUP once running is a clean stop with exit code 0", async () => {
    const run = await start(process.execPath, [mimikBin, "headless", "--demo"], /mimik headless running/);
    run.proc.kill("SIGHUP");
    // Nothing hung up here: there was never a terminal to restore, so no end by the signal.
    expect(await run.exited).toEqual(clean);
    expect(readdirSync(run.tmp)).toEqual([]);
  }, 30_000);

  it("the console: SIGHUP with the first frame drawn stops it cleanly once started", async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(mimikBin)} --demo`;
    const run = await start("script", inPseudoTerminal(command), / DEMO /);
    const pid = run.proc.pid ?? 0;
    const inner = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
    expect(inner).toBeGreaterThan(0);
    // The terminal is still there: a live one is restored at a normal exit, which `script` reports.
    process.kill(inner, "SIGHUP");
    expect(await run.exited).toEqual(clean);
    expect(readdirSync(run.tmp)).toEqual([]);
  }, 30_000);
});
