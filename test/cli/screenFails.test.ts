import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mimikBin } from "./dist.js";
import { inPseudoTerminal, type ScratchHome, scratchHome } from "./scratchHome.js";

/**
 * A pane that throws while drawing ends Ink with its error. The engine behind it must still stop
 * the clean way (journal flushed, lock files removed; for the demo, its scratch folder), and the
 * trader be told copying stopped, not be left with an internal error and files of a dead run.
 */
let home: ScratchHome | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  if (home) await rm(home.dir, { recursive: true, force: true });
  home = undefined;
});

/** Every copy latency the fills pane draws (ms.toFixed(1)) throws, on the main thread only. */
const FAIL_PANE = `
import { isMainThread } from "node:worker_threads";
if (isMainThread) {
  const real = Number.prototype.toFixed;
  Number.prototype.toFixed = function (digits) {
    if (digits === 1) throw new Error("injected fault in a pane");
    return real.call(this, digits);
  };
}
`;

describe("the console's screen fails", () => {
  it("stops the engine cleanly and exits 1 saying copying stopped", async () => {
    home = await scratchHome("mimik-screen-fails-");
    const hook = join(home.dir, "failPane.mjs");
    await writeFile(hook, FAIL_PANE);
    const command = `${JSON.stringify(process.execPath)} --import ${JSON.stringify(hook)} ${JSON.stringify(mimikBin)} --demo`;
    const proc = spawn("script", inPseudoTerminal(command), {
      env: { ...home.env, MIMIK_DEMO_INTERVAL_MS: "300" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child = proc;
    let out = "";
    proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
    expect(out).toMatch(/mimik: the screen failed: injected fault in a pane; copying stopped/);
    expect(code).toBe(1);
    // The clean stop ran: the demo's scratch folder is gone.
    expect(readdirSync(home.tmp)).toEqual([]);
  }, 30_000);
});
