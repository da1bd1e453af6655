import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mimikBin } from "../cli/dist.js";
import { type ScratchHome, scratchHome } from "../cli/scratchHome.js";

/**
 * The engine's thread failing on its own, as a real process: a fault injected into that thread
 * (worker threads inherit `--import`) where no test double can reach. Whatever fails, mimik must
 * end with a message and a non-zero code, never sit there with followers uncopied.
 */
let home: ScratchHome | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  if (home) await rm(home.dir, { recursive: true, force: true });
  home = undefined;
});

/**
 * Makes the engine's start throw once it is built: the first setInterval after the thread says
 * "ready" is the calendar watch's, inside the engine host's start().
 */
const FAIL_START = `
import { isMainThread, parentPort, workerData } from "node:worker_threads";
if (!isMainThread && parentPort && workerData && "journalPath" in workerData) {
  const post = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (message, ...rest) => {
    post(message, ...rest);
    if (message?.kind !== "ready") return;
    const real = globalThis.setInterval;
    globalThis.setInterval = () => {
      globalThis.setInterval = real;
      throw new Error("injected fault in the engine's start");
    };
  };
}
`;

describe("the engine's thread fails", () => {
  it("while starting: headless says so and exits 1 instead of hanging", async () => {
    home = await scratchHome("mimik-engine-fails-");
    const hook = join(home.dir, "failStart.mjs");
    await writeFile(hook, FAIL_START);
    const proc = spawn(process.execPath, ["--import", hook, mimikBin, "headless", "--demo"], {
      env: home.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    let out = "";
    proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/the engine failed to start: injected fault in the engine's start: shutting down/);
    // The clean stop ran: the demo's scratch folder is gone.
    expect(readdirSync(home.tmp)).toEqual([]);
  }, 30_000);
});
