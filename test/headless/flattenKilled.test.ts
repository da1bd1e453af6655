import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headlessRunning, jsonLines, killAll, runMimik, startMimik, until } from "./children.js";
import { leaderTradeOn, positionOn } from "./simBook.js";
import { type SimWorld, simWorld } from "./simWorld.js";

/**
 * The panic button while mimik is killed in the middle of carrying it out (`kill -9`, the OOM
 * killer): the liquidations are sent, the broker's answers still on their way. `mimik flatten`
 * must not stop at "may have been done": with no mimik left it goes to the broker itself and says
 * what it finds there, and what the dead instance sent is not sold a second time.
 * (test/cli-control/flattenWhileHeld.test.ts has the instance die before anything reached the book.)
 */

const FOLLOWERS = ["DEMO2001", "DEMO2002"];

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
let simUrl: string;
let post: SimWorld["post"];

beforeAll(async () => {
  ({ dir, env, configPath, simUrl, post } = await simWorld(
    "mimik-flatten-killed-",
    ["DEMO1000", ...FOLLOWERS],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: FOLLOWERS.map((account) => ({ account, sizing: { mode: "fixed", contracts: 1 } })),
      },
    ],
  ));
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("mimik flatten --all whose instance is killed before it answers", () => {
  it("flattens directly at the broker: every follower flat on the book, the leader untouched", async () => {
    const instance = startMimik(["headless", "--config", configPath], env);
    await headlessRunning(instance);
    await leaderTradeOn(simUrl, "Buy", 1);
    for (const f of FOLLOWERS) await until(async () => (await positionOn(simUrl, f)) === 1, `${f} long 1`);

    // The broker takes the liquidations but its answers are 3 s on their way when the kill comes.
    await post("/sim/delay", { user: "demo", ms: 3000 });
    const flatten = runMimik(["flatten", "--all", "--yes", "--config", configPath], env);
    await until(
      () =>
        FOLLOWERS.every((f) =>
          jsonLines(instance).some(
            (l) => l.type === "followerState" && l.follower === f && l.state === "LIQUIDATE_ONLY",
          ),
        ),
      "the flatten under way",
    );
    await new Promise((r) => setTimeout(r, 300));
    instance.proc.kill("SIGKILL");
    await instance.exited;
    await post("/sim/delay", { user: "demo", ms: 0 });

    const r = await flatten;
    expect(r.stderr).toContain("went away before answering");
    expect(r.stdout).toContain("no running instance: flattened directly at the broker");
    for (const f of FOLLOWERS) expect(r.stdout).toMatch(new RegExp(`ok {3}${f} {2}flat; locked`));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const f of FOLLOWERS) expect(await positionOn(simUrl, f)).toBe(0);
    expect(await positionOn(simUrl, "DEMO1000")).toBe(1);
  }, 60_000);
});
