import { readFile, rm, truncate } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statePathFor } from "../../data/paths.js";
import { type Child, jsonLines, killAll, runMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * The runtime state file cut to zero bytes while mimik runs (`: > config.state.json`, a cleanup
 * tool), then mimik killed with -9 and started again. The locks mimik held must survive it: the
 * empty file holds nothing to respect, so the next save writes what mimik holds. Judged on the
 * simulator's book: neither locked follower copies the leader's Buy after the start.
 */

let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-state-emptied-",
    ["DEMO1000", "DEMO2001", "DEMO2002"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 } },
          { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 } },
        ],
      },
    ],
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

const run = (): Promise<Child> => headlessOn(world, 20_000);

const lock = (follower: string) =>
  runMimik(["lock", "--follower", follower, "--config", world.configPath], world.env);

describe("the runtime state file emptied while mimik runs", () => {
  it("is written whole at the next save, said once; after a kill -9 both locks hold on the broker", async () => {
    const { simUrl, configPath } = world;
    const statePath = statePathFor(configPath);
    const first = await run();
    expect((await lock("DEMO2001")).stdout).toBe("ok   DEMO2001  locked\n");
    await truncate(statePath, 0);
    const second = await lock("DEMO2002");
    expect(second.stdout).toBe("ok   DEMO2002  locked\n");
    const onDisk = JSON.parse(await readFile(statePath, "utf8")) as { followers: Record<string, unknown> };
    expect(onDisk.followers).toMatchObject({
      DEMO2001: { state: "LOCKED", lockKind: "manual" },
      DEMO2002: { state: "LOCKED", lockKind: "manual" },
    });
    const said = jsonLines(first).filter(
      (l) => l.level === "warn" && String(l.message).startsWith(statePath),
    );
    expect(said.map((l) => l.message)).toEqual([
      `${statePath} was emptied (0 bytes) while mimik ran; written again with the locks and marks mimik holds`,
    ]);

    first.proc.kill("SIGKILL");
    await first.exited;
    const again = await run();
    await leaderTradeOn(simUrl, "Buy", 1);
    const skipped = () =>
      jsonLines(again).filter((l) => l.type === "copy" && l.outcome === "skipped" && l.reason === "locked");
    await until(() => skipped().length === 2, "both followers' copies skipped as locked");
    expect(await positionOn(simUrl, "DEMO1000")).toBe(1);
    expect(await positionOn(simUrl, "DEMO2001")).toBe(0);
    expect(await positionOn(simUrl, "DEMO2002")).toBe(0);
    again.proc.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  }, 90_000);
});
