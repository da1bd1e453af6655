import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Child, headlessRunning, jsonLines, killAll, startMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { type SimWorld, simWorld } from "./simWorld.js";

/**
 * Max trades per day across a restart, read on the simulator's book: a follower that used up its
 * day's trades stays used up when mimik is killed with -9 and started again the same day, and a
 * leader order it was already counted for is still that same trade after the start.
 */

const dirs: string[] = [];

afterAll(async () => {
  await killAll();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function world(sizing: unknown): Promise<SimWorld> {
  const w = await simWorld(
    "mimik-trades-restart-",
    ["DEMO1000", "DEMO2001"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing, limits: { maxTradesPerDay: 1 } }],
      },
    ],
  );
  dirs.push(w.dir);
  return w;
}

async function savedTrades(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, "config.state.json"), "utf8").catch(() => "{}");
  const state = JSON.parse(text) as { followers?: Record<string, { tradesToday?: number }> };
  return state.followers?.DEMO2001?.tradesToday;
}

/** kill -9 once the day's count is on disk (it is written within a second, as the README says). */
async function killAfterSave(w: SimWorld, child: Child): Promise<void> {
  await until(async () => (await savedTrades(w.dir)) === 1, "the count on disk");
  child.proc.kill("SIGKILL");
  await child.exited;
}

async function restarted(w: SimWorld): Promise<Child> {
  const child = startMimik(["headless", "--config", w.configPath], w.env);
  // A login and a sync; with other test files' processes on two cores it can be slow.
  await headlessRunning(child, 20_000);
  return child;
}

describe("max trades per day across a restart", () => {
  it("a follower whose trades are used up copies no opening after a kill -9 and a start", async () => {
    const w = await world({ mode: "fixed", contracts: 1 });
    const first = await restarted(w);
    await leaderTradeOn(w.simUrl, "Buy", 1);
    await until(async () => (await positionOn(w.simUrl, "DEMO2001")) === 1, "DEMO2001 long 1");
    await leaderTradeOn(w.simUrl, "Sell", 1);
    await until(async () => (await positionOn(w.simUrl, "DEMO2001")) === 0, "DEMO2001 flat");
    await killAfterSave(w, first);

    const second = await restarted(w);
    await leaderTradeOn(w.simUrl, "Buy", 1);
    await until(
      () => jsonLines(second).some((l) => JSON.stringify(l).includes("max trades per day")),
      "DEMO2001's opening skipped for max trades per day",
    );
    expect(await positionOn(w.simUrl, "DEMO2001")).toBe(0);
    second.proc.kill("SIGTERM");
    await second.exited;
  }, 60_000);

  it("a later fill of a leader order counted before the restart is the same trade: copied", async () => {
    const w = await world({ mode: "multiplier", value: 1 });
    await w.post("/sim/walk", { on: false });
    await w.post("/sim/price", { symbol: "ES", price: 6800 });
    await w.post("/sim/depth", { symbol: "ES", depth: 1 });
    const first = await restarted(w);
    // The leader's buy limit of 2 takes the 1 offered at its price and rests for the other.
    await w.post("/sim/order", {
      account: "DEMO1000",
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6800,
    });
    await until(async () => (await positionOn(w.simUrl, "DEMO1000")) === 1, "the leader's first lot");
    await until(async () => (await positionOn(w.simUrl, "DEMO2001")) === 1, "DEMO2001 long 1");
    await killAfterSave(w, first);

    const second = await restarted(w);
    await w.post("/sim/price", { symbol: "ES", price: 6799.75 });
    await until(async () => (await positionOn(w.simUrl, "DEMO1000")) === 2, "the leader's second lot");
    // Skipped as "max trades per day" it would stay at 1 against the rule's 2.
    await until(async () => (await positionOn(w.simUrl, "DEMO2001")) === 2, "DEMO2001 long 2");
    expect(await positionOn(w.simUrl, "DEMO2001")).toBe(2);
    second.proc.kill("SIGTERM");
    await second.exited;
  }, 60_000);
});
