/**
 * The mirror's coordinator on a fake broker with a manual clock: what only the coordinator can
 * get wrong. Two legs linked by mimik when the broker has no OCO; a restart that finds its orders
 * by clOrdId and places nothing twice; bursts of leader moves coalesced to one modify per 250 ms;
 * a placement whose answer was lost never placed again before the next snapshot; the journal
 * events carry the leader order and the reason.
 */
import { describe, expect, it } from "vitest";
import { MIRROR_REASONS } from "../../engine/mirror/reasons.js";
import type { MirrorEvent, PlaceOcoRequest, PlaceOrderRequest } from "../../engine/types.js";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const L = 1;
const F1 = 2;
const F2 = 3;

describe("mirror coordinator", () => {
  it("places one native OCO per follower, named after the leader's legs, sized to each follower", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop, target } = await protectedLong(w);
    const ocos = w.venue.sent.filter((s) => s.kind === "oco").map((s) => s.body as PlaceOcoRequest);
    expect(
      ocos.map((o) => [o.accountId, o.qty, o.orderType, o.stopPrice, o.other.orderType, o.other.price]),
    ).toEqual([
      [F1, 2, "Stop", 6790, "Limit", 6820],
      [F2, 1, "Stop", 6790, "Limit", 6820],
    ]);
    for (const o of ocos) {
      expect(o.clOrdId).toMatch(new RegExp(`^mm-${stop}-${o.accountId}-`));
      expect(o.other.clOrdId).toMatch(new RegExp(`^mm-${target}-${o.accountId}-`));
      expect(o.exit).toBe(true);
    }
  });

  it("without a native OCO, places two orders linked by mimik and cancels the other when one fills", async () => {
    const w = mirrorWorld({ protect: true }, { nativeOco: false });
    await protectedLong(w);
    const places = w.venue.sent
      .filter((s) => s.kind === "place" && s.accountId === F1)
      .map((s) => s.body as PlaceOrderRequest);
    expect(places.map((p) => p.orderType)).toEqual(["Stop", "Limit"]);
    const token = (c: string) => c.split("-")[3];
    expect(token(places[0]!.clOrdId)).toBe(token(places[1]!.clOrdId));
    const [stopLeg] = w.venue.open(F1).filter((o) => o.orderType === "Stop");
    w.venue.fill(stopLeg!.orderId, 2);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    expect(w.venue.sent.filter((s) => s.kind === "cancel" && s.accountId === F1)).toHaveLength(1);
  });

  it("after a restart finds its orders by clOrdId and places nothing twice", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    const before = w.venue.sent.length;
    await w.restartSynced();
    expect(w.venue.sent.slice(before)).toEqual([]);
    expect(w.venue.open(F1)).toHaveLength(2);
  });

  it("coalesces a burst of leader moves: one modify now, the latest price 250 ms later, nothing in between", async () => {
    const w = mirrorWorld({ protect: true });
    const { stop } = await protectedLong(w);
    const modifies = () =>
      w.venue.sent
        .filter((s) => s.kind === "modify" && s.accountId === F1)
        .map((s) => (s.body as { stopPrice?: number }).stopPrice);
    for (const [i, price] of [6791, 6792, 6793, 6794, 6795].entries()) {
      w.venue.change(stop, { stopPrice: price });
      await w.settle();
      w.clock.advance(i === 0 ? 10 : 40);
    }
    await w.settle();
    expect(modifies()).toEqual([6791]);
    w.clock.advance(100);
    await w.settle();
    expect(modifies()).toEqual([6791, 6795]);
    w.clock.advance(1000);
    await w.settle();
    expect(modifies()).toEqual([6791, 6795]);
  });

  it("a placement whose answer was lost is not placed again before the follower's next snapshot", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.failNext.push(
      { failureReason: "Timeout", failureText: "no answer", writtenAt: 1 },
      { failureReason: "Timeout", writtenAt: 1 },
    );
    const { stop, target } = await protectedLong(w);
    expect(w.venue.sent.filter((s) => s.kind === "oco")).toHaveLength(2);
    w.venue.setPosition(F1, "ESZ6", 2); // anything that makes the mirror look again
    await w.settle();
    expect(w.venue.sent.filter((s) => s.kind === "oco")).toHaveLength(2);
    const why = MIRROR_REASONS.answerLost;
    expect(w.events.filter((e) => e.type === "workingOrders" && e.account === "F1").at(-1)).toMatchObject({
      notMirrored: [
        { leaderOrderId: stop, reason: why },
        { leaderOrderId: target, reason: why },
      ],
    });
    await w.snapshot();
    expect(w.venue.sent.filter((s) => s.kind === "oco")).toHaveLength(4);
  });

  it("a refused placement is told with its reason, not asked again at once, and asked at once with new terms", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.failNext.push({ failureReason: "InvalidPrice", failureText: "off the tick grid" });
    const { stop, target } = await protectedLong(w);
    const rejected = w.events.filter(
      (e): e is MirrorEvent => e.type === "mirror" && e.outcome === "rejected",
    );
    expect(rejected).toMatchObject([
      {
        follower: "F1",
        action: "place",
        leaderOrderId: stop,
        reason: "rejected: InvalidPrice: off the tick grid",
      },
    ]);
    w.venue.setPosition(F1, "ESZ6", 2);
    await w.settle();
    expect(w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === F1)).toHaveLength(1);
    const shown = w.events.filter((e) => e.type === "workingOrders" && e.account === "F1").at(-1);
    const why = "rejected: InvalidPrice: off the tick grid";
    expect(shown).toMatchObject({
      notMirrored: [
        { leaderOrderId: stop, reason: why },
        { leaderOrderId: target, reason: why },
      ],
    });
    w.venue.change(stop, { stopPrice: 6791 });
    await w.settle();
    expect(w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === F1)).toHaveLength(2);
  });

  it("a trailing stop's quantity modify says its quantity only: no stop, distance or time in force (Tradovate refuses more)", async () => {
    const w = mirrorWorld({ protect: true });
    w.venue.setPosition(1, "ESZ6", 2);
    w.venue.setPosition(2, "ESZ6", 2);
    w.venue.setPosition(3, "ESZ6", 1);
    const trailing = w.venue.leaderOrder(1, {
      side: "Sell",
      orderType: "TrailingStop",
      qty: 2,
      stopPrice: 6790,
      trail: 4,
    });
    await w.settle();
    w.clock.advance(1_000);
    await w.settle();
    expect(w.venue.open(F1).map((o) => [o.orderType, o.qty])).toEqual([["TrailingStop", 2]]);
    w.venue.setPosition(1, "ESZ6", 1);
    w.venue.setPosition(2, "ESZ6", 1);
    w.venue.change(trailing, { qty: 1, stopPrice: 6793 });
    await w.settle();
    const modifies = w.venue.sent.filter((s) => s.kind === "modify" && s.accountId === F1).map((s) => s.body);
    expect(modifies).toHaveLength(1);
    expect(modifies[0]).toMatchObject({ qty: 1, orderType: "TrailingStop" });
    expect(modifies[0]).not.toHaveProperty("stopPrice");
    expect(modifies[0]).not.toHaveProperty("trail");
    expect(modifies[0]).not.toHaveProperty("timeInForce");
  });

  it("a placement refused time after time is given up with an alert that says the order as a trader reads it (a trailing stop's distance too)", async () => {
    const w = mirrorWorld({ protect: true });
    for (let i = 0; i < 8; i++) w.venue.failNext.push({ failureReason: "InvalidPrice", failureText: "no" });
    w.venue.setPosition(1, "ESZ6", 2);
    w.venue.setPosition(2, "ESZ6", 2);
    w.venue.setPosition(3, "ESZ6", 1);
    w.venue.leaderOrder(1, { side: "Sell", orderType: "TrailingStop", qty: 2, stopPrice: 6790, trail: 4 });
    await w.settle();
    // Its second alone, then the retries after the 1st, 2nd and 3rd refusal.
    for (const ms of [1_000, 1_000, 5_000, 15_000]) {
      w.clock.advance(ms);
      await w.settle();
    }
    const alerts = w.events.filter((e) => e.type === "alert").map((e) => e.message);
    expect(alerts).toContainEqual(expect.stringContaining("(Sell TrailingStop 6790 (trail 4)) 4 times"));
  });

  it("cancels a follower's exits before an exit is copied, written first on its lane", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    const before = w.venue.sent.length;
    w.mirror.beforeExit("F1", "ESZ6");
    expect(w.venue.sent.slice(before).map((s) => [s.kind, s.accountId])).toEqual([
      ["cancel", F1],
      ["cancel", F1],
    ]);
    expect(w.mirror.covers("F1", w.venue.open(L)[0]!.orderId)).toBe(false);
    expect(w.mirror.covers("F2", w.venue.open(L)[0]!.orderId)).toBe(true);
  });

  it("… but keeps the mirrors the copier counts on, with their OCO partners (one leg's cancel takes both)", async () => {
    const w = mirrorWorld({ protect: true });
    const { target } = await protectedLong(w);
    const before = w.venue.sent.length;
    w.mirror.beforeExit("F1", "ESZ6", [target]);
    expect(w.venue.sent.slice(before)).toEqual([]);
    w.mirror.beforeExit("F2", "ESZ6", [target + 1000]); // another order's: F2's pair goes
    expect(w.venue.sent.slice(before).map((s) => [s.kind, s.accountId])).toEqual([
      ["cancel", F2],
      ["cancel", F2],
    ]);
  });

  it("after a cancel before an exit, the new legs cover what will be left, not what is there now", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    w.expected.set("F1", 1); // the copier is selling 1 of F1's 2
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    const ocos = w.venue.sent
      .filter((s) => s.kind === "oco" && s.accountId === F1)
      .map((s) => (s.body as PlaceOcoRequest).qty);
    expect(ocos).toEqual([2, 1]);
    w.expected.set("F1", 0); // …or closing it
    w.mirror.beforeExit("F1", "ESZ6");
    await w.settle();
    expect(w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === F1)).toHaveLength(2);
    expect(w.venue.open(F1)).toEqual([]);
  });

  it("hands a LIQUIDATE_ONLY follower to its flatten: nothing placed, modified or cancelled for it", async () => {
    const w = mirrorWorld({ protect: true });
    w.gates.set("F1", { state: "LIQUIDATE_ONLY" });
    await protectedLong(w);
    expect(w.venue.sent.filter((s) => s.accountId === F1)).toEqual([]);
  });

  it("a group switched back to fills only cancels its followers' mirrors", async () => {
    const w = mirrorWorld({ protect: true });
    await protectedLong(w);
    const config = (await import("../copier/harness.js")).buildConfig([
      {
        name: "G",
        leader: "L",
        followers: [{ account: "F1" }, { account: "F2", sizing: { mode: "multiplier", value: 0.5 } }],
      },
    ]);
    for (const a of config.accounts) a.connection = "fake";
    w.directory.setConfig(config);
    w.mirror.setConfig(config);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    expect(w.venue.open(F2)).toEqual([]);
    expect(
      w.events
        .filter((e) => e.type === "mirror" && e.action === "cancel")
        .map((e) => e.type === "mirror" && e.reason),
    ).toContain("the group does not mirror working orders");
  });
});
