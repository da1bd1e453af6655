/**
 * A Tradovate cancel's answer ({commandId}) says only that the cancel was taken: the order may
 * still fill before the cancel reaches the exchange, which then refuses it as too late
 * (tradovate-protocol.md §3.6, §5.2). A late mirror's rest goes to market once its cancel is done,
 * so "done" must be the order heard finished, not the answer. Judged on the simulator's book, its
 * cancels made slow for one follower (slowCancels).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, type Rig } from "../support/rig.js";
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

/** Every follower long with an OCO at 6780/6820, its stop moved to 6785; the leader's next at 6790. */
async function stopsBehind(r: Rig): Promise<void> {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(
    () => pos(r, "DEMO2001") === 1 && pos(r, "DEMO2002") === 2 && pos(r, "DEMO2003") === 2,
    "copies",
  );
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
  // The second move is spaced out; the market takes the leader's stop before it goes.
  r.sim.control.modifyOrder(oco.orderId, { stopPrice: 6790 });
  setPrice(r, 6789);
  await eventually(() => pos(r, LEADER) === 0, "the leader stopped out at 6790");
}

describe("a late mirror's cancel answered, the order filling before the cancel lands", () => {
  it("the follower's stop fills on the way: no market order after it, never short", async () => {
    rig = await mirrorRig({ protect: true, late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.slowCancels("DEMO2003", 1500);
    await stopsBehind(rig);
    await eventually(() => pos(rig!, "DEMO2001") === 0 && pos(rig!, "DEMO2002") === 0, "the others out");
    // DEMO2003's cancel is on its way to the exchange when the market reaches its stop.
    setPrice(rig, 6784);
    await eventually(() => pos(rig!, "DEMO2003") <= 0, "DEMO2003's stop filled");
    await quiet(2000); // the cancel lands (too late) and mimik hears of it
    expect(pathAtVenue(rig.sim, "DEMO2003")).toEqual([2, 0]);
    expect(working(rig, "DEMO2003")).toEqual([]);
  });

  it("a slow cancel that lands: the rest goes to market after it, once", async () => {
    rig = await mirrorRig({ protect: true, late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.slowCancels("DEMO2003", 800);
    await stopsBehind(rig);
    await eventually(() => pos(rig!, "DEMO2003") === 0, "DEMO2003 out at market after its cancel");
    await quiet();
    expect(pathAtVenue(rig.sim, "DEMO2003")).toEqual([2, 0]);
    const markets = rig.sim.control
      .records()
      .orders.filter((o) => o.accountName === "DEMO2003" && o.isAutomated && o.orderType === "Market");
    expect(markets.map((o) => [o.action, o.qty])).toEqual([
      ["Buy", 2],
      ["Sell", 2],
    ]);
  });
});
