/**
 * Tradovate may refuse a cancel in its answer ({failureReason, failureText}) while the order works
 * on. The follower's exit waiting for that cancel ("exit waits for its mirrored order's cancel")
 * stopped waiting 2 s later and sold beside the stop that still worked: the stop's fill, or the
 * mirror's late market for it, then sold the same contracts again (the follower short beside a
 * flat leader). The cancel is now asked again, as one refused in its report is; one owner of the
 * exit all along. Judged on the simulator's book, DEMO2003's cancels refused in their answer
 * (refuseCancels, mode "reply").
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
import { alertsOf2003, stoppedOutBesideRefusals, waitsBesideItsStop } from "./refusedCancels.js";
import {
  closeChecked,
  eventuallyWorking,
  FOLLOWERS,
  LEADER,
  mirrorRig,
  pos,
  quiet,
  setPrice,
  working,
} from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("a mirror's cancel refused in its answer while the order works", () => {
  it("refused again and again: the exit waits beside the stop, never past flat, and the trader is told", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await stoppedOutBesideRefusals(r, 1_000, "reply");
    // Before: 2 s after the refusal the exit sold 2 beside the stop, DEMO2003 going to 0 and then,
    // its stop filled at 6789, to -2 beside a flat leader.
    await quiet(3_000);
    expect(pos(r, "DEMO2003")).toBe(2);
    expect(alertsOf2003(r, "warn").map((a) => a.message)).toContainEqual(
      expect.stringMatching(
        /^the broker refused to cancel DEMO2003's Stop order \d+ .*not now; asking again/,
      ),
    );
    await waitsBesideItsStop(r);
  }, 40_000);

  it("refused twice, then taken: the exit goes then, once", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    await stoppedOutBesideRefusals(r, 2, "reply");
    await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 out", 5_000);
    await eventually(() => working(r, "DEMO2003").length === 0, "DEMO2003's old set gone", 3_000);
    await quiet(2_000);
    expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
  }, 30_000);
});

const stopOf = (r: Rig, f: string) => working(r, f).find((o) => o.orderType === "Stop")?.stopPrice;

describe("a late mirror's cancel refused in its answer", () => {
  it("is asked again, and what the late order left goes to market once it is gone", async () => {
    rig = await mirrorRig({ protect: true, late: { afterSeconds: 60, entries: "market" } });
    const r = rig;
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => FOLLOWERS.every((f) => pos(r, f) === (f === "DEMO2001" ? 1 : 2)), "copies");
    const oco = r.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6780 },
      { orderType: "Limit", price: 6820 },
    );
    if (!("ocoId" in oco)) throw new Error("refused");
    await eventuallyWorking(r, (by) => FOLLOWERS.every((f) => by[f]!.length === 2), "an OCO each");
    await quiet(400); // past the placement's modify spacing
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6785 });
    await eventually(() => FOLLOWERS.every((f) => stopOf(r, f) === 6785), "the first move mirrored");
    // The second move is spaced out; the market takes the leader's stop before it goes. DEMO2003's
    // late stop's cancel is refused in its answer, then taken.
    r.sim.control.refuseCancels("DEMO2003", 1, "not now", "reply");
    r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6790 });
    setPrice(r, 6789);
    await eventually(() => pos(r, LEADER) === 0, "the leader stopped out at 6790");
    // Before: the late market waited on the refused cancel's answer and was dropped with it:
    // DEMO2003 stayed long 2 beside its flat leader once the cancel asked again was taken.
    await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 out at market after its cancel", 6_000);
    await quiet(1_000);
    expect(pathAtVenue(r.sim, "DEMO2003")).toEqual([2, 0]);
    expect(working(r, "DEMO2003")).toEqual([]);
  }, 30_000);
});
