import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, jsonLines, killAll, runMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * `mimik resync` from another shell. Headless showed "DEMO2001 ACTIVE day $0.00 flat OUT OF SYNC
 * ESZ6: has 0, expects +2" after an unlock, and the README said "press r": a trader running mimik
 * under tmux or systemd had no r, and no command did it. Judged on the simulator's book.
 */
let world: SimWorld;
let headless: Child;

beforeAll(async () => {
  world = await simWorld(
    "mimik-resync-",
    ["DEMO1000", { name: "DEMO2001", label: "half" }],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  );
  headless = await headlessOn(world, 20_000);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

const mimik = (...args: string[]) => runMimik([...args, "--config", world.configPath], world.env);

describe("mimik resync", () => {
  it("sends an OUT OF SYNC follower the difference, once, and says what it did", async () => {
    expect((await mimik("lock", "--follower", "half")).code).toBe(0);
    await leaderTradeOn(world.simUrl, "Buy", 2);
    await until(
      () => jsonLines(headless).some((l) => l.type === "copy" && l.reason === "locked") || undefined,
      "the locked follower's skip",
    );
    const unlocked = await mimik("unlock", "--follower", "half");
    expect(unlocked.code).toBe(0);
    // Said in the answer: a trader unlocking from another shell need not ask for status to know.
    expect(unlocked.stdout).toBe(
      "ok   DEMO2001  unlocked; OUT OF SYNC: ESZ6 has +0, expects +2 (a resync sends the difference)\n",
    );
    await until(async () => {
      const status = await mimik("status");
      return status.stdout.includes("OUT OF SYNC ESZ6: has 0, expects +2") || undefined;
    }, "OUT OF SYNC in mimik status");
    // What the row is read against: the leader's position, as the broker's book has it.
    expect((await mimik("status")).stdout).toContain(
      "group main (active), leader DEMO1000 ESZ6 +2, 1 follower\n",
    );
    expect(await positionOn(world.simUrl, "DEMO2001")).toBe(0);

    // No terminal to ask on, no --yes: nothing is sent.
    const unasked = await mimik("resync", "--follower", "half");
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain("pass --yes");
    const unknown = await mimik("resync", "--follower", "nobody", "--yes");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no follower named "nobody"');
    expect((await mimik("resync")).code).toBe(2);
    expect(await positionOn(world.simUrl, "DEMO2001")).toBe(0);

    const done = await mimik("resync", "--follower", "half", "--yes");
    expect(done.stdout).toBe("ok   DEMO2001  resynced (1 order sent)\n");
    expect(done.code).toBe(0);
    await until(async () => (await positionOn(world.simUrl, "DEMO2001")) === 2 || undefined, "DEMO2001 +2");
    await until(async () => {
      const status = await mimik("status");
      return !status.stdout.includes("OUT OF SYNC") || undefined;
    }, "OUT OF SYNC gone from mimik status");

    const again = await mimik("resync", "--follower", "DEMO2001", "--yes");
    expect(again.stdout).toBe("ok   DEMO2001  already in sync\n");
    expect(again.code).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await positionOn(world.simUrl, "DEMO2001")).toBe(2);
    expect(
      jsonLines(headless).some((l) =>
        String(l.message).startsWith("mimik resync --follower half (from another shell): DEMO2001: resynced"),
      ),
    ).toBe(true);
  }, 40_000);
});
