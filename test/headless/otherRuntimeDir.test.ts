import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, killAll, runMimik } from "./children.js";
import { positionOn } from "./simBook.js";
import { headlessOn, type SimWorld, simWorld } from "./simWorld.js";

/**
 * mimik runs as a systemd user unit, whose XDG_RUNTIME_DIR is /run/user/<uid>; the trader's
 * command comes from a shell with another one, or none (cron, su, an SSH session without
 * pam_systemd), so it works out another socket path. It must still reach the running instance:
 * not say that none runs, and not have the panic button refused beside it.
 */

let world: SimWorld;
let headless: Child;
let elsewhere: NodeJS.ProcessEnv;

beforeAll(async () => {
  world = await simWorld(
    "mimik-other-rundir-",
    ["DEMO1000", { name: "DEMO2001", label: "half" }],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  );
  headless = await headlessOn(world);
  await world.post("/sim/trade", { account: "DEMO1000", symbol: "ESZ6", action: "Buy", qty: 1 });
  await world.post("/sim/trade", { account: "DEMO2001", symbol: "ESZ6", action: "Buy", qty: 2 });
  elsewhere = { ...world.env, XDG_RUNTIME_DIR: join(world.dir, "another-run") };
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

describe("a command from a shell whose XDG_RUNTIME_DIR is not the instance's", () => {
  it("status answers from the running instance", async () => {
    const r = await runMimik(["status", "--json", "--config", world.configPath], elsewhere);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pid: headless.pid });
  });

  it("flatten goes through the running instance: the follower is flat at the broker and LOCKED", async () => {
    const r = await runMimik(
      ["flatten", "--follower", "half", "--yes", "--config", world.configPath],
      elsewhere,
    );
    expect(r.stdout).toMatch(/ok {3}DEMO2001 {2}flat; locked \(1 sent\)/);
    expect(r.stdout).not.toContain("no running instance");
    expect(r.code).toBe(0);
    expect(await positionOn(world.simUrl, "DEMO2001")).toBe(0);
    expect(await positionOn(world.simUrl, "DEMO1000")).toBe(1);
    const status = await runMimik(["status", "--json", "--config", world.configPath], world.env);
    const followers = (JSON.parse(status.stdout) as { groups: { followers: { state: string }[] }[] })
      .groups[0]?.followers;
    expect(followers?.[0]?.state).toBe("LOCKED");
  });
});
