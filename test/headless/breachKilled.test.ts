import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FollowerRiskRecord, RuntimeState } from "../../engine/types.js";
import { jsonLines, killAll, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * A breach's flatten with mimik killed (`kill -9`) after the broker took the close, its answer
 * still on its way: the close carries no clOrdId of ours (liquidateposition takes none), so only
 * what the state file says of it keeps its fill from reading as a trade by hand after the restart.
 */

let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-breach-killed-",
    ["DEMO1000", "DEMO2001"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "fixed", contracts: 1 }, limits: { dailyLoss: 100 } },
        ],
      },
    ],
  );
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

async function follower(): Promise<FollowerRiskRecord | undefined> {
  const state = JSON.parse(await readFile(join(world.dir, "config.state.json"), "utf8")) as RuntimeState;
  return state.followers.DEMO2001;
}

describe("a breach's flatten killed between the broker taking the close and its answer", () => {
  it("the close is on disk before it went; after the restart its fill is mimik's and the follower locks", async () => {
    const { simUrl, post } = world;
    const first = await headlessOn(world);
    await leaderTradeOn(simUrl, "Buy", 1);
    await until(async () => (await positionOn(simUrl, "DEMO2001")) === 1, "DEMO2001 long 1");
    // The answers to mimik are 3 s on their way: ES 5 points down ($250) breaches the $100 daily loss.
    await post("/sim/delay", { user: "demo", ms: 3000 });
    await post("/sim/jump", { symbol: "ESZ6", delta: -5 });
    await until(
      async () => (await positionOn(simUrl, "DEMO2001")) === 0,
      "the close done at the broker",
      15_000,
    );
    first.proc.kill("SIGKILL");
    await first.exited;

    const onDisk = await follower();
    expect(onDisk?.state).toBe("LIQUIDATE_ONLY");
    expect(onDisk?.flattenOrders).toEqual([{ contract: "ESZ6", sentAt: expect.any(Number) }]);

    await post("/sim/delay", { user: "demo", ms: 0 });
    const second = await headlessOn(world);
    await until(
      () =>
        jsonLines(second).some(
          (l) => l.type === "followerState" && l.follower === "DEMO2001" && l.state === "LOCKED",
        ),
      "DEMO2001 locked after the restart",
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(jsonLines(second).filter((l) => String(l.message ?? "").includes("by hand"))).toEqual([]);
    expect(await positionOn(simUrl, "DEMO2001")).toBe(0);
    expect(await positionOn(simUrl, "DEMO1000")).toBe(1);
    expect(await follower()).toMatchObject({
      state: "LOCKED",
      lockKind: "daily",
      flattenOrders: onDisk?.flattenOrders,
    });
  }, 60_000);
});
