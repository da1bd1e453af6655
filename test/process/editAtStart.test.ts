import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CopyEvent, EngineEvent } from "../../engine/index.js";
import { boot, type Running } from "../../src/process/boot.js";
import { killAll, until } from "../headless/children.js";
import { leaderTradeOn, positionOn } from "../headless/simBook.js";
import { type SimWorld, simWorld } from "../headless/simWorld.js";

/**
 * A hand edit saved while mimik starts: after the config was read, before the watcher was there
 * to see it (the logins connecting take seconds). The file is what the trader sees, so it is
 * what must be in force, checked on the simulator's book.
 */

let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-edit-at-start-",
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

/** As an editor saving through a temp file. */
async function pauseInFile(path: string): Promise<void> {
  const config = JSON.parse(await readFile(path, "utf8")) as { groups: { active?: boolean }[] };
  config.groups[0]!.active = false;
  await writeFile(`${path}.edit`, JSON.stringify(config, null, 2));
  await rename(`${path}.edit`, path);
}

describe("a config edit saved while mimik starts", () => {
  it("is in force once it runs: the group paused in the file copies no opening", async () => {
    const copies: CopyEvent[] = [];
    const onEvent = (event: EngineEvent) => {
      if (event.type === "copy" && event.follower === "DEMO2001") copies.push(event);
    };
    const quiet = () => undefined;
    let running: Running | undefined;
    try {
      running = await boot({
        env: world.env,
        cwd: world.dir,
        configFlag: world.configPath,
        logger: { info: quiet, warn: quiet, error: quiet },
        listeners: [onEvent],
        // Called once the config is read, before the engine and the logins start.
        onScreen: () => pauseInFile(world.configPath),
      });
      const { store } = running;
      // The trade goes whether or not the edit was taken: the book says what came of it.
      await until(
        () => store.getSnapshot().config.groups[0]?.active === false,
        "the edit in force",
        3_000,
      ).catch(() => undefined);
      await leaderTradeOn(world.simUrl, "Buy", 1);
      const decided = await until(
        () =>
          copies.find((c) => c.outcome === "skipped" || c.outcome === "filled" || c.outcome === "rejected"),
        "DEMO2001's copy decided",
      );
      expect(await positionOn(world.simUrl, "DEMO1000")).toBe(1);
      expect(await positionOn(world.simUrl, "DEMO2001")).toBe(0);
      expect(decided).toMatchObject({ outcome: "skipped", reason: "group paused" });
      expect(store.getSnapshot().config.groups[0]?.active).toBe(false);
    } finally {
      await running?.stop();
    }
  }, 30_000);
});
