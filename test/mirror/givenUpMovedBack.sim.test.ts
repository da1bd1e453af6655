/**
 * A follower's modify refused for about ten minutes is given up "until the leader moves its order
 * again". The leader moving its stop back to where the follower's stop stayed is such a move, but
 * it asks the follower for nothing (its stop is already there), so the give-up was kept: the
 * leader's next move to the refused price was never sent, even with the broker taking modifies
 * again, and the follower's stop stayed 5 points from the leader's. Judged on the simulator's
 * book, with an engine clock the test moves on (ten minutes of refusals, not ten minutes of test).
 */
import { afterEach, describe, expect, it } from "vitest";
import { MODIFY_REFUSALS_TO_GIVE_UP } from "../../engine/mirror/modifySpacing.js";
import { JumpClock } from "../support/jumpClock.js";
import { eventually, type Rig, simConfig, startRig } from "../support/rig.js";
import { closeChecked, FOLLOWERS, LEADER, leaderOco, pos, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

const stopOf = (r: Rig, account: string) =>
  working(r, account).find((o) => o.orderType === "Stop")?.stopPrice;

describe("a modify given up, then the leader moves back and away again", () => {
  it("the leader's move back to the follower's stop ends the give-up: the next move is sent", async () => {
    const clock = new JumpClock();
    rig = await startRig(simConfig({ protect: true }), { clock });
    const r = rig;
    setPrice(r, 6800);
    await eventually(() => [LEADER, ...FOLLOWERS].every((a) => r.engine.directory.connected(a)), "sync");
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => pos(r, "DEMO2003") === 2 && pos(r, "DEMO2001") === 1, "copies");
    const oco = await leaderOco(r);
    await quiet(400); // past the placement's modify spacing

    r.sim.control.rejectModifies("DEMO2003", "InvalidPrice", "test: not now");
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6795 });
    const refusals = () =>
      r.events.filter(
        (e) =>
          e.type === "mirror" &&
          e.follower === "DEMO2003" &&
          e.action === "modify" &&
          e.outcome === "rejected",
      ).length;
    for (let i = 1; i <= MODIFY_REFUSALS_TO_GIVE_UP; i++) {
      await eventually(() => refusals() >= i, `refusal ${i}`);
      clock.jump(61_000);
    }
    const givenUp = r.events.filter(
      (e) =>
        e.type === "alert" &&
        e.level === "error" &&
        e.follower === "DEMO2003" &&
        /refused 12 times/.test(e.message),
    );
    expect(givenUp).toHaveLength(1);
    expect(stopOf(r, "DEMO2003")).toBe(6790);

    // The leader moves its stop back to 6790, where DEMO2003's stayed; its broker takes modifies
    // again; the leader moves the stop to 6795 once more.
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6790 });
    await eventually(() => stopOf(r, "DEMO2001") === 6790, "DEMO2001's stop back at 6790");
    r.sim.control.rejectModifies("DEMO2003", null);
    await quiet(400);
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6795 });
    await eventually(() => stopOf(r, "DEMO2001") === 6795, "DEMO2001's stop at 6795");
    // Before: DEMO2003's stop stayed at 6790, no modify asked.
    await eventually(() => stopOf(r, "DEMO2003") === 6795, "DEMO2003's stop at the leader's 6795", 3000);
    expect(stopOf(r, LEADER)).toBe(6795);
  });
});
