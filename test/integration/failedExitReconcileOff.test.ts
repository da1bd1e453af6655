import { afterEach, describe, expect, it } from "vitest";
import type { ExitPendingEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * A group with `reconcile: "off"` makes up nothing a follower missed, but an exit copied live that
 * failed is still retried until done. A reconnect of the follower's login ended its pending exit
 * ("replaced by the re-sync") and, reconcile being off, nothing replaced it: APEX3001 stayed long 2
 * with its leader flat, its retries silently gone. Now the re-sync settles that line from where the
 * follower stands, as a retry would. Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ALL = ["DEMO1000", "APEX3001", "APEX3002"];
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('a failing exit across a follower reconnect, reconcile "off" (against the simulator)', () => {
  it("the follower ends flat once its broker takes orders again", async () => {
    const config = twoLoginConfig();
    config.groups[0]!.reconcile = "off";
    t = await startTwoLogins(config);
    const r = t;
    await eventually(() => ALL.every((a) => r.engine.directory.connected(a)), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    r.sim.control.rejectOrders("APEX3001", "RiskRejected", "test: account refuses orders");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    const pending = (e: (typeof r.events)[number]): e is ExitPendingEvent =>
      e.type === "exitPending" && e.follower === "APEX3001";
    await eventually(() => r.events.some((e) => pending(e) && e.pending), "APEX3001's exit pending");
    r.sim.control.dropSockets({ user: "prop" });
    await eventually(() => r.events.some((e) => pending(e) && !e.pending), "the re-sync took the exit over");
    await eventually(() => ALL.every((a) => r.engine.directory.connected(a)), "the prop login back");
    r.sim.control.rejectOrders("APEX3001", null);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 12_000);
    await pause(500);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 0]);
    expect(pathAtVenue(r.sim, "APEX3002")).toEqual([1, 0]);
    expect(pathAtVenue(r.sim, "DEMO1000")).toEqual([2, 0]);
  }, 20_000);
});
