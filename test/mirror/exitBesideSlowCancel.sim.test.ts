/**
 * The leader's exit fills while the follower's mirror of that very order is being cancelled (its
 * shape changed: cancelled and placed anew). A Tradovate cancel's answer only says it was taken
 * (tradovate-protocol.md §3.6): the mirror may still fill on the cancel's way. The copier's exit
 * waits for the mirror to be heard finished and is then sized from what the follower holds: sent
 * beside it, both filled, and the follower was short with its leader flat until a make-up bought
 * it back. Judged on the simulator's book, DEMO2003's cancels made slow (slowCancels).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
import { closeChecked, LEADER, leaderOco, mirrorRig, pos, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

/**
 * Every follower long with an OCO (stop 6790, target 6820); the leader's stop turned into a
 * StopLimit at 6795/6794, so DEMO2003's old set is being cancelled (slowly) when the market takes
 * the leader's new stop at 6794, above DEMO2003's old one.
 */
async function leaderOutWhileCancelling(r: Rig, slowMs: number): Promise<void> {
  r.sim.control.slowCancels("DEMO2003", slowMs);
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(() => pos(r, "DEMO2003") === 2, "DEMO2003 long 2");
  const oco = await leaderOco(r);
  r.sim.control.modifyOrder(oco.orderId, { orderType: "StopLimit", stopPrice: 6795, price: 6794 });
  await eventually(
    () =>
      r.events.some(
        (e) =>
          e.type === "mirror" && e.follower === "DEMO2003" && e.action === "cancel" && e.outcome === "sent",
      ),
    "DEMO2003's old set being cancelled",
  );
  setPrice(r, 6794);
  await eventually(() => pos(r, LEADER) === 0, "the leader stopped out at 6794");
  await eventually(() => pos(r, "DEMO2001") === 0 && pos(r, "DEMO2002") === 0, "the others out");
}

describe("the leader's exit while the follower's mirror of it is being cancelled", () => {
  it("the mirror fills on the cancel's way: the copier sends nothing more, the follower is never short", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderOutWhileCancelling(rig, 1500);
    await quiet(200);
    // DEMO2003's old stop at 6790 is still working: the market reaches it before its cancel lands.
    setPrice(rig, 6789);
    await eventually(() => pos(rig!, "DEMO2003") <= 0, "DEMO2003 out");
    await quiet(2500); // the cancel lands (too late) and mimik hears of it
    expect(pathAtVenue(rig.sim, "DEMO2003")).toEqual([2, 0]);
    expect(working(rig, "DEMO2003")).toEqual([]);
  });

  it("the cancel lands: the exit goes after it, once", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    // What DEMO2003 still had working at the broker as each of its copies was sent.
    const besideCopies: string[][] = [];
    r.engine.on((e: EngineEvent) => {
      if (e.type === "copy" && e.follower === "DEMO2003" && e.outcome === "sent")
        besideCopies.push(working(r, "DEMO2003").map((o) => `${o.action} ${o.orderType} ${o.qty}`));
    });
    await leaderOutWhileCancelling(rig, 800);
    await eventually(() => pos(rig!, "DEMO2003") === 0, "DEMO2003 out once its cancel landed");
    await quiet(500);
    expect(pathAtVenue(rig.sim, "DEMO2003")).toEqual([2, 0]);
    // The entry, then the exit only once the old stop could no longer fill.
    expect(besideCopies).toEqual([[], []]);
    expect(working(rig, "DEMO2003")).toEqual([]);
  });
});
