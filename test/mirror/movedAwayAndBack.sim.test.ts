/**
 * A leader's stop moved away and back before the mirror looked (both reports in one pass) looked
 * to the pass as if it had never moved: a modify given up for those terms stayed given up (the
 * follower's stop was never asked to follow again), and a modify refused 11 times kept its count,
 * so the next refusal gave it up. A change of the leader's terms ends what was refused for the old
 * ones, however quickly it changes back. Judged on the simulator's book, with an engine clock the
 * test moves on (minutes of refusals, not minutes of test).
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

/** DEMO2003's modifies the broker refused, in all and to one stop price. */
const refusals = (r: Rig, stopPrice?: number) =>
  r.events.filter(
    (e) =>
      e.type === "mirror" &&
      e.follower === "DEMO2003" &&
      e.action === "modify" &&
      e.outcome === "rejected" &&
      (stopPrice === undefined || e.stopPrice === stopPrice),
  ).length;

const givenUp = (r: Rig) =>
  r.events.filter(
    (e) =>
      e.type === "alert" &&
      e.level === "error" &&
      e.follower === "DEMO2003" &&
      /refused 12 times/.test(e.message),
  ).length;

/** Long 2 with the leader's OCO (stop 6790, target 6820) mirrored; DEMO2003's modifies refused, the leader's stop moved to 6795. */
async function refusedAt6795(clock: JumpClock): Promise<{ r: Rig; ocoId: number }> {
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
  return { r, ocoId: oco.orderId };
}

/** The leader's stop to 6785 and back to 6795 in one go: the mirror's next pass sees 6795 only. */
function awayAndBack(r: Rig, ocoId: number): void {
  r.sim.control.modifyOrder(ocoId, { stopPrice: 6785 });
  r.sim.control.modifyOrder(ocoId, { stopPrice: 6795 });
}

describe("the leader's stop moved away and back before the mirror's pass", () => {
  it("ends a modify given up for those terms: the follower's stop follows once its broker takes modifies", async () => {
    const clock = new JumpClock();
    const { r, ocoId } = await refusedAt6795(clock);
    for (let i = 1; i <= MODIFY_REFUSALS_TO_GIVE_UP; i++) {
      await eventually(() => refusals(r) >= i, `refusal ${i}`);
      clock.jump(61_000);
    }
    expect(givenUp(r)).toBe(1);
    expect(stopOf(r, "DEMO2003")).toBe(6790);

    r.sim.control.rejectModifies("DEMO2003", null);
    awayAndBack(r, ocoId);
    await quiet(400);
    clock.jump(61_000);
    // Before: DEMO2003's stop stayed at 6790 for good, no modify asked.
    await eventually(() => stopOf(r, "DEMO2003") === 6795, "DEMO2003's stop at the leader's 6795", 3000);
    // The pass never saw 6785 (nothing was asked for it): the move came only through the reports.
    expect(refusals(r, 6785)).toBe(0);
    expect(stopOf(r, LEADER)).toBe(6795);
    expect(stopOf(r, "DEMO2001")).toBe(6795);
  });

  it("starts a modify's refusals afresh: refused 11 times, then once after the move, it is not given up", async () => {
    const clock = new JumpClock();
    const { r, ocoId } = await refusedAt6795(clock);
    for (let i = 1; i < MODIFY_REFUSALS_TO_GIVE_UP; i++) {
      await eventually(() => refusals(r) >= i, `refusal ${i}`);
      if (i < MODIFY_REFUSALS_TO_GIVE_UP - 1) clock.jump(61_000);
    }
    await quiet(400);
    expect(refusals(r)).toBe(MODIFY_REFUSALS_TO_GIVE_UP - 1);
    awayAndBack(r, ocoId);
    await quiet(400);
    clock.jump(61_000);
    await eventually(() => refusals(r) >= MODIFY_REFUSALS_TO_GIVE_UP, "one refusal more");
    expect(refusals(r, 6785)).toBe(0);
    // Before: that 12th refusal in all gave the modify up, and the stop stayed at 6790.
    expect(givenUp(r)).toBe(0);
    r.sim.control.rejectModifies("DEMO2003", null);
    clock.jump(61_000);
    await eventually(() => stopOf(r, "DEMO2003") === 6795, "DEMO2003's stop at the leader's 6795", 3000);
    expect(stopOf(r, LEADER)).toBe(6795);
  });
});
