import { afterEach, describe, expect, it } from "vitest";
import { eventually, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * The panic button for a follower whose login is down: the session's cache (flat, as it was when
 * the socket dropped) is not the broker. A position opened meanwhile (by hand at the broker's own
 * platform) must not be answered "flat; locked"; the flatten waits for the login and closes it.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("flatten and lock a follower whose login is down (against the simulator)", () => {
  it("is not called flat from the cache; once the login is back the broker's position is closed", async () => {
    t = await startTwoLogins();
    const { sim, engine } = t;
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
    sim.control.rateLimit(true);
    sim.control.dropSockets({ user: "prop" });
    await eventually(() => !engine.directory.connected("APEX3001"), "APEX3001's login down");
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);

    const [outcome] = await engine.execute({ cmd: "flatten", target: { follower: "APEX3001" } });
    expect(outcome).toMatchObject({
      target: "APEX3001",
      status: "liquidating",
      reason: "waiting for its login",
    });
    expect(engine.risk.snapshot("APEX3001")?.state).toBe("LIQUIDATE_ONLY");

    sim.control.rateLimit(false);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat at the broker", 10_000);
    await eventually(() => engine.risk.snapshot("APEX3001")?.state === "LOCKED", "APEX3001 LOCKED");
    expect(position(sim, "APEX3002", "ESZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
  }, 20_000);
});
