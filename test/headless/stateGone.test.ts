import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statePathFor } from "../../data/paths.js";
import { type Child, headlessRunning, jsonLines, killAll, runMimik, startMimik } from "./children.js";
import { simWorld } from "./simWorld.js";

/**
 * The runtime state file deleted (or moved away) between two runs: its locks are gone with it. The
 * start goes on, as the panic button must, but says so; a start with the file there says nothing.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;

const goneNotes = (child: Child) =>
  jsonLines(child).filter((l) => l.level === "warn" && String(l.message).startsWith("no runtime state at"));

async function run(): Promise<Child> {
  const child = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(child);
  return child;
}

async function stop(child: Child): Promise<void> {
  child.proc.kill("SIGTERM");
  expect(await child.exited).toBe(0);
}

beforeAll(async () => {
  ({ dir, env, configPath } = await simWorld(
    "mimik-state-gone-",
    ["DEMO1000", "DEMO2001"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 } }],
      },
    ],
  ));
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("the runtime state file gone between two runs", () => {
  it("is said at the start, naming the file; a start with it there says nothing", async () => {
    const first = await run();
    expect(goneNotes(first)).toEqual([]);
    const locked = await runMimik(["lock", "--follower", "DEMO2001", "--config", configPath], env);
    expect(locked.code, locked.stderr).toBe(0);
    await stop(first);

    await rm(statePathFor(configPath));
    const second = await run();
    const [note] = goneNotes(second);
    expect(String(note?.message)).toContain(statePathFor(configPath));
    expect(String(note?.message)).toContain("every follower starts ACTIVE (any lock it had is gone)");
    await stop(second);

    const third = await run();
    expect(goneNotes(third)).toEqual([]);
    await stop(third);
  }, 60_000);
});
