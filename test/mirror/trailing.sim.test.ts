/**
 * Trailing stops mirrored, against the simulator: a follower's copy of a leader trailing stop is a
 * trailing stop with the leader's distance, sized to the follower; it trails by itself at the
 * broker, so mimik copies no move of the leader's stop, only its quantity (a modify) and its end (a
 * cancel). Alone, in an OCO, as an OSO bracket's stop leg, and at a ProjectX follower. Judged on
 * the broker's records.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { OrderRecord } from "../../engine/sim/records.js";
import type { MirrorEvent, WorkingOrdersEvent } from "../../engine/types.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";
import {
  closeChecked,
  eventuallyWorking,
  FOLLOWERS,
  LEADER,
  mirrorRig,
  PX_FOLLOWER,
  pos,
  pxFollowerConfig,
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

const mirrorEvents = (r: Rig) => r.events.filter((e): e is MirrorEvent => e.type === "mirror");
/** What mimik asked of the followers' orders once placed. */
const changes = (r: Rig) => mirrorEvents(r).filter((e) => e.action === "modify" || e.action === "cancel");
const trailingOf = (orders: readonly OrderRecord[]) => orders.find((o) => o.orderType === "TrailingStop");
/** The trail of the trailing stop in the follower's last working-order line (console, headless). */
const shownTrail = (r: Rig, account: string) =>
  r.events
    .filter((e): e is WorkingOrdersEvent => e.type === "workingOrders" && e.account === account)
    .at(-1)
    ?.orders.find((o) => o.orderType === "TrailingStop")?.trail;

async function leaderLong2(r: Rig) {
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
  await eventually(
    () => pos(r, "DEMO2001") === 1 && pos(r, "DEMO2002") === 2 && pos(r, "DEMO2003") === 2,
    "copies",
  );
}

/** The leader's trailing stop for its long 2: 10 points behind 6800. */
function leaderTrailingStop(r: Rig): number {
  const placed = r.sim.control.placeOrder(LEADER, {
    symbol: "ESZ6",
    action: "Sell",
    qty: 2,
    orderType: "TrailingStop",
    stopPrice: 6790,
  });
  if (!("orderId" in placed)) throw new Error(`refused: ${placed.failureText}`);
  return placed.orderId;
}

describe("protect: the leader's trailing stop", () => {
  it("is a trailing stop at each follower (its distance, the follower's size), trails there, and mimik copies no ratchet", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    const leaderOrder = leaderTrailingStop(rig);
    const placed = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 1),
      "a trailing stop each",
    );
    for (const f of FOLLOWERS)
      expect(placed[f]![0]).toMatchObject({
        orderType: "TrailingStop",
        action: "Sell",
        trail: 10,
        stopPrice: 6790,
        qty: Math.abs(pos(rig, f)),
      });
    expect(placed.DEMO2002![0]!.symbol).toBe("MESZ6");
    // The journal and the screens get the distance too: each placement says it, and each
    // follower's working-order line.
    expect(
      mirrorEvents(rig)
        .filter((e) => e.action === "place")
        .map((e) => e.trail),
    ).toEqual([10, 10, 10]);
    await eventually(() => FOLLOWERS.every((f) => shownTrail(rig!, f) === 10), "the lines' trail");

    // ES rallies (and MES, DEMO2002's contract, with it): the stops trail at the broker, mimik sends nothing.
    rig.sim.control.setPrice("ES", 6815);
    await quiet(400);
    for (const f of FOLLOWERS) expect(trailingOf(working(rig, f))!.stopPrice).toBe(6805);
    expect(changes(rig)).toEqual([]);

    // The leader halves its stop: its new version shows its ratcheted stop (6805) too. Only the
    // quantity is copied (the modifies sent, below): each follower's stop stays where its own trail left it.
    rig.sim.control.modifyOrder(leaderOrder, { qty: 1 });
    const halved = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]![0]?.qty === 1),
      "each follower's trailing stop at 1",
    );
    for (const f of FOLLOWERS) {
      expect(halved[f]![0]!.orderId).toBe(placed[f]![0]!.orderId); // modified, not replaced
      expect(halved[f]![0]).toMatchObject({ orderType: "TrailingStop", trail: 10 });
    }
    for (const f of FOLLOWERS) expect(halved[f]![0]!.stopPrice).toBe(6805);
    const sent = changes(rig);
    expect(sent.filter((e) => e.outcome === "rejected")).toEqual([]);
    expect(sent.map((e) => `${e.follower} ${e.action} ${e.qty} trail ${e.trail}`).sort()).toEqual([
      "DEMO2002 modify 1 trail 10",
      "DEMO2003 modify 1 trail 10",
    ]);

    rig.sim.control.cancelOrder(leaderOrder);
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 0), "cancelled");
    expect(FOLLOWERS.map((f) => pos(rig!, f))).toEqual([1, 2, 2]);
  });

  it("stops each follower out by itself when the price turns", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    leaderTrailingStop(rig);
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "a trailing stop each");
    setPrice(rig, 6815);
    setPrice(rig, 6804);
    await eventually(
      () => [LEADER, ...FOLLOWERS].every((a) => pos(rig!, a) === 0 && working(rig!, a).length === 0),
      "all out at the trailed stop",
    );
    // Stopped at the trailed stop (6805, filled at the market's 6804), not at the 6790 placed.
    const exits = rig.sim.control.records().fills.filter((f) => f.action === "Sell");
    expect(new Set(exits.map((f) => f.price))).toEqual(new Set([6804]));
  });

  it("in the leader's OCO with a target: one OCO per follower whose stop leg trails", async () => {
    rig = await mirrorRig({ protect: true });
    await leaderLong2(rig);
    const oco = rig.sim.control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "TrailingStop", stopPrice: 6790 },
      { orderType: "Limit", price: 6820 },
    );
    if (!("ocoId" in oco)) throw new Error("refused");
    const by = await eventuallyWorking(rig, (b) => FOLLOWERS.every((f) => b[f]!.length === 2), "an OCO each");
    for (const f of FOLLOWERS) {
      const stop = trailingOf(by[f]!)!;
      const target = by[f]!.find((o) => o.orderType === "Limit")!;
      expect(stop).toMatchObject({
        action: "Sell",
        trail: 10,
        qty: Math.abs(pos(rig, f)),
        linkedId: target.orderId,
      });
      expect(target).toMatchObject({ action: "Sell", price: 6820, linkedId: stop.orderId });
    }
    setPrice(rig, 6820);
    await eventually(
      () => [LEADER, ...FOLLOWERS].every((a) => pos(rig!, a) === 0 && working(rig!, a).length === 0),
      "all out at the target, the trailing stops cancelled with it",
    );
  });
});

describe("mirror: an OSO bracket whose stop leg trails", () => {
  it("gives each follower's filled entry an OCO with a trailing stop of the leader's distance", async () => {
    rig = await mirrorRig({ copy: "orders" });
    const oso = rig.sim.control.placeOso(
      LEADER,
      { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
      { orderType: "TrailingStop", stopPrice: 6780 },
      { orderType: "Limit", price: 6815 },
    );
    if (!("oso2Id" in oso)) throw new Error("refused");
    await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "entries");
    setPrice(rig, 6795);
    const legs = await eventuallyWorking(
      rig,
      (by) => FOLLOWERS.every((f) => by[f]!.length === 2),
      "brackets",
    );
    for (const f of FOLLOWERS) {
      const stop = trailingOf(legs[f]!)!;
      expect(stop).toMatchObject({ action: "Sell", trail: 20, qty: Math.abs(pos(rig, f)) });
      expect(stop.linkedId).toBe(legs[f]!.find((o) => o.orderType === "Limit")!.orderId);
    }
    setPrice(rig, 6810); // the stops trail to 6790 at the broker
    setPrice(rig, 6790);
    await eventually(
      () => [LEADER, ...FOLLOWERS].every((a) => pos(rig!, a) === 0 && working(rig!, a).length === 0),
      "all stopped out",
    );
    expect(mirrorEvents(rig).filter((e) => e.action === "modify")).toEqual([]);
  });
});

describe("protect across brokers: a ProjectX follower", () => {
  it("gets a ProjectX trailing stop (type 5, the leader's distance), modified in quantity, cancelled with the leader's", async () => {
    rig = await startRig(pxFollowerConfig({ protect: true }));
    setPrice(rig, 6800);
    await eventually(
      () => [LEADER, PX_FOLLOWER].every((a) => rig!.engine.directory.connected(a)),
      "both accounts to sync",
    );
    rig.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => position(rig!.sim, PX_FOLLOWER, "ESZ6") === 2, "the copy");
    const leaderOrder = leaderTrailingStop(rig);
    const [first] = await eventually(() => {
      const w = working(rig!, PX_FOLLOWER);
      return w.length === 1 ? w : undefined;
    }, "the ProjectX trailing stop");
    expect(first).toMatchObject({ orderType: "TrailingStop", action: "Sell", qty: 2, trail: 10 });
    // Its reports do not say the distance: the working-order line has it from the placement.
    await eventually(() => shownTrail(rig!, PX_FOLLOWER) === 10, "the line's trail");
    setPrice(rig, 6812);
    await quiet(400);
    expect(working(rig, PX_FOLLOWER)[0]!.stopPrice).toBe(6802);

    rig.sim.control.modifyOrder(leaderOrder, { qty: 1 });
    await eventually(() => working(rig!, PX_FOLLOWER)[0]?.qty === 1, "the ProjectX stop at 1");
    expect(working(rig, PX_FOLLOWER)[0]).toMatchObject({
      orderId: first!.orderId,
      trail: 10,
      stopPrice: 6802,
    });
    rig.sim.control.cancelOrder(leaderOrder);
    await eventually(() => working(rig!, PX_FOLLOWER).length === 0, "the ProjectX stop cancelled");
    expect(mirrorEvents(rig).filter((e) => e.outcome === "rejected")).toEqual([]);
  });
});

describe("a ProjectX leader's trailing stop", () => {
  it("is not mirrored, and says why: ProjectX's order reports do not say the distance", async () => {
    const config = crossBrokerConfig(
      { [PX_FOLLOWER]: "px", DEMO2003: "sim" },
      { name: "X", leader: PX_FOLLOWER, followers: [follower("DEMO2003")], protect: true },
    );
    rig = await startRig(config);
    setPrice(rig, 6800);
    await eventually(
      () => [PX_FOLLOWER, "DEMO2003"].every((a) => rig!.engine.directory.connected(a)),
      "both accounts to sync",
    );
    rig.sim.control.manualTrade(PX_FOLLOWER, "ESZ6", "Buy", 2);
    await eventually(() => pos(rig!, "DEMO2003") === 2, "the copy");
    rig.sim.control.placeOrder(PX_FOLLOWER, {
      symbol: "ESZ6",
      action: "Sell",
      qty: 2,
      orderType: "TrailingStop",
      stopPrice: 6790,
    });
    await eventually(
      () =>
        mirrorEvents(rig!).find(
          (e) =>
            e.follower === "DEMO2003" &&
            e.reason === "its broker does not say the trailing stop's distance: not mirrored",
        ),
      "the reason",
    );
    await quiet(1200);
    expect(working(rig, "DEMO2003")).toEqual([]);
    // The console's followers pane lists it under DEMO2003 with that reason (its workingOrders row).
    const row = rig.events
      .filter((e): e is WorkingOrdersEvent => e.type === "workingOrders" && e.account === "DEMO2003")
      .at(-1);
    expect(row?.notMirrored).toEqual([
      {
        leaderOrderId: expect.any(Number),
        contract: "ESZ6",
        reason: "its broker does not say the trailing stop's distance: not mirrored",
      },
    ]);
  });
});
