/**
 * Invariant 3 for the mirror's refused placements: one follower's broker refusing an order never
 * holds back another follower's. The refusals were kept by leader order and terms only, so
 * DEMO2003's broker refusing its Sell Stop 2 at 6790 (ES) also blocked DEMO2002's Sell Stop 2 at
 * 6790 (MES, 2 fixed): once DEMO2003's was given up (the 4th refusal, about 21 s), DEMO2002's stop,
 * cancelled by hand, was never placed again and its long 2 stayed without the leader's stop.
 * And a placement given up for a follower is asked again when the leader's order comes back to
 * its terms after other ones: it was given up for good, the follower's stop never placed again.
 * Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { JumpClock } from "../support/jumpClock.js";
import { eventually, type Rig, simConfig, startRig } from "../support/rig.js";
import { closeChecked, FOLLOWERS, LEADER, pos, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("a placement one follower's broker refuses", () => {
  it("given up for that follower, holds back no other follower's order of the same terms, and comes back with them", async () => {
    const clock = new JumpClock();
    rig = await startRig(simConfig({ protect: true }), { clock });
    const r = rig;
    setPrice(r, 6800);
    await eventually(() => [LEADER, ...FOLLOWERS].every((a) => r.engine.directory.connected(a)), "sync");
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => pos(r, "DEMO2003") === 2 && pos(r, "DEMO2002") === 2, "copies");
    r.sim.control.rejectOrders("DEMO2003", "RiskRejected", "test: no stops", "reply", ["Stop"]);
    r.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Stop",
      stopPrice: 6790,
    });
    await eventually(
      () => working(r, "DEMO2002").length === 1 && working(r, "DEMO2001").length === 1,
      "DEMO2001's and DEMO2002's stops",
    );
    // DEMO2003's stop refused four times: given up.
    const refusals = () =>
      r.events.filter(
        (e) =>
          e.type === "mirror" &&
          e.follower === "DEMO2003" &&
          e.action === "place" &&
          e.outcome === "rejected",
      ).length;
    for (let i = 1; i <= 4; i++) {
      await eventually(() => refusals() >= i, `DEMO2003's refusal ${i}`);
      clock.jump(16_000);
    }
    await quiet(300);
    expect(working(r, "DEMO2003")).toEqual([]);

    // DEMO2002's stop is cancelled by hand: the mirror places it again, as its broker takes it.
    const first = working(r, "DEMO2002")[0]!;
    r.sim.control.cancelOrder(first.orderId!);
    const again = await eventually(
      () => working(r, "DEMO2002").find((o) => o.orderId !== first.orderId),
      "DEMO2002's stop placed again",
    );
    expect(again).toMatchObject({
      symbol: "MESZ6",
      action: "Sell",
      orderType: "Stop",
      stopPrice: 6790,
      qty: 2,
    });
    expect(working(r, "DEMO2003")).toEqual([]);

    // The leader's stop to 6795 (DEMO2003's broker refuses that too), then its broker takes stops
    // again and the leader's stop comes back to 6790, the terms given up: DEMO2003's is placed.
    const leaderStop = working(r, LEADER)[0]!;
    r.sim.control.modifyOrder(leaderStop.orderId!, { stopPrice: 6795 });
    await eventually(() => refusals() >= 5, "DEMO2003's stop at 6795 refused");
    r.sim.control.rejectOrders("DEMO2003", null);
    r.sim.control.modifyOrder(leaderStop.orderId!, { stopPrice: 6790 });
    await eventually(() => working(r, "DEMO2002")[0]?.stopPrice === 6790, "DEMO2002's stop back at 6790");
    const placed = await eventually(() => working(r, "DEMO2003")[0], "DEMO2003's stop placed at 6790", 3000);
    expect(placed).toMatchObject({
      symbol: "ESZ6",
      action: "Sell",
      orderType: "Stop",
      stopPrice: 6790,
      qty: 2,
    });
  });
});
