/**
 * Working orders mirrored across brokers: a Tradovate leader's limit entry and protective exits
 * reach a ProjectX follower as ProjectX orders (placed, moved, cancelled), judged on the
 * simulator's records. ProjectX has no OCO of two working orders, so a protected follower's two
 * legs are linked by mimik: when one fills, mimik cancels the other; when ProjectX refuses one,
 * the other stays working and the refused one is asked again a few times.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import type { EngineEvent, MirrorEvent } from "../../engine/types.js";
import { eventually, position, type Rig, startRig } from "../support/rig.js";
import {
  automatedOnLeader,
  LEADER,
  leaderStop,
  PX_FOLLOWER,
  pxFollowerConfig,
  quiet,
  setPrice,
} from "./simRig.js";

const PX = PX_FOLLOWER;
const config = pxFollowerConfig;

let rig: Rig | undefined;
afterEach(async () => {
  if (rig) expect(automatedOnLeader(rig)).toEqual([]);
  await rig?.close();
  rig = undefined;
});

async function start(group: Partial<Group>): Promise<Rig> {
  const r = await startRig(config(group));
  setPrice(r, 6800);
  await eventually(() => [LEADER, PX].every((a) => r.engine.directory.connected(a)), "both accounts to sync");
  return r;
}

const workingAt = (r: Rig, account: string) =>
  r.sim.control.records().workingOrders.filter((o) => o.accountName === account && o.status === "Working");

describe("mirror across brokers (Tradovate leader, ProjectX follower)", () => {
  it("a limit entry is placed at ProjectX at the same price, moved with the leader's and cancelled with it", async () => {
    rig = await start({ copy: "orders" });
    const { control } = rig.sim;
    const placed = control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 2,
      orderType: "Limit",
      price: 6790,
    });
    if (!("orderId" in placed)) throw new Error("refused");
    const [first] = await eventually(() => {
      const w = workingAt(rig!, PX);
      return w.length === 1 ? w : undefined;
    }, "the ProjectX mirror");
    expect(first).toMatchObject({ action: "Buy", qty: 2, orderType: "Limit", price: 6790, symbol: "ESZ6" });
    expect(first!.clOrdId).toMatch(new RegExp(`^mm-${placed.orderId}-`));

    control.modifyOrder(placed.orderId, { price: 6792.5 });
    await eventually(() => workingAt(rig!, PX)[0]?.price === 6792.5, "the ProjectX mirror moved");
    expect(workingAt(rig, PX)[0]!.orderId).toBe(first!.orderId); // moved, not replaced

    control.cancelOrder(placed.orderId);
    await eventually(() => workingAt(rig!, PX).length === 0, "the ProjectX mirror cancelled");
    expect(position(rig.sim, PX, "ESZ6")).toBe(0);
  });

  it("protect: a long leader's stop and target become two linked ProjectX exits; the target fills, mimik cancels the stop", async () => {
    rig = await start({ protect: true });
    const { control } = rig.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(() => position(rig!.sim, PX, "ESZ6") === 1, "the entry copied to ProjectX");
    leaderStop(rig, 6780);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Limit", price: 6820 });
    await eventually(() => workingAt(rig!, PX).length === 2, "two exits at ProjectX");
    const legs = workingAt(rig, PX);
    expect(legs.map((o) => [o.action, o.orderType, o.qty, o.price ?? o.stopPrice]).sort()).toEqual([
      ["Sell", "Limit", 1, 6820],
      ["Sell", "Stop", 1, 6780],
    ]);

    setPrice(rig, 6820);
    await eventually(
      () => position(rig!.sim, PX, "ESZ6") === 0 && workingAt(rig!, PX).length === 0,
      "flat, stop gone",
    );
    await quiet();
    // The stop was cancelled, not filled: the follower never went short.
    expect(position(rig.sim, PX, "ESZ6")).toBe(0);
    expect(workingAt(rig, PX)).toEqual([]);
  });

  it("protect: ProjectX refuses the target; the follower keeps a working stop, and gets its target once ProjectX takes it", async () => {
    rig = await start({ protect: true });
    const r = rig;
    const { control } = r.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(() => position(r.sim, PX, "ESZ6") === 1, "the entry copied to ProjectX");
    control.rejectOrders(PX, "OrderRejected", "test: target refused", "reply", ["Limit"]);
    leaderStop(r, 6780);
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Sell", qty: 1, orderType: "Limit", price: 6820 });
    await eventually(
      () => r.events.some((e) => e.type === "mirror" && e.follower === PX && e.outcome === "rejected"),
      "the target refused",
    );
    await quiet();
    // The leader is protected: so is the follower, by its stop alone.
    const legs = (w: ReturnType<typeof workingAt>) =>
      w.map((o) => [o.orderType, o.price ?? o.stopPrice]).sort();
    expect(legs(workingAt(r, PX))).toEqual([["Stop", 6780]]);
    const stop = workingAt(r, PX)[0]!.orderId;

    control.rejectOrders(PX, null);
    await eventually(() => workingAt(r, PX).length === 2, "the target placed once ProjectX takes it");
    expect(legs(workingAt(r, PX))).toEqual([
      ["Limit", 6820],
      ["Stop", 6780],
    ]);
    expect(workingAt(r, PX).some((o) => o.orderId === stop)).toBe(true); // the stop was never replaced

    setPrice(r, 6820);
    await eventually(
      () => position(r.sim, PX, "ESZ6") === 0 && workingAt(r, PX).length === 0,
      "the target filled, the stop cancelled",
    );
    await quiet();
    expect(position(r.sim, PX, "ESZ6")).toBe(0);
  });

  it("protect: the target partly fills while the refused stop waits for its retry; the target stays, the stop joins it sized to what is left", async () => {
    rig = await start({ protect: true });
    const r = rig;
    const { control } = r.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 3, orderType: "Market" });
    await eventually(() => position(r.sim, PX, "ESZ6") === 3, "the entry copied to ProjectX");
    control.rejectOrders(PX, "OrderRejected", "test: stop refused", "reply", ["Stop"]);
    control.setDepth("ES", 1); // a resting limit fills one contract per price event
    control.placeOco(
      LEADER,
      { symbol: "ESZ6", action: "Sell", qty: 3, orderType: "Limit", price: 6820 },
      { orderType: "Stop", stopPrice: 6780 },
    );
    await eventually(() => workingAt(r, PX).length === 1, "the target working at ProjectX");
    const target = workingAt(r, PX)[0]!;
    expect(target).toMatchObject({ orderType: "Limit", price: 6820, qty: 3 });
    const refusedStops = () =>
      control
        .records()
        .orders.filter((o) => o.accountName === PX && o.orderType === "Stop" && o.status === "Rejected");
    await eventually(() => refusedStops().length >= 1, "the stop refused");

    setPrice(r, 6820); // one contract of each target fills
    await eventually(() => position(r.sim, PX, "ESZ6") === 2, "the follower's target partly filled");
    await eventually(() => refusedStops().at(-1)?.qty === 2, "the stop asked for what is left");
    await quiet();
    expect(position(r.sim, LEADER, "ESZ6")).toBe(2);
    expect(position(r.sim, PX, "ESZ6")).toBe(2);
    // The target was neither cancelled nor placed again: it works on for what is left.
    expect(workingAt(r, PX)).toMatchObject([{ orderId: target.orderId, qty: 3, filledQty: 1 }]);
    expect(
      control.records().orders.filter((o) => o.accountName === PX && o.orderType === "Limit"),
    ).toHaveLength(1);

    control.rejectOrders(PX, null);
    // At its next retry: 1, 5 or 15 s after the last refusal (refusals.ts), as many as came by now
    // (a loaded machine slows the steps above past the second).
    await eventually(() => workingAt(r, PX).length === 2, "the stop placed once ProjectX takes it", 17_000);
    const legs = workingAt(r, PX).map((o) => [o.orderId, o.orderType, o.qty - o.filledQty]);
    expect(legs.sort()).toEqual(
      [
        [target.orderId, "Limit", 2],
        [expect.any(Number), "Stop", 2],
      ].sort(),
    );
    // Same set: the stop's fill takes the target with it, and the follower ends flat, never short.
    setPrice(r, 6780);
    await eventually(
      () => position(r.sim, PX, "ESZ6") === 0 && workingAt(r, PX).length === 0,
      "the stop filled, the target cancelled",
    );
    await quiet();
    expect(position(r.sim, PX, "ESZ6")).toBe(0);
    expect(position(r.sim, LEADER, "ESZ6")).toBe(0);
  }, 45_000);

  it("protect: ProjectX takes the stop and then rejects it; it is asked again a second later, not at once", async () => {
    rig = await start({ protect: true });
    const r = rig;
    const { control } = r.sim;
    control.placeOrder(LEADER, { symbol: "ESZ6", action: "Buy", qty: 1, orderType: "Market" });
    await eventually(() => position(r.sim, PX, "ESZ6") === 1, "the entry copied to ProjectX");
    control.rejectOrders(PX, "RiskRejected", "test: taken, then rejected", "event");
    // The rejection passes as soon as it is told.
    r.engine.on((e: EngineEvent) => {
      if (e.type === "mirror" && e.follower === PX && e.outcome === "rejected")
        control.rejectOrders(PX, null);
    });
    leaderStop(r, 6780);
    const mine = (e: EngineEvent): e is MirrorEvent =>
      e.type === "mirror" && e.follower === PX && e.action === "place";
    // It timed out once in a full run and never since: a failure says what the mirror told and
    // what the venue holds, so the next one can be read rather than guessed at.
    await eventually(() => workingAt(r, PX).length === 1, "the stop working once ProjectX takes it").catch(
      (error: Error) => {
        const told = r.events.filter((e) => e.type === "mirror" && e.follower === PX);
        const at = control.records().orders.filter((o) => o.accountName === PX);
        const leader = control.records().workingOrders.filter((o) => o.accountName === LEADER);
        const up = [LEADER, PX].map((a) => `${a} ${r.engine.directory.connected(a) ? "up" : "down"}`);
        throw new Error(
          `${error.message} (${up.join(", ")}); told ${JSON.stringify(told)}; at ProjectX ${JSON.stringify(at)}; leader working ${JSON.stringify(leader)}`,
        );
      },
    );
    const told = r.events.filter(mine).map((e) => [e.action, e.outcome, e.at] as const);
    expect(told.map(([action, outcome]) => `${action} ${outcome}`)).toEqual([
      "place sent",
      "place rejected",
      "place sent",
    ]);
    // The retry waited for its delay after the rejection (a slower machine only waits longer).
    expect(told[2]![2] - told[1]![2]).toBeGreaterThanOrEqual(1_000);
  });
});
