/**
 * The session closes (16:00 CT): the leader's Day stop expires, and so does each follower's Day
 * mirror of it. Nothing is placed again (the leader has no stop now); a GTD stop of the leader's,
 * which works on, is mirrored as Day and so placed again on the follower once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Rig } from "../support/rig.js";
import { automatedOnLeader, LEADER, mirrorRig, pos, quiet, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

const placements = (r: Rig, account: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === account && o.orderType === "Stop");

/** DEMO2003 long 2 with its leader, and the leader's sell stop at 6790 (`terms`) mirrored to it. */
async function longTwoWithStop(terms: { timeInForce: "Day" | "GTD"; expireTime?: string }): Promise<Rig> {
  rig = await mirrorRig({ protect: true });
  const r = rig;
  const { control } = r.sim;
  control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Market" });
  await eventually(() => pos(r, "DEMO2003") === 2, "the entry copied");
  control.placeOrder(LEADER, {
    symbol: "ESZ6",
    action: "Sell",
    qty: 2,
    orderType: "Stop",
    stopPrice: 6790,
    ...terms,
  });
  await eventually(() => working(r, "DEMO2003").length === 1, "the stop mirrored");
  return r;
}

describe("a mirrored Day stop at the session's close", () => {
  it("expires with its leader's and is not placed again", async () => {
    const r = await longTwoWithStop({ timeInForce: "Day" });
    const { control } = r.sim;
    expect(control.endSession().expired).toBeGreaterThanOrEqual(2);
    await eventually(() => working(r, LEADER).length === 0, "the leader's stop expired");
    await quiet(1500);
    expect(working(r, "DEMO2003")).toEqual([]);
    expect(placements(r, "DEMO2003")).toHaveLength(1);
    expect(pos(r, "DEMO2003")).toBe(2);
  });

  it("a GTD stop of the leader's working on: the follower's Day mirror is placed again, once", async () => {
    const r = await longTwoWithStop({
      timeInForce: "GTD",
      expireTime: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    const { control } = r.sim;
    control.endSession();
    await eventually(() => placements(r, "DEMO2003").length === 2, "the mirror placed again");
    await quiet(1500);
    expect(working(r, LEADER)).toHaveLength(1);
    expect(working(r, "DEMO2003")).toHaveLength(1);
    expect(placements(r, "DEMO2003")).toHaveLength(2);
  });
});
