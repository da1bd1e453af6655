/**
 * The leader's stop fills while a follower's mirror of it is still on its way to the broker: the
 * copier leaves the exit to that mirror. The broker then refuses the mirror (the market went
 * through its price). Exits always follow the leader: the follower must not be left holding.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, type Rig } from "../support/rig.js";
import { automatedOnLeader, LEADER, mirrorRig, pos, quiet, setPrice } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

describe("a mirrored exit refused after its leader order filled", () => {
  it("the follower is closed all the same", async () => {
    rig = await mirrorRig({ protect: true });
    const r = rig;
    const { control } = r.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Market" });
    await eventually(() => pos(r, "DEMO2003") === 2, "the entry copied");
    control.rejectOrders("DEMO2003", "RiskRejected", "test: stop price through the market");
    r.engine.on((e: EngineEvent) => {
      if (e.type !== "mirror" || e.follower !== "DEMO2003") return;
      // The market runs through the stop while its mirror is on its way …
      if (e.action === "place" && e.outcome === "sent") setPrice(r, 6785);
      // … and the broker takes orders again once it has refused that one.
      if (e.action === "place" && e.outcome === "rejected") control.rejectOrders("DEMO2003", null);
    });
    control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Stop",
      stopPrice: 6790,
    });
    await eventually(() => pos(r, LEADER) === 0, "the leader's stop filled");
    await eventually(
      () =>
        r.events.some((e) => e.type === "mirror" && e.follower === "DEMO2003" && e.outcome === "rejected"),
      "the mirror refused",
    );
    await eventually(() => pos(r, "DEMO2003") === 0, "DEMO2003 closed after its mirror was refused");
    await quiet();
    expect(pos(r, "DEMO2001")).toBe(0);
    expect(pos(r, "DEMO2003")).toBe(0); // closed once, never short
  });
});
