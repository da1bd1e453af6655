import { afterEach, describe, expect, it } from "vitest";
import type { SyncStatusEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * Both logins away (the simulator stopped and started again, a network drop): the leader's comes
 * back first, flat, and APEX3001's last-seen +2 is announced OUT OF SYNC against 0. Its own login
 * comes back flat (closed by hand in Tradovate meanwhile): the line is 0 against 0 now, and was
 * left out of the re-check, so `mimik status` kept saying "flat  OUT OF SYNC ESZ6: has +2,
 * expects 0" for as long as mimik ran. Judged on the simulator's book and the last word said.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ALL = ["DEMO1000", "APEX3001", "APEX3002"];
const everyoneConnected = (r: TwoLogins) => ALL.every((a) => r.engine.directory.connected(a));
const lastWord = (r: TwoLogins, follower: string): SyncStatusEvent | undefined =>
  r.events.filter((e): e is SyncStatusEvent => e.type === "syncStatus" && e.follower === follower).at(-1);

describe("an OUT OF SYNC line that the follower's own re-sync finds flat at 0", () => {
  it("is said in sync once the follower's login is back flat", async () => {
    // The followers' login comes back 2 s after a drop, the leader's at once.
    t = await startTwoLogins(undefined, (c) =>
      c === "prop" ? { reconnect: { initialMs: 2000, maxMs: 2000 } } : {},
    );
    const r = t;
    await eventually(() => everyoneConnected(r), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 copied +2");
    await eventually(() => position(r.sim, "APEX3002", "ESZ6") === 1, "APEX3002 copied +1");

    // The followers' login goes away; the trader closes both by hand at the broker.
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.manualTrade("APEX3001", "ESZ6", "Sell", 2);
    r.sim.control.manualTrade("APEX3002", "ESZ6", "Sell", 1);
    await eventually(() => !r.engine.directory.connected("APEX3001"), "the followers' login away");
    // The leader's login drops too and the leader sells out unseen; it is back first.
    r.sim.control.dropSockets({ user: "demo" });
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => lastWord(r, "APEX3001")?.inSync === false && lastWord(r, "APEX3001"),
      "APEX3001 said OUT OF SYNC at its last-seen +2",
    );
    expect(lastWord(r, "APEX3001")).toMatchObject({ contract: "ESZ6", has: 2, expects: 0 });

    await eventually(() => everyoneConnected(r), "the followers back", 10_000);
    await eventually(() => lastWord(r, "APEX3001")?.inSync, "APEX3001 said in sync", 3000);
    expect(lastWord(r, "APEX3001")).toMatchObject({ contract: "ESZ6", has: 0, expects: 0 });
    expect(lastWord(r, "APEX3002")?.inSync ?? true).toBe(true);
    // Nothing was sent for it: the broker's book is the trader's hand close, nothing more.
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 0]);
    expect(pathAtVenue(r.sim, "APEX3002")).toEqual([1, 0]);
  }, 20_000);
});
