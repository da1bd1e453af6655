/**
 * The copier's exit waits while the mirror cancels the follower's exits on the line (a close
 * beside a stop being cancelled could fill twice), until that cancel is heard ended. Here the
 * cancel's answer is lost (the broker carried it out, or never got it): the wait must still end,
 * by the order's report or the account's snapshot read after the loss, and the follower end flat
 * with its leader, never short. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, follower, pathAtVenue, type Rig } from "../support/rig.js";
import { closeChecked, LEADER, mirrorRig, pos, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

/** DEMO2003 long 2 with its OCO (stop 6790, target 6820) mirroring the leader's. */
async function protectedLong(r: Rig): Promise<number> {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(() => pos(r, "DEMO2003") === 2, "DEMO2003 long 2");
  const oco = r.sim.control.placeOco(
    LEADER,
    { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6790 },
    { orderType: "Limit", price: 6820 },
  );
  if (!("ocoId" in oco)) throw new Error("refused");
  await eventually(() => working(r, "DEMO2003").length === 2, "DEMO2003's OCO");
  return oco.orderId;
}

describe("a mirror's cancel whose answer is lost, with the leader's exit waiting on it", () => {
  for (const carriedOut of [true, false])
    it(`the follower ends flat with its leader (the cancel ${carriedOut ? "carried out" : "never done"})`, async () => {
      rig = await mirrorRig({ protect: true, followers: [follower("DEMO2003")] });
      const r = rig;
      const stop = await protectedLong(r);
      r.sim.control.loseAnswers(1, 500, carriedOut); // DEMO2003's cancel of its old stop
      r.sim.control.modifyOrder(stop, { orderType: "StopLimit", stopPrice: 6795, price: 6794 });
      await eventually(
        () => r.events.some((e) => e.type === "mirror" && e.action === "cancel" && e.outcome === "rejected"),
        "DEMO2003's cancel answer lost",
      );
      setPrice(r, 6794);
      await eventually(() => pos(r, LEADER) === 0, "the leader stopped out at 6794");
      await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 out", 15_000);
      await quiet(1500);
      expect(pos(r, "DEMO2003")).toBe(0);
      expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
      expect(working(r, "DEMO2003")).toEqual([]);
    }, 30_000);
});
