import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mimikBin } from "./dist.js";
import { inPseudoTerminal, type ScratchHome, scratchHome } from "./scratchHome.js";

/**
 * The terminal goes away under a running mimik (a window closed, an SSH session dropped): the
 * kernel hangs it up and sends SIGHUP. mimik stops cleanly and ends quietly. Node 20's normal exit
 * would try to restore the dead terminal's settings and abort (nodejs/node#51519), printing a
 * native stack trace after the clean stop.
 */
let home: ScratchHome | undefined;
let inner: number | undefined;

afterEach(async () => {
  if (inner !== undefined && existsSync(`/proc/${inner}`)) process.kill(inner, "SIGKILL");
  inner = undefined;
  if (home) await rm(home.dir, { recursive: true, force: true });
  home = undefined;
});

async function inTerminalUntilGone(
  args: string[],
  started: RegExp,
): Promise<{ stderr: string; tmp: string[] }> {
  home = await scratchHome("mimik-terminal-gone-");
  const errFile = join(home.dir, "stderr.txt");
  const argv = args.map((a) => JSON.stringify(a)).join(" ");
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(mimikBin)} ${argv} 2>${JSON.stringify(errFile)}`;
  const term: ChildProcess = spawn("script", inPseudoTerminal(command), {
    stdio: ["pipe", "pipe", "pipe"],
    env: home.env,
  });
  let out = "";
  term.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const deadline = Date.now() + 20_000;
  while (!started.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(out).toMatch(started);
  const pid = term.pid ?? 0;
  inner = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0]);
  // The terminal goes: its master side closes with `script`, and the kernel hangs mimik up.
  term.kill("SIGKILL");
  const gone = Date.now() + 20_000;
  while (existsSync(`/proc/${inner}`) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
  expect(existsSync(`/proc/${inner}`)).toBe(false);
  return { stderr: readFileSync(errFile, "utf8"), tmp: readdirSync(home.tmp) };
}

describe("the terminal goes away under a running mimik", () => {
  it("the console stops cleanly and ends without a crash", async () => {
    const { stderr, tmp } = await inTerminalUntilGone(["--demo"], /conn 2\/2 up/);
    expect(stderr).not.toMatch(/Assertion|Native stack trace/);
    expect(tmp).toEqual([]);
  }, 40_000);

  it("headless stops cleanly and ends without a crash", async () => {
    const { stderr, tmp } = await inTerminalUntilGone(["headless", "--demo"], /mimik headless running/);
    expect(stderr).not.toMatch(/Assertion|Native stack trace/);
    expect(tmp).toEqual([]);
  }, 40_000);
});
