/**
 * A placement the follower's broker refused, on a fake broker with a manual clock. Where mimik
 * links the two legs itself (ProjectX), a refused target leaves the stop working, and only the
 * target is asked again; a refusal is asked again 1 s, 5 s and 15 s later (it may pass), then
 * given up with a warning until its terms change. A native OCO is asked again as a whole.
 */
import { describe, expect, it } from "vitest";
import type { AlertEvent, MirrorEvent, PlaceOcoRequest, PlaceOrderRequest } from "../../engine/types.js";
import { mirrorWorld, protectedLong } from "./fakeVenue.js";

const F1 = 2;
const refusedTarget = (req: PlaceOrderRequest) =>
  req.accountId === F1 && req.orderType === "Limit"
    ? { failureReason: "OrderRejected", failureText: "test: target refused" }
    : undefined;

function world(nativeOco: boolean) {
  const w = mirrorWorld({ protect: true }, { nativeOco });
  const placed = (orderType?: string) =>
    w.venue.sent
      .filter((s) => s.kind === "place" && s.accountId === F1)
      .map((s) => s.body as PlaceOrderRequest)
      .filter((p) => orderType === undefined || p.orderType === orderType);
  const cancels = () => w.venue.sent.filter((s) => s.kind === "cancel" && s.accountId === F1);
  const alerts = () => w.events.filter((e): e is AlertEvent => e.type === "alert" && e.follower === "F1");
  const wait = async (ms: number) => {
    w.clock.advance(ms);
    await w.settle();
  };
  return { w, placed, cancels, alerts, wait };
}

describe("a refused mirror placement", () => {
  it("linked by mimik: the target refused, the stop keeps working; the target is asked again after 1, 5 and 15 s, then given up loudly", async () => {
    const { w, placed, cancels, alerts, wait } = world(false);
    w.venue.refuse = refusedTarget;
    const { stop, target } = await protectedLong(w);
    const [stopLeg] = w.venue.open(F1);
    expect(stopLeg).toMatchObject({ orderType: "Stop", stopPrice: 6790, qty: 2 });
    expect(placed("Limit")).toHaveLength(1);
    const shown = w.events.filter((e) => e.type === "workingOrders" && e.account === "F1").at(-1);
    expect(shown).toMatchObject({
      notMirrored: [{ leaderOrderId: target, reason: "rejected: OrderRejected: test: target refused" }],
    });

    await wait(999);
    expect(placed("Limit")).toHaveLength(1);
    await wait(1);
    expect(placed("Limit")).toHaveLength(2);
    // Into the stop's set, under a name of its own (a broker may refuse one it has seen).
    const token = (c: string) => c.split("-")[3];
    const retry = placed("Limit")[1]!.clOrdId;
    expect(token(retry)).toBe(token(stopLeg!.clOrdId!));
    expect(retry).toMatch(new RegExp(`^mm-${target}-${F1}-[0-9a-z]+-[0-9a-z]+$`));
    expect(retry).not.toBe(placed("Limit")[0]!.clOrdId);

    await wait(4_999);
    expect(placed("Limit")).toHaveLength(2);
    await wait(1);
    expect(placed("Limit")).toHaveLength(3);
    expect(alerts()).toEqual([]);
    await wait(15_000);
    expect(placed("Limit")).toHaveLength(4);
    expect(alerts()).toMatchObject([{ level: "warn", group: "G" }]);
    expect(alerts()[0]!.message).toContain(`leader order ${target}`);
    expect(alerts()[0]!.message).toContain("4 times");

    await wait(120_000);
    expect(placed("Limit")).toHaveLength(4);
    expect(alerts()).toHaveLength(1);
    // The stop was never taken away, nor placed twice.
    expect(placed("Stop")).toHaveLength(1);
    expect(cancels()).toEqual([]);
    expect(w.venue.open(F1).map((o) => o.orderId)).toEqual([stopLeg!.orderId]);

    // The leader moves its target: new terms are asked at once.
    w.venue.refuse = () => undefined;
    w.venue.change(target, { price: 6822 });
    await w.settle();
    expect(placed("Limit")).toHaveLength(5);
    expect(w.venue.open(F1).map((o) => [o.orderType, o.price ?? o.stopPrice])).toEqual([
      ["Stop", 6790],
      ["Limit", 6822],
    ]);
    // Still linked by mimik: the stop fills, the target is cancelled.
    w.venue.fill(stopLeg!.orderId, 2);
    w.venue.setPosition(1, "ESZ6", 0);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
    expect(stop).toBeGreaterThan(0);
  });

  it("linked by mimik: a refusal that passes: the target joins the stop on the first retry", async () => {
    const { w, placed, cancels, wait } = world(false);
    w.venue.refuse = refusedTarget;
    await protectedLong(w);
    w.venue.refuse = () => undefined;
    await wait(1_000);
    expect(w.venue.open(F1).map((o) => o.orderType)).toEqual(["Stop", "Limit"]);
    await wait(60_000);
    expect(placed()).toHaveLength(3);
    expect(cancels()).toEqual([]);
  });

  it("linked by mimik: the target partly fills while the refused stop waits: the target works on, the stop is asked for what is left", async () => {
    const { w, placed, cancels, wait } = world(false);
    w.venue.refuse = (req) =>
      req.accountId === F1 && req.orderType === "Stop"
        ? { failureReason: "OrderRejected", failureText: "test: stop refused" }
        : undefined;
    await protectedLong(w);
    const [targetLeg] = w.venue.open(F1);
    expect(targetLeg).toMatchObject({ orderType: "Limit", qty: 2 });
    w.venue.fill(targetLeg!.orderId, 1);
    await w.settle();
    // New terms (the position changed): asked at once, for the one contract left.
    expect(placed("Stop").map((p) => p.qty)).toEqual([2, 1]);
    w.venue.refuse = () => undefined;
    await wait(1_000);
    expect(placed("Stop").map((p) => p.qty)).toEqual([2, 1, 1]);
    expect(w.venue.open(F1).map((o) => [o.orderId, o.orderType, o.qty! - (o.filledQty ?? 0)])).toEqual([
      [targetLeg!.orderId, "Limit", 1],
      [expect.any(Number), "Stop", 1],
    ]);
    expect(placed("Limit")).toHaveLength(1);
    expect(cancels()).toEqual([]);
    // Still one set: the target's last contract fills, the stop is cancelled.
    w.venue.fill(targetLeg!.orderId, 1);
    await w.settle();
    expect(w.venue.open(F1)).toEqual([]);
  });

  it("a native OCO refused is asked again as a whole 1 s later", async () => {
    const { w, wait } = world(true);
    w.venue.failNext.push({ failureReason: "InvalidPrice", failureText: "off the tick grid" });
    const { stop } = await protectedLong(w);
    const ocos = () => w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === F1);
    const rejected = w.events.filter(
      (e): e is MirrorEvent => e.type === "mirror" && e.outcome === "rejected",
    );
    expect(rejected).toMatchObject([{ follower: "F1", action: "place", leaderOrderId: stop }]);
    expect(ocos()).toHaveLength(1);
    await wait(999);
    expect(ocos()).toHaveLength(1);
    await wait(1);
    expect(ocos()).toHaveLength(2);
    expect(w.venue.open(F1)).toHaveLength(2);
    const body = ocos()[1]!.body as PlaceOcoRequest;
    expect(body.clOrdId).toMatch(/^mm-\d+-2-[0-9a-z]+$/);
  });

  it("taken, then rejected (an event, as Tradovate's risk checks do): asked again on the same schedule, not at once, and given up", async () => {
    const { w, alerts, wait } = world(true);
    const { stop, target } = await protectedLong(w);
    const ocos = () => w.venue.sent.filter((s) => s.kind === "oco" && s.accountId === F1);
    const reject = async () => {
      for (const o of w.venue.open(F1)) w.venue.change(o.orderId, { status: "Rejected" });
      await w.settle();
    };
    for (const [n, delay] of [
      [1, 1_000],
      [2, 5_000],
      [3, 15_000],
    ] as const) {
      await reject();
      expect(ocos()).toHaveLength(n);
      await wait(delay);
      expect(ocos()).toHaveLength(n + 1);
    }
    await reject();
    // The OCO's legs are rejected one report each, but they were one placement: one warning,
    // naming both leader orders.
    expect(alerts()).toMatchObject([{ level: "warn" }]);
    expect(alerts()[0]!.message).toMatch(
      new RegExp(`leader order (${stop} and ${target}|${target} and ${stop}) `),
    );
    expect(alerts()[0]!.message).toContain("4 times");
    await wait(120_000);
    expect(ocos()).toHaveLength(4);
  });
});
