import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll } from "./children.js";
import { FOLLOWERS, fixedOneWorld, flattenUnderWay } from "./flattenUnderWay.js";
import { positionOn } from "./simBook.js";
import type { SimWorld } from "./simWorld.js";

/**
 * The panic button while mimik is killed in the middle of carrying it out (`kill -9`, the OOM
 * killer): the liquidations are sent, the broker's answers still on their way. `mimik flatten`
 * must not stop at "may have been done": with no mimik left it goes to the broker itself and says
 * what it finds there, and what the dead instance sent is not sold a second time.
 * (test/cli-control/flattenWhileHeld.test.ts has the instance die before anything reached the book.)
 */

let world: SimWorld;

beforeAll(async () => {
  world = await fixedOneWorld("mimik-flatten-killed-");
}, 20_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

describe("mimik flatten --all whose instance is killed before it answers", () => {
  it("flattens directly at the broker: every follower flat on the book, the leader untouched", async () => {
    // The broker takes the liquidations but its answers are 3 s on their way when the kill comes.
    const { instance, flatten } = await flattenUnderWay(world);
    instance.proc.kill("SIGKILL");
    await instance.exited;
    await world.post("/sim/delay", { user: "demo", ms: 0 });

    const r = await flatten;
    expect(r.stderr).toContain("went away before answering");
    expect(r.stdout).toContain("no running instance: flattened directly at the broker");
    for (const f of FOLLOWERS) expect(r.stdout).toMatch(new RegExp(`ok {3}${f} {2}flat; locked`));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const f of FOLLOWERS) expect(await positionOn(world.simUrl, f)).toBe(0);
    expect(await positionOn(world.simUrl, "DEMO1000")).toBe(1);
  }, 60_000);
});
