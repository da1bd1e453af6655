import { afterEach, describe, expect, it } from "vitest";
import { REFUSALS } from "../../engine/outcome.js";
import { eventually, pathAtVenue } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * `r` while the leader's login is away. What a resync sends is the rule's position for the
 * leader's, and the leader's is only as last seen: APEX3001, OUT OF SYNC at +0 against the
 * leader's +2, was bought 2 by `r` after the leader had sold out unseen, and sold 2 again by the
 * leader's re-sync (an opening the leader never held, for as long as its login stayed away). Now
 * `r` is refused until the leader is back. Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ALL = ["DEMO1000", "APEX3001", "APEX3002"];
const everyoneConnected = (r: TwoLogins) => ALL.every((a) => r.engine.directory.connected(a));

describe("r while the leader's login is away (against the simulator)", () => {
  it("is refused, and nothing is sent for a position the leader may no longer hold", async () => {
    // The leader's login comes back 3 s after a drop, the followers' at once.
    t = await startTwoLogins(undefined, (c) =>
      c === "demo" ? { reconnect: { initialMs: 3000, maxMs: 3000 } } : {},
    );
    const r = t;
    await eventually(() => everyoneConnected(r), "connected");
    // The followers miss the leader's opening: OUT OF SYNC, +0 against +2.
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => everyoneConnected(r), "the followers back", 10_000);
    await eventually(
      () => r.events.some((e) => e.type === "syncStatus" && e.follower === "APEX3001" && !e.inSync),
      "APEX3001 out of sync",
    );
    // The leader's login goes away and the leader sells out meanwhile.
    r.sim.control.dropSockets({ user: "demo" });
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => !r.engine.directory.connected("DEMO1000"), "the leader's login away");
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: "APEX3001" });
    expect(outcome).toMatchObject({
      status: "refused",
      reason: expect.stringContaining(REFUSALS.leaderDisconnected),
    });
    await eventually(() => everyoneConnected(r), "the leader back", 10_000);
    await new Promise((done) => setTimeout(done, 500));
    expect(pathAtVenue(r.sim, "DEMO1000")).toEqual([2, 0]);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([]);
    // Back, the leader is flat: the follower is in sync, and `r` says so.
    expect((await r.engine.execute({ cmd: "resync", follower: "APEX3001" }))[0]?.status).toBe("in sync");
  }, 20_000);
});
