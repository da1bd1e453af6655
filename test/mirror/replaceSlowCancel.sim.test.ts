/**
 * A mirrored set whose shape changed is cancelled and placed anew. A Tradovate cancel's answer only
 * says the cancel was taken (tradovate-protocol.md §3.6): the old order may still fill on its way.
 * What replaces it must wait for the old order to be heard finished, or both fill. Judged on the
 * simulator's book, one follower's cancels made slow (slowCancels).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
import { closeChecked, LEADER, leaderOco, mirrorRig, pos, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("a set replaced while its old orders' cancel is on its way", () => {
  it("the old stop fills on the way: its replacement was not placed beside it, so the follower is flat, never short", async () => {
    rig = await mirrorRig({ protect: true });
    rig.sim.control.slowCancels("DEMO2003", 1500);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => pos(rig!, "DEMO2003") === 2, "DEMO2003 long 2");
    const oco = await leaderOco(rig);
    // Another type is another shape: each follower's set is cancelled and placed anew.
    rig.sim.control.modifyOrder(oco.orderId, { orderType: "StopLimit", stopPrice: 6785, price: 6784 });
    await eventually(
      () =>
        rig!.events.some(
          (e) =>
            e.type === "mirror" && e.follower === "DEMO2003" && e.action === "cancel" && e.outcome === "sent",
        ),
      "DEMO2003's old set cancelled",
    );
    // The market reaches DEMO2003's old stop while its cancel is on its way to the exchange …
    setPrice(rig, 6789);
    await eventually(() => pos(rig!, "DEMO2003") === 0, "DEMO2003's old stop filled");
    await quiet(200);
    // … and then the leader's new one, before that cancel has landed.
    setPrice(rig, 6784);
    await eventually(() => pos(rig!, LEADER) === 0, "the leader stopped out");
    await quiet(2500); // the cancel lands (too late) and mimik hears of it
    expect(pathAtVenue(rig.sim, "DEMO2003")).toEqual([2, 0]);
    expect(working(rig, "DEMO2003")).toEqual([]);
  });
});
