import { appendFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalPathFor } from "../../data/journal/index.js";
import { headlessRunning, killAll, runMimik, startMimik } from "./children.js";

/**
 * What a damaged journal does to a start, with the real executable: a torn last line is set aside
 * and mimik runs; worse damage stops it with the exact fix (not an "internal error"), and the fix works.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let journal: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-journal-start-"));
  env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_RUNTIME_DIR: join(dir, "run"), PW: "demo" };
  configPath = join(dir, "config.json");
  journal = journalPathFor(configPath);
  // The embedded simulator: nothing to start beside it, no account shared with other tests.
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "PW" } }],
      accounts: ["DEMO1000", "DEMO2001"].map((name) => ({ name, connection: "sim" })),
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
        },
      ],
    }),
  );
});

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

/** Starts headless, waits until it runs, stops it with SIGTERM; returns its exit code. */
async function runOnce(): Promise<number> {
  const child = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(child);
  child.proc.kill("SIGTERM");
  return child.exited;
}

describe("a damaged journal at start", () => {
  it("a torn last line is set aside and mimik runs; the bytes are kept", async () => {
    await mkdir(join(dir, "journal"), { recursive: true });
    expect(await runOnce()).toBe(0);
    await appendFile(journal, '{"seq":99,"at":"20');
    expect(await runOnce()).toBe(0);
    expect(await readFile(`${journal}.torn`, "utf8")).toBe('{"seq":99,"at":"20');
    const verify = await runMimik(["log", "--verify", "--config", configPath], env);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(
      /^note: seq \d+ .*incomplete last line \(no newline\) set aside at a start/m,
    );
  });

  it("two garbage lines stop it with the exact fix, and the fix works", async () => {
    await appendFile(journal, "garbage\nmore garbage\n");
    const refused = await runMimik(["headless", "--config", configPath], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain("internal error");
    expect(refused.stderr).toContain(`the last two lines of ${journal} are not journal entries`);
    expect(refused.stderr).toContain(`mv ${journal} ${journal}.damaged`);
    await rename(journal, `${journal}.damaged`);
    expect(await runOnce()).toBe(0);
    // The chain records that what the damaged file held is missing from it.
    const verify = await runMimik(["log", "--verify", "--config", configPath], env);
    expect(verify.stdout).toMatch(
      /^journal BROKEN: at seq \d+ .* mimik found the journal altered before it: truncated/m,
    );
  });
});
