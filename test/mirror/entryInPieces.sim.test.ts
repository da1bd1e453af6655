/**
 * An OSO bracket whose entry fills in pieces, on the simulator: each follower's entry fills with
 * the leader's, and its legs must protect what it holds while the rest of the entry still works.
 * Tradovate tells a fill and the position it moved in one frame; the legs were held back a second
 * after every fill of the entry (as if the position were still to come), so an entry filling a
 * piece every 300 ms left the follower holding 3 with no stop at all.
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

/**
 * How soon after its piece fills a follower's stop must be working: under the second that every
 * fill once held the legs back (UNPOSTED_WAIT_MS), and over what a loaded machine takes (a check
 * at 300 ms found none once beside two CPU hogs; 363 ms was seen).
 */
const PROTECTED_WITHIN_MS = 800;

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("mirror: an OSO bracket whose entry fills in pieces", () => {
  it("each follower's stop and target work for what it holds while the rest of its entry still fills", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.setDepth("ES", 1);
    rig.sim.control.setDepth("MES", 1);
    const oso = rig.sim.control.placeOso(
      LEADER,
      { symbol: "ESZ6", action: "Buy", qty: 4, orderType: "Limit", price: 6795 },
      { orderType: "Stop", stopPrice: 6780 },
      { orderType: "Limit", price: 6815 },
    );
    if (!("oso2Id" in oso)) throw new Error("refused");
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "the entries");
    // One piece a price event, 300 ms apart or more: DEMO2003 (×1) holds 1, 2, 3 of its 4.
    const unprotected: string[] = [];
    const stopOf = () => working(rig!, "DEMO2003").find((o) => o.orderType === "Stop");
    for (const price of [6795, 6794.75, 6794.5]) {
      setPrice(rig, price);
      const set = Date.now();
      await quiet(300);
      // A loaded machine may take past 300 ms to place the stop; the old hold took a second.
      const left = PROTECTED_WITHIN_MS - (Date.now() - set);
      if (!stopOf()) await eventually(stopOf, "DEMO2003's stop", Math.max(0, left)).catch(() => undefined);
      const held = pos(rig, "DEMO2003");
      if (held > 0 && stopOf() === undefined) unprotected.push(`DEMO2003 long ${held} at ${price}, no stop`);
    }
    expect(pos(rig, "DEMO2003")).toBe(3);
    expect(working(rig, "DEMO2003").find((o) => o.orderType === "Limit" && o.action === "Buy")).toMatchObject(
      {
        qty: 4,
        filledQty: 3,
      },
    );
    expect(unprotected).toEqual([]);
    setPrice(rig, 6794.25);
    await eventually(() => pos(rig!, "DEMO2003") === 4, "DEMO2003 all in");
    const legs = await eventuallyWorking(
      rig,
      (by) =>
        FOLLOWERS.every(
          (f) => by[f]!.length === 2 && by[f]!.every((o) => o.action === "Sell" && o.qty === pos(rig!, f)),
        ),
      "every follower's OCO sized to what it holds",
    );
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([2, 2, 4]);
    for (const f of FOLLOWERS) expect(legs[f]!.map((o) => o.orderType).sort()).toEqual(["Limit", "Stop"]);
  });
});
