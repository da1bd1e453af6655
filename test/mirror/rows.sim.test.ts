/**
 * Issue 14, copy "orders" (mirror), row by row against the simulator, judged on the broker's
 * records: working orders and positions of every follower, and nothing ever on the leader.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { WorkingOrdersEvent } from "../../engine/types.js";
import { eventually, type Rig } from "../support/rig.js";
import {
  closeChecked,
  eventuallyWorking,
  FOLLOWERS,
  LEADER,
  leaderFilledFollowerNot,
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

const mirrored = (leaderId: number) => (o: { clOrdId?: string | undefined }) =>
  o.clOrdId?.startsWith(`mm-${leaderId}-`) === true;

describe("mirror: a limit entry", () => {
  it("is placed on each follower with the same price and its sized quantity, moved with the leader's, cancelled with it", async () => {
    rig = await mirrorRig({ copy: "orders" });
    const { control } = rig.sim;
    const placed = control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
      timeInForce: "GTC",
    });
    if (!("orderId" in placed)) throw new Error("refused");
    const first = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 1),
      "three mirrors",
    );
    expect(first.DEMO2001![0]).toMatchObject({
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6790,
      symbol: "ESZ6",
      timeInForce: "GTC",
      isAutomated: true,
    });
    expect(first.DEMO2002![0]).toMatchObject({
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
      symbol: "MESZ6",
    });
    expect(first.DEMO2003![0]).toMatchObject({
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
      symbol: "ESZ6",
    });
    for (const f of FOLLOWERS) expect(first[f]!.every(mirrored(placed.orderId))).toBe(true);

    control.modifyOrder(placed.orderId, { price: 6792.5 });
    const moved = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]![0]?.price === 6792.5),
      "the mirrors moved",
    );
    // Moved, not replaced: the same orders.
    for (const f of FOLLOWERS) expect(moved[f]![0]!.orderId).toBe(first[f]![0]!.orderId);

    control.cancelOrder(placed.orderId);
    await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 0),
      "the mirrors cancelled",
    );
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
  });

  it("fills on each follower by itself: the leader's fill is not copied on top", async () => {
    rig = await mirrorRig({ copy: "orders" });
    const placed = rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
    });
    if (!("orderId" in placed)) throw new Error("refused");
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "three mirrors");
    setPrice(rig, 6790);
    await eventually(
      () => pos(rig!, "DEMO2003") === 2 && pos(rig!, "DEMO2002") === 2 && pos(rig!, "DEMO2001") === 1,
      "followers filled",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([1, 2, 2]);
    const markets = rig.sim.control.records().orders.filter((o) => o.isAutomated && o.orderType === "Market");
    expect(markets).toEqual([]);
    const skipped = rig.events.filter((e) => e.type === "copy" && e.outcome === "skipped");
    expect(skipped.map((e) => e.type === "copy" && e.reason)).toEqual(
      FOLLOWERS.map(() => "its own mirrored order answers it"),
    );
  });
});

/** The leader's OSO: Buy 2 at 6795, stop 6780, target 6815. */
async function bracketFilled(r: Rig) {
  const oso = r.sim.control.placeOso(
    LEADER,
    { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
    { orderType: "Stop", stopPrice: 6780 },
    { orderType: "Limit", price: 6815 },
  );
  if (!("oso2Id" in oso) || oso.oso2Id === undefined) throw new Error("refused");
  // Only the entry is mirrored while the legs wait for it.
  const entries = await eventuallyWorking(r, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "entries");
  for (const f of FOLLOWERS)
    expect(entries[f]![0]).toMatchObject({ action: "Buy", orderType: "Limit", price: 6795 });
  setPrice(r, 6795);
  const legs = await eventuallyWorking(
    r,
    (by) => FOLLOWERS.every((f) => by[f]!.length === 2),
    "each follower's OCO",
  );
  expect(FOLLOWERS.map((f) => pos(r, f))).toEqual([1, 2, 2]);
  for (const f of FOLLOWERS) {
    const stop = legs[f]!.find((o) => o.orderType === "Stop")!;
    const target = legs[f]!.find((o) => o.orderType === "Limit")!;
    expect(stop).toMatchObject({ action: "Sell", stopPrice: 6780, qty: pos(r, f), linkedId: target.orderId });
    expect(target).toMatchObject({ action: "Sell", price: 6815, qty: pos(r, f), linkedId: stop.orderId });
    expect(mirrored(oso.oso1Id)(stop) && mirrored(oso.oso2Id)(target)).toBe(true);
  }
  return { oso, legs };
}

describe("mirror: an OSO bracket", () => {
  it("whose target fills: every follower out at the target, nothing left working, no double exit", async () => {
    rig = await mirrorRig({ copy: "orders" });
    await bracketFilled(rig);
    setPrice(rig, 6815);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "all out",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
    expect(working(rig, LEADER)).toEqual([]);
    expect(rig.sim.control.records().orders.filter((o) => o.isAutomated && o.orderType === "Market")).toEqual(
      [],
    );
  });

  it("whose stop fills: every follower stopped out at the stop", async () => {
    rig = await mirrorRig({ copy: "orders" });
    await bracketFilled(rig);
    setPrice(rig, 6779);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "all out",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
  });

  it("whose stop is moved to break-even: the followers' stops move (modified, not replaced)", async () => {
    rig = await mirrorRig({ copy: "orders" });
    const { oso, legs } = await bracketFilled(rig);
    setPrice(rig, 6805);
    rig.sim.control.modifyOrder(oso.oso1Id, { stopPrice: 6795 });
    const moved = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.some((o) => o.orderType === "Stop" && o.stopPrice === 6795)),
      "stops at break-even",
    );
    for (const f of FOLLOWERS) {
      const before = legs[f]!.find((o) => o.orderType === "Stop")!;
      expect(moved[f]!.find((o) => o.orderType === "Stop")!.orderId).toBe(before.orderId);
    }
    setPrice(rig, 6794);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "out at break-even",
    );
  });
});

describe("mirror: a flip while the legs work", () => {
  it("cancels the followers' legs before the flip is copied: no leg survives to add to the new side", async () => {
    rig = await mirrorRig({ copy: "orders" });
    await bracketFilled(rig);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 4);
    await eventually(
      () => pos(rig!, "DEMO2001") === -1 && pos(rig!, "DEMO2002") === -2 && pos(rig!, "DEMO2003") === -2,
      "followers flipped",
    );
    await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 0),
      "no follower order left",
    );
    await quiet();
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
    // The leader's own legs still work (they are the trader's business); nothing mirrors them now.
    expect(working(rig, LEADER).length).toBe(2);
    const skips = rig.events
      .filter((e) => e.type === "mirror" && e.action === "skip")
      .map((e) => e.type === "mirror" && e.reason);
    expect(skips).toContain(
      "an exit of the leader's with no position to close: never mirrored as an opening",
    );
  });
});

describe("mirror: the leader's entry filled and a follower's did not (yet)", () => {
  it("when the leader is flattened meanwhile, the follower's limit is cancelled before its close", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 60, entries: "market" } });
    await leaderFilledFollowerNot(rig);
    expect(working(rig, "DEMO2002")).toMatchObject([{ qty: 2, filledQty: 1 }]);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 1);
    await eventually(() => FOLLOWERS.every((f) => pos(rig!, f) === 0), "followers closed");
    await eventuallyWorking(rig, (by) => by.DEMO2002!.length === 0, "DEMO2002's limit cancelled");
    setPrice(rig, 6790);
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
  });

  it("past the group's time the rest goes to market (late.entries: market)", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 0.3, entries: "market" } });
    await leaderFilledFollowerNot(rig);
    await eventually(
      () => pos(rig!, "DEMO2002") === 2 && working(rig!, "DEMO2002").length === 0,
      "the rest at market",
    );
    const markets = rig.sim.control.records().orders.filter((o) => o.isAutomated && o.orderType === "Market");
    expect(markets).toMatchObject([{ accountName: "DEMO2002", action: "Buy", qty: 1 }]);
  });

  it("past the group's time the rest is cancelled (late.entries: cancel)", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 0.3, entries: "cancel" } });
    await leaderFilledFollowerNot(rig);
    await eventuallyWorking(rig, (by) => by.DEMO2002!.length === 0, "cancelled");
    await quiet();
    expect(pos(rig, "DEMO2002")).toBe(1);
  });
});

describe("mirror: partial fills of a mirrored limit", () => {
  it("each follower's limit fills in its own pieces; no copy is added, nothing is overfilled", async () => {
    rig = await mirrorRig({ copy: "orders", late: { afterSeconds: 60, entries: "market" } });
    rig.sim.control.setDepth("ES", 1);
    rig.sim.control.setDepth("MES", 1);
    const placed = rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
    });
    if (!("orderId" in placed)) throw new Error("refused");
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "three mirrors");
    setPrice(rig, 6790);
    await eventually(
      () => pos(rig!, LEADER) === 1 && pos(rig!, "DEMO2003") === 1 && pos(rig!, "DEMO2002") === 1,
      "one each",
    );
    await quiet();
    expect(working(rig, "DEMO2003")).toMatchObject([{ qty: 2, filledQty: 1 }]);
    expect(working(rig, "DEMO2001")).toEqual([]);
    expect(pos(rig, "DEMO2001")).toBe(1);
    setPrice(rig, 6789.75); // the next price event: resting limits fill another piece
    await eventually(
      () => pos(rig!, LEADER) === 2 && pos(rig!, "DEMO2003") === 2 && pos(rig!, "DEMO2002") === 2,
      "all in",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([1, 2, 2]);
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
    expect(rig.sim.control.records().orders.filter((o) => o.isAutomated && o.orderType === "Market")).toEqual(
      [],
    );
  });
});

describe("mirror: the copy gates hold back mirrored openings, with the reason", () => {
  const notMirrored = (r: Rig, account: string) =>
    r.events
      .filter((e): e is WorkingOrdersEvent => e.type === "workingOrders" && e.account === account)
      .at(-1)
      ?.notMirrored.map((n) => n.reason);

  it("the whitelist", async () => {
    rig = await mirrorRig({ copy: "orders", whitelist: { enabled: true, symbols: ["NQ"] } });
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
    });
    await eventually(
      () => notMirrored(rig!, "DEMO2003")?.includes("not whitelisted"),
      "the reason on screen",
    );
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
  });

  it("a follower switched off: its mirrored entry is cancelled, the others keep theirs", async () => {
    rig = await mirrorRig({ copy: "orders" });
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
    });
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "three mirrors");
    const config = rig.engine.currentConfig();
    const group = config.groups[0]!;
    rig.engine.setConfig({
      ...config,
      groups: [
        {
          ...group,
          followers: group.followers.map((f) => (f.account === "DEMO2001" ? { ...f, enabled: false } : f)),
        },
      ],
    });
    await eventuallyWorking(
      rig,
      (by) => by.DEMO2001!.length === 0 && by.DEMO2003!.length === 1,
      "DEMO2001's cancelled",
    );
    await eventually(
      () => notMirrored(rig!, "DEMO2001")?.includes("follower disabled"),
      "the reason on screen",
    );
  });

  it("max contracts caps a mirrored entry; liquidation-only at the broker holds it back", async () => {
    rig = await mirrorRig({ copy: "orders" });
    const config = rig.engine.currentConfig();
    const group = config.groups[0]!;
    rig.engine.setConfig({
      ...config,
      groups: [
        {
          ...group,
          followers: group.followers.map((f) => (f.account === "DEMO2003" ? { ...f, maxContracts: 1 } : f)),
        },
      ],
    });
    rig.sim.control.setLiquidationOnly("DEMO2001", true);
    await eventually(
      () => rig!.engine.risk.gate("DEMO2001").brokerLocked === true,
      "DEMO2001 liquidation-only",
    );
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 3,
      orderType: "Limit",
      price: 6790,
    });
    const by = await eventuallyWorking(
      rig,
      (b) => b.DEMO2003!.length === 1 && b.DEMO2002!.length === 1,
      "mirrors",
    );
    expect(by.DEMO2003![0]).toMatchObject({ qty: 1 });
    await eventually(() => notMirrored(rig!, "DEMO2001")?.includes("broker lock"), "the reason on screen");
    expect(working(rig, "DEMO2001")).toEqual([]);
  });
});
