import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlots } from "../../data/actedOnSlots.js";
import { type Child, jsonLines, killAll, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * The acted-on file removed while mimik runs (a cleanup script, a trader's rm), then mimik killed
 * with -9 while the leader closes. What DEMO2001 acted on must still be on disk for the start to
 * make the close up: the file comes back with the next write, and mimik says so once. Judged on
 * the simulator's book.
 */

let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-side-files-",
    ["DEMO1000", "DEMO2001"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

const run = (): Promise<Child> => headlessOn(world, 20_000);

const actedOnPath = () => join(world.dir, "config.acted-on");

/** What the acted-on file on disk says DEMO2001 acted on in ESZ6 (undefined: no file, or no record). */
async function actedOn(): Promise<number | undefined> {
  const slots = readSlots(await readFile(actedOnPath()).catch(() => Buffer.alloc(0)));
  const record = slots.ok ? slots.records.DEMO2001 : undefined;
  return record?.positions.ESZ6 ?? (record ? 0 : undefined);
}

const remadeNotes = (child: Child) =>
  jsonLines(child).filter((l) => l.level === "warn" && String(l.message).includes("was gone"));

describe("the acted-on file removed while mimik runs", () => {
  it("is written again at the next copy, said once, and a kill -9 after it still makes up the leader's close", async () => {
    const { simUrl } = world;
    const first = await run();
    await leaderTradeOn(simUrl, "Buy", 2);
    await until(async () => (await positionOn(simUrl, "DEMO2001")) === 2, "DEMO2001 long 2");
    await until(async () => (await actedOn()) === 2, "the acted-on file saying +2");

    await rm(actedOnPath());
    await leaderTradeOn(simUrl, "Buy", 1);
    await until(async () => (await positionOn(simUrl, "DEMO2001")) === 3, "DEMO2001 long 3");
    await until(async () => (await actedOn()) === 3, "the acted-on file back, saying +3");
    await leaderTradeOn(simUrl, "Sell", 1);
    await until(async () => (await actedOn()) === 2, "the acted-on file saying +2 again");
    expect(remadeNotes(first).map((l) => l.message)).toEqual([
      expect.stringContaining(`${actedOnPath()} was gone`),
    ]);

    first.proc.kill("SIGKILL");
    await first.exited;
    await leaderTradeOn(simUrl, "Sell", 2);
    const second = await run();
    await until(async () => (await positionOn(simUrl, "DEMO2001")) === 0, "DEMO2001's close made up");
    expect(await positionOn(simUrl, "DEMO1000")).toBe(0);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 90_000);
});
