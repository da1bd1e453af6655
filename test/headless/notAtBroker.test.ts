import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, runMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * A follower whose name the broker does not have (DEMO2009, a typo): its login connected, headless
 * logged "accounts not visible to this login", and `mimik status` went on saying "DEMO2009 ACTIVE
 * day ? positions not known yet" as if they were on their way, while every copy to it was
 * skipped as disconnected. Judged on the simulator's book and the status a trader reads.
 */
let world: SimWorld;

beforeAll(async () => {
  world = await simWorld(
    "mimik-not-at-broker-",
    ["DEMO1000", "DEMO2001", "DEMO2009"],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
          { account: "DEMO2009", sizing: { mode: "multiplier", value: 1 } },
        ],
      },
    ],
  );
  await headlessOn(world, 20_000);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

describe("a follower the broker does not have", () => {
  it("is said not at the broker in mimik status, not 'not known yet'", async () => {
    await leaderTradeOn(world.simUrl, "Buy", 1);
    await until(async () => (await positionOn(world.simUrl, "DEMO2001")) === 1 || undefined, "DEMO2001 +1");
    const status = await runMimik(["status", "--config", world.configPath], world.env);
    const row = status.stdout.split("\n").find((l) => l.trimStart().startsWith("DEMO2009"));
    expect(row).toContain(
      "NOT AT THE BROKER: login sim is connected and has no such account; nothing copied (check the account's name in the config)",
    );
    expect(row).not.toContain("not known yet");
    // The follower it does have shows as before.
    expect(status.stdout).toMatch(/DEMO2001 +ACTIVE +day \S+ +ESZ6 \+1\n/);
  }, 30_000);
});
