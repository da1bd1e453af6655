/**
 * The leader moves its stop twice in quick succession and the market takes it before the second
 * move reached the followers (a burst of moves is spaced: one modify at once, the latest 250 ms
 * later). The followers' stops were still at the first move's price, which the market had not
 * reached: the late rule kept them working for the group's late window as if the same price would
 * come a moment later, and the latest move was never sent, so each follower held its long the
 * whole window after its leader was out. Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Rig } from "../support/rig.js";
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

const stopOf = (r: Rig, f: string) => working(r, f).find((o) => o.orderType === "Stop")?.stopPrice;

describe("protect: the leader's stop moved twice and filled before the second move reached the followers", () => {
  it("each follower goes out at once, not after the late window (60 s here), and is never short", async () => {
    rig = await mirrorRig({ protect: true, late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(
      () => pos(rig!, "DEMO2001") === 1 && pos(rig!, "DEMO2002") === 2 && pos(rig!, "DEMO2003") === 2,
      "copies",
    );
    const oco = rig.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6780 },
      { orderType: "Limit", price: 6820 },
    );
    if (!("ocoId" in oco)) throw new Error("refused");
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 2), "an OCO each");
    await quiet(400); // past the placement's modify spacing
    rig.sim.control.modifyOrder(oco.orderId, { stopPrice: 6785 });
    await eventually(() => FOLLOWERS.every((f) => stopOf(rig!, f) === 6785), "the first move mirrored");
    rig.sim.control.modifyOrder(oco.orderId, { stopPrice: 6790 });
    setPrice(rig, 6789);
    await eventually(() => pos(rig!, LEADER) === 0, "the leader stopped out at 6790");
    expect(FOLLOWERS.map((f) => stopOf(rig!, f))).toEqual([6785, 6785, 6785]);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "every follower out, nothing left working",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
    const markets = rig.sim.control
      .records()
      .orders.filter((o) => o.isAutomated && o.orderType === "Market" && o.action === "Sell")
      .map((o) => [o.accountName, o.action, o.qty]);
    expect(markets.sort()).toEqual([
      ["DEMO2001", "Sell", 1],
      ["DEMO2002", "Sell", 2],
      ["DEMO2003", "Sell", 2],
    ]);
  });
});
