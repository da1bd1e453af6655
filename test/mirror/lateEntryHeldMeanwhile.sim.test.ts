/**
 * A late mirrored entry whose rest goes to market (late.entries: market) waits for its cancel to
 * be done: Tradovate answers a cancel when it takes it, and the order ends a moment later. What
 * the trader does in that moment counts: a follower locked, or flattened, meanwhile takes no
 * opening, as it would take no copy. Judged on the simulator's book, DEMO2002's cancels slow.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Rig } from "../support/rig.js";
import { closeChecked, eventuallyWorking, leaderFilledFollowerNot, mirrorRig, pos, quiet } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

const marketsOf = (r: Rig, account: string) =>
  r.sim.control
    .records()
    .orders.filter((o) => o.accountName === account && o.isAutomated && o.orderType === "Market")
    .map((o) => [o.action, o.qty]);

describe("a late entry's rest, its cancel on the way when the trader acts", () => {
  it("locked by hand meanwhile: the rest is not bought, the follower keeps the half it had", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 0.3, entries: "market" } });
    rig.sim.control.slowCancels("DEMO2002", 1500);
    await leaderFilledFollowerNot(rig);
    await quiet(600); // past the late window: the limit's cancel is taken, not yet carried out
    expect(await rig.engine.lock("DEMO2002", "lunch")).toMatchObject({ status: "locked" });
    await eventuallyWorking(rig, (by) => by.DEMO2002!.length === 0, "DEMO2002's limit cancelled");
    await quiet(500);
    expect(pos(rig, "DEMO2002")).toBe(1);
    expect(marketsOf(rig, "DEMO2002")).toEqual([]);
  });

  it("flattened meanwhile: the flatten's sell is the only market order, and it ends flat and locked", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 0.3, entries: "market" } });
    rig.sim.control.slowCancels("DEMO2002", 1500);
    await leaderFilledFollowerNot(rig);
    await quiet(600);
    await rig.engine.flattenAndLock({ follower: "DEMO2002" });
    await eventually(
      () => rig!.engine.risk.snapshot("DEMO2002")?.state === "LOCKED",
      "DEMO2002 locked",
      10_000,
    );
    await quiet(500);
    expect(pos(rig, "DEMO2002")).toBe(0);
    // The flatten's liquidation alone: no buy of the rest in between, to be sold again.
    expect(marketsOf(rig, "DEMO2002")).toEqual([["Sell", 1]]);
  });
});
