import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statePathFor } from "../../data/paths.js";
import { type Child, jsonLines, killAll, runMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * A lock whose save to the state file kept failing until mimik stopped (a directory stood where
 * the file was): the file, once it is back, still has the follower as it was before the lock.
 * The next start must not copy to it.
 */

let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-unsaved-lock-",
    ["DEMO1000", "DEMO2001"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 } }],
      },
    ],
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

const run = (): Promise<Child> => headlessOn(world);

async function stop(child: Child): Promise<void> {
  child.proc.kill("SIGTERM");
  expect(await child.exited).toBe(0);
}

describe("a lock that never reached the state file", () => {
  it("holds at the next start: the follower copies nothing, and the trader is told why", async () => {
    const { configPath, env, simUrl } = world;
    const statePath = statePathFor(configPath);
    const first = await run();
    // The state file is taken away and a directory stands in its place: every save fails.
    const kept = join(world.dir, "state.kept");
    // A save of the running instance may put a file back between the two steps: take that one.
    for (;;) {
      await rename(statePath, kept);
      const made = await mkdir(statePath).then(
        () => true,
        () => false,
      );
      if (made) break;
    }
    await writeFile(join(statePath, "in-the-way"), "");
    const locked = await runMimik(["lock", "--follower", "DEMO2001", "--config", configPath], env);
    expect(locked.stdout).toContain("NOT SAVED");
    await stop(first);

    // The trader puts the file back as it was: DEMO2001 ACTIVE in it.
    await rm(statePath, { recursive: true });
    await rename(kept, statePath);
    const second = await run();
    await leaderTradeOn(simUrl, "Buy", 1);
    const decided = await until(
      () =>
        jsonLines(second).find(
          (l) =>
            l.type === "copy" &&
            l.follower === "DEMO2001" &&
            l.outcome !== "sent" &&
            l.outcome !== "accepted",
        ),
      "DEMO2001's copy decided",
    );
    expect(await positionOn(simUrl, "DEMO1000")).toBe(1);
    expect(await positionOn(simUrl, "DEMO2001")).toBe(0);
    expect(decided).toMatchObject({ outcome: "skipped", reason: "locked" });
    const said = jsonLines(second).filter(
      (l) => l.level === "warn" && String(l.message).startsWith("DEMO2001 was locked"),
    );
    expect(said.map((l) => l.message)).toEqual([
      expect.stringContaining("the lock never reached the state file"),
    ]);
    const onDisk = JSON.parse(await readFile(statePath, "utf8")) as { followers: Record<string, unknown> };
    expect(onDisk.followers.DEMO2001).toMatchObject({
      state: "LOCKED",
      lockKind: "manual",
      lockReason: "manual",
    });
    await stop(second);
  }, 60_000);
});
