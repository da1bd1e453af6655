import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headlessRunning, jsonLines, killAll, runMimik, startMimik } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { simWorld } from "./simWorld.js";

/**
 * `mimik lock` of a follower already locked by hand: the answer says so, with the lock's reason
 * and time, exit 0 (the README has no "nothing to do" code), and nothing changes: the saved lock,
 * the alerts, the follower's position on the simulator's book.
 */

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;

beforeAll(async () => {
  ({ dir, env, configPath, simUrl } = await simWorld(
    "mimik-lock-twice-",
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

async function savedLock(): Promise<unknown> {
  const state = JSON.parse(await readFile(join(dir, "config.state.json"), "utf8")) as {
    followers: Record<string, { state: string; lockKind?: string; lockReason?: string; lockedAt?: number }>;
  };
  const r = state.followers.DEMO2001;
  return r && { state: r.state, lockKind: r.lockKind, lockReason: r.lockReason, lockedAt: r.lockedAt };
}

describe("a second mimik lock", () => {
  it("answers already locked, since when, exit 0, and changes nothing", async () => {
    const headless = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(headless, 20_000);
    await leaderTradeOn(simUrl, "Buy", 1);
    const deadline = Date.now() + 10_000;
    while ((await positionOn(simUrl, "DEMO2001")) !== 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 40));
    expect(await positionOn(simUrl, "DEMO2001")).toBe(1);

    const first = await runMimik(["lock", "--follower", "DEMO2001", "--config", configPath], env);
    expect(first.stdout).toBe("ok   DEMO2001  locked\n");
    expect(first.code).toBe(0);
    const lock = await savedLock();
    expect(lock).toMatchObject({ state: "LOCKED", lockKind: "manual", lockReason: "manual" });
    const alerts = () =>
      jsonLines(headless).filter((l) => l.type === "alert" && String(l.message).includes("DEMO2001: locked"));
    expect(alerts()).toHaveLength(1);

    const second = await runMimik(["lock", "--follower", "DEMO2001", "--config", configPath], env);
    expect(second.stdout).toMatch(
      /^ok {3}DEMO2001 {2}already locked \(manual, since \w{3} \d+ \d\d:\d\d CT\); nothing changed\n$/,
    );
    expect(second.code).toBe(0);
    expect(await savedLock()).toEqual(lock);
    expect(alerts()).toHaveLength(1);
    // A lock never flattens: the position stays on the broker's book.
    expect(await positionOn(simUrl, "DEMO2001")).toBe(1);
    headless.proc.kill("SIGTERM");
    await headless.exited;
  }, 60_000);
});
