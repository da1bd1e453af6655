/**
 * Issue 14, copy "fills" with protect: true, against the simulator: each follower gets its own
 * native OCO at the leader's exit prices, sized to the FOLLOWER's position, moved and cancelled
 * with the leader's, following the follower's position; a locked follower's legs go with its
 * flatten. Judged on the broker's records.
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

async function leaderLong2(r: Rig) {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(
    () => pos(r, "DEMO2001") === 1 && pos(r, "DEMO2002") === 2 && pos(r, "DEMO2003") === 2,
    "copies",
  );
}

/** Each follower has exactly one OCO (two linked legs) sized to its position. */
function ocoSizedToPosition(
  by: Record<
    string,
    { orderType: string; qty: number; linkedId?: number | undefined; orderId: number | null }[]
  >,
  r: Rig,
) {
  return FOLLOWERS.every((f) => {
    const legs = by[f]!;
    if (legs.length !== 2) return false;
    const [a, b] = legs;
    return (
      a!.linkedId === b!.orderId &&
      b!.linkedId === a!.orderId &&
      legs.every((o) => o.qty === Math.abs(pos(r, f)))
    );
  });
}

describe("protect: a plain stop and a plain limit placed by hand", () => {
  it("within a second of each other become one OCO per follower, sized to the follower", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    const stop = rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Stop",
      stopPrice: 6790,
    });
    await new Promise((r) => setTimeout(r, 300));
    const target = rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Limit",
      price: 6820,
    });
    if (!("orderId" in stop) || !("orderId" in target)) throw new Error("refused");
    const by = await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "one OCO each");
    expect(by.DEMO2001!.map((o) => o.qty)).toEqual([1, 1]);
    expect(by.DEMO2002!.every((o) => o.symbol === "MESZ6")).toBe(true);
    for (const f of FOLLOWERS) {
      expect(by[f]!.find((o) => o.orderType === "Stop")).toMatchObject({ action: "Sell", stopPrice: 6790 });
      expect(by[f]!.find((o) => o.orderType === "Limit")).toMatchObject({ action: "Sell", price: 6820 });
    }
    // Never a lone stop first: each follower got exactly one placement of two legs.
    const placed = rig.sim.control.records().orders.filter((o) => o.isAutomated && o.orderType !== "Market");
    expect(placed).toHaveLength(6);
  });

  it("a lone stop is placed alone once its second has passed", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Stop",
      stopPrice: 6790,
    });
    await quiet(400);
    expect(FOLLOWERS.flatMap((f) => working(rig!, f))).toEqual([]);
    const by = await eventuallyWorking(rig, (b) => FOLLOWERS.every((f) => b[f]!.length === 1), "a stop each");
    for (const f of FOLLOWERS)
      expect(by[f]![0]).toMatchObject({ orderType: "Stop", stopPrice: 6790, qty: Math.abs(pos(rig, f)) });
  });
});

describe("protect: a stop for the whole position and a target for half of it (scaling out)", () => {
  it("are no OCO: the target filling takes the followers to half, their stops working for what is left", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "Stop",
      stopPrice: 6790,
    });
    rig.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 1,
      orderType: "Limit",
      price: 6810,
    });
    // Each follower's whole position is its stop's: a target beside it would close more than it holds.
    await eventuallyWorking(
      rig,
      (b) =>
        FOLLOWERS.every(
          (f) => b[f]!.length === 1 && b[f]![0]!.orderType === "Stop" && b[f]![0]!.qty === pos(rig!, f),
        ),
      "a stop each for its whole position",
    );
    await quiet(1200); // past the pairing second: still no target beside it
    expect(FOLLOWERS.map((f) => working(rig!, f).map((o) => o.orderType))).toEqual([
      ["Stop"],
      ["Stop"],
      ["Stop"],
    ]);
    setPrice(rig, 6810);
    await eventually(() => pos(rig!, LEADER) === 1, "the leader's target filled: half out");
    // ×0.5 keeps 1 of 1 (round(0.5) is 1), fixed 2 keeps 1, ×1 keeps 1: none is flat.
    await eventuallyWorking(
      rig,
      (b) =>
        FOLLOWERS.every(
          (f) =>
            pos(rig!, f) === 1 &&
            b[f]!.length === 1 &&
            b[f]![0]!.orderType === "Stop" &&
            b[f]![0]!.stopPrice === 6790 &&
            b[f]![0]!.qty === 1,
        ),
      "every follower long 1 with its stop of 1",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([1, 1, 1]);
  });
});

describe("protect: good-till-cancelled exits", () => {
  it("give each follower an OCO whose legs are both GTC as placed: no Day leg, no modify to fix it", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    for (const exit of [
      { orderType: "Stop" as const, stopPrice: 6790 },
      { orderType: "Limit" as const, price: 6820 },
    ])
      rig.sim.control.placeOrder(LEADER, {
        symbol: "ESZ6",
        action: "Sell",
        qty: 2,
        timeInForce: "GTC",
        ...exit,
      });
    const by = await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "one OCO each");
    await quiet(400);
    // A leg placed as Day dies with the session: the follower's stop would be gone overnight.
    const modifies = rig.events.filter((e) => e.type === "mirror" && e.action === "modify");
    expect(modifies).toEqual([]);
    for (const f of FOLLOWERS) expect(by[f]!.map((o) => o.timeInForce)).toEqual(["GTC", "GTC"]);
  });
});

describe("protect: the leader's OCO", () => {
  async function protectedPosition(r: Rig) {
    await leaderLong2(r);
    const oco = r.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6790 },
      { orderType: "Limit", price: 6820 },
    );
    if (!("ocoId" in oco)) throw new Error("refused");
    const before = await eventuallyWorking(r, (b) => ocoSizedToPosition(b, r), "one OCO each");
    return { oco, before };
  }

  it("moves with the leader's: its stop moved, the followers' stops move (same orders)", async () => {
    rig = await mirrorRig({ protect: true });
    const { oco, before } = await protectedPosition(rig);
    rig.sim.control.modifyOrder(oco.orderId, { stopPrice: 6795 });
    const after = await eventuallyWorking(
      rig,
      (b) => FOLLOWERS.every((f) => b[f]!.some((o) => o.orderType === "Stop" && o.stopPrice === 6795)),
      "stops moved",
    );
    for (const f of FOLLOWERS)
      expect(after[f]!.map((o) => o.orderId).sort()).toEqual(before[f]!.map((o) => o.orderId).sort());
  });

  it("follows the follower's position: the leader adds and moves its legs to the new size", async () => {
    rig = await mirrorRig({ protect: true });
    const { oco } = await protectedPosition(rig);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    rig.sim.control.modifyOrder(oco.orderId, { qty: 4 });
    rig.sim.control.modifyOrder(oco.ocoId, { qty: 4 });
    await eventually(
      () => pos(rig!, "DEMO2003") === 4 && pos(rig!, "DEMO2001") === 2 && pos(rig!, "DEMO2002") === 4,
      "adds copied",
    );
    await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "legs sized to the new positions");
    expect(working(rig, "DEMO2001").map((o) => o.qty)).toEqual([2, 2]);
  });

  it("follows the follower's position: the leader scales out at market, the followers' legs shrink with them", async () => {
    rig = await mirrorRig({ protect: true });
    await protectedPosition(rig);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 1);
    await eventually(() => pos(rig!, "DEMO2003") === 1 && pos(rig!, "DEMO2002") === 1, "reductions copied");
    await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "legs sized to the new positions");
    expect(FOLLOWERS.map((f) => working(rig!, f)[0]!.qty)).toEqual([1, 1, 1]);
  });

  it("a follower whose broker refuses to shrink its legs (its position cut by hand) has them cancelled and placed anew at size", async () => {
    rig = await mirrorRig({ protect: true });
    const { before } = await protectedPosition(rig);
    rig.sim.control.rejectModifies("DEMO2003", "UnknownReason", "modify refused for the test");
    // The trader takes 1 off by hand at the follower: no copy of mimik's cancels its legs first.
    rig.sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
    await eventually(() => pos(rig!, "DEMO2003") === 1, "the follower's own sale");
    await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "legs sized to the new positions");
    const now = working(rig, "DEMO2003");
    expect(now.map((o) => o.qty)).toEqual([1, 1]);
    const old = before.DEMO2003!.map((o) => o.orderId);
    expect(now.some((o) => old.includes(o.orderId))).toBe(false);
    const refused = rig.events.filter(
      (e) =>
        e.type === "mirror" && e.follower === "DEMO2003" && e.action === "modify" && e.outcome === "rejected",
    );
    expect(refused.length).toBeGreaterThan(0);
  });

  it("is cancelled with the leader's: the leader cancels, the followers' go", async () => {
    rig = await mirrorRig({ protect: true });
    const { oco } = await protectedPosition(rig);
    rig.sim.control.cancelOrder(oco.orderId);
    await eventuallyWorking(rig, (b) => FOLLOWERS.every((f) => b[f]!.length === 0), "cancelled");
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([1, 2, 2]);
  });

  it("when the stop is hit, each follower is stopped out by its own stop, once", async () => {
    rig = await mirrorRig({ protect: true });
    await protectedPosition(rig);
    setPrice(rig, 6789);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "out",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
    const exits = rig.sim.control
      .records()
      .orders.filter((o) => o.isAutomated && o.orderType === "Market" && o.action === "Sell");
    expect(exits).toEqual([]);
  });

  it("the leader flattens at market: the followers' legs are cancelled before their close", async () => {
    rig = await mirrorRig({ protect: true });
    await protectedPosition(rig);
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Sell", 2);
    await eventually(
      () => FOLLOWERS.every((f) => pos(rig!, f) === 0 && working(rig!, f).length === 0),
      "flat, nothing working",
    );
    await quiet();
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([0, 0, 0]);
    // Every leg was cancelled, none filled: the closes were the copier's market orders.
    const legs = rig.sim.control.records().orders.filter((o) => o.clOrdId?.startsWith("mm-"));
    expect(legs).toHaveLength(6);
    expect(legs.every((o) => o.status === "Canceled" && o.filledQty === 0)).toBe(true);
  });
});

describe("protect: a follower locked while its legs work", () => {
  it("flatten and lock: its legs are cancelled, it goes flat, and the leader's later moves pass it by", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    const oco = rig.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6790 },
      { orderType: "Limit", price: 6820 },
    );
    if (!("ocoId" in oco)) throw new Error("refused");
    await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "one OCO each");
    const outcomes = await rig.engine.flattenAndLock({ follower: "DEMO2003" });
    expect(outcomes[0], JSON.stringify(outcomes)).toMatchObject({ status: "locked" });
    await eventually(
      () => pos(rig!, "DEMO2003") === 0 && working(rig!, "DEMO2003").length === 0,
      "DEMO2003 flat, nothing working",
    );
    rig.sim.control.modifyOrder(oco.orderId, { stopPrice: 6795 });
    await eventuallyWorking(
      rig,
      (b) => ["DEMO2001", "DEMO2002"].every((f) => b[f]!.some((o) => o.stopPrice === 6795)),
      "the others' stops moved",
    );
    await quiet();
    expect(working(rig, "DEMO2003")).toEqual([]);
    expect(pos(rig, "DEMO2003")).toBe(0);
  });

  it("a lock without a flatten keeps its protective legs (exits are never blocked)", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    rig.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6790 },
      { orderType: "Limit", price: 6820 },
    );
    await eventuallyWorking(rig, (b) => ocoSizedToPosition(b, rig!), "one OCO each");
    await rig.engine.lock("DEMO2001");
    await quiet();
    expect(
      working(rig, "DEMO2001")
        .map((o) => o.orderType)
        .sort(),
    ).toEqual(["Limit", "Stop"]);
  });
});
