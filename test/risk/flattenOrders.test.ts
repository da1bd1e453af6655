import { describe, expect, it } from "vitest";
import {
  CLOSE_SLACK_MS,
  flattenFillSettled,
  flattenNotSent,
  flattenPlaced,
  flattenRefused,
  flattenSending,
  isFlattenFill,
  UNANSWERED_LIFE_MS,
} from "../../engine/risk/flattenOrders.js";
import type { FlattenOrder, FollowerRiskRecord } from "../../engine/types.js";
import { alertsOf, ES, longF1, NQ } from "./fakes.js";

async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

const T = 1_700_000_000_000;
const fill = (patch: Partial<Parameters<typeof isFlattenFill>[1]> = {}) => ({
  orderId: 7,
  contract: "ESZ6",
  ts: T + 100,
  ...patch,
});

describe("isFlattenFill", () => {
  it("knows a liquidation by the order it answered with, whatever its time", () => {
    const orders: FlattenOrder[] = [{ contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T + 50 }];
    expect(isFlattenFill(orders, fill({ ts: T + 3_600_000 }))).toBe(true);
    expect(isFlattenFill(orders, fill({ orderId: 8 }))).toBe(false);
  });

  it("knows a close that names no order by its contract and the request's life, give or take the slack", () => {
    const orders: FlattenOrder[] = [{ contract: "ESZ6", sentAt: T, answeredAt: T + 200 }];
    expect(isFlattenFill(orders, fill({ orderId: 1 }))).toBe(true);
    expect(isFlattenFill(orders, fill({ ts: T - CLOSE_SLACK_MS }))).toBe(true);
    expect(isFlattenFill(orders, fill({ ts: T + 200 + CLOSE_SLACK_MS }))).toBe(true);
    expect(isFlattenFill(orders, fill({ ts: T - CLOSE_SLACK_MS - 1 }))).toBe(false);
    expect(isFlattenFill(orders, fill({ ts: T + 201 + CLOSE_SLACK_MS }))).toBe(false);
    expect(isFlattenFill(orders, fill({ contract: "NQZ6" }))).toBe(false);
    // An order that carries a clOrdId was placed by someone who named it: not the close.
    expect(isFlattenFill(orders, fill({ clOrdId: "mine" }))).toBe(false);
    expect(isFlattenFill(undefined, fill())).toBe(false);
  });
});

describe("a liquidation saved before it goes (its answer not in yet)", () => {
  it("knows a fill in its contract up to a request's life after it went, not later", () => {
    const orders = flattenSending({ state: "LIQUIDATE_ONLY" }, "ESZ6", T).flattenOrders;
    expect(orders).toEqual([{ contract: "ESZ6", sentAt: T }]);
    expect(isFlattenFill(orders, fill({ orderId: 123, ts: T + 400 }))).toBe(true);
    expect(isFlattenFill(orders, fill({ ts: T + UNANSWERED_LIFE_MS + CLOSE_SLACK_MS }))).toBe(true);
    expect(isFlattenFill(orders, fill({ ts: T + UNANSWERED_LIFE_MS + CLOSE_SLACK_MS + 1 }))).toBe(false);
    expect(isFlattenFill(orders, fill({ contract: "NQZ6" }))).toBe(false);
    expect(isFlattenFill(orders, fill({ clOrdId: "mine" }))).toBe(false);
  });

  it("gives way to its answer, and goes when the broker refuses it", () => {
    const sent = flattenSending({ state: "LIQUIDATE_ONLY" }, "ESZ6", T);
    const placed = flattenPlaced(sent, { contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T + 50 });
    expect(placed.flattenOrders).toEqual([{ contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T + 50 }]);
    const both = flattenSending(placed, "ESZ6", T + 1_000);
    expect(flattenRefused(both, "ESZ6", T + 1_000).flattenOrders).toEqual(placed.flattenOrders);
    expect(flattenRefused(sent, "ESZ6", T)).toEqual({ state: "LIQUIDATE_ONLY" });
  });
});

describe("flattenNotSent", () => {
  it("drops the closes stamped at the lock's write that were never answered, nothing else", () => {
    let record = flattenSending({ state: "LIQUIDATE_ONLY" }, "ESZ6", T);
    record = flattenSending(record, "NQZ6", T);
    record = flattenPlaced(record, { contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T + 50 });
    record = flattenSending(record, "NQZ6", T + 3_000);
    expect(flattenNotSent(record, T).flattenOrders).toEqual([
      { contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T + 50 },
      { contract: "NQZ6", sentAt: T + 3_000 },
    ]);
    expect(flattenNotSent(flattenSending({ state: "LOCKED" }, "ESZ6", T), T)).toEqual({ state: "LOCKED" });
    expect(flattenNotSent(record, T + 1)).toBe(record);
  });
});

describe("flattenFillSettled: a close taken by its time is known by its order from then on", () => {
  it("names the unanswered close by the fill's order, so a later trade by hand is the trader's", () => {
    const record = flattenSending({ state: "LIQUIDATE_ONLY" }, "ESZ6", T);
    const byHand = fill({ orderId: 12, ts: T + 2_000 });
    expect(isFlattenFill(record.flattenOrders, byHand)).toBe(true);
    const settled = flattenFillSettled(record, fill({ orderId: 11, ts: T + 300 }));
    expect(settled.flattenOrders).toEqual([{ contract: "ESZ6", orderId: 11, sentAt: T }]);
    expect(isFlattenFill(settled.flattenOrders, byHand)).toBe(false);
    expect(isFlattenFill(settled.flattenOrders, fill({ orderId: 11, ts: T + 900 }))).toBe(true);
  });

  it("leaves a record whose close already names the order, or that no close matches, as it is", () => {
    const named = flattenPlaced(
      { state: "LOCKED" },
      { contract: "ESZ6", orderId: 7, sentAt: T, answeredAt: T },
    );
    expect(flattenFillSettled(named, fill({ orderId: 7 }))).toBe(named);
    const sent = flattenSending({ state: "LIQUIDATE_ONLY" }, "ESZ6", T);
    expect(flattenFillSettled(sent, fill({ contract: "NQZ6" }))).toBe(sent);
    expect(flattenFillSettled(sent, fill({ orderId: 0 }))).toBe(sent);
  });
});

describe("flattenPlaced", () => {
  it("keeps the last ten, each once", () => {
    let record: FollowerRiskRecord = { state: "LIQUIDATE_ONLY" };
    for (let i = 1; i <= 12; i++)
      record = flattenPlaced(record, { contract: "ESZ6", orderId: i, sentAt: T + i, answeredAt: T + i });
    record = flattenPlaced(record, { contract: "ESZ6", orderId: 12, sentAt: T + 12, answeredAt: T + 12 });
    expect(record.flattenOrders?.map((o) => o.orderId)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(record.state).toBe("LIQUIDATE_ONLY");
  });
});

describe("a flatten's orders in the risk record", () => {
  it("are saved with it and known after a restart (a kill -9 before the re-sync)", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    await r.engine.flattenAndLock(["F1"]);
    expect(alertsOf(r.events, "F1").some((m) => m.includes("LOCKED"))).toBe(true);
    const saved = r.store.state.followers.F1?.flattenOrders;
    expect(saved).toEqual([
      { contract: ES.name, orderId: 99, sentAt: r.clock.now(), answeredAt: r.clock.now() },
    ]);
    const restarted = r.restart();
    await restarted.start();
    expect(restarted.flattenFill("F1", fill({ orderId: 99 }))).toBe(true);
    expect(restarted.flattenFill("F1", fill({ orderId: 98 }))).toBe(false);
  });

  it("are on disk before the liquidation goes: a kill -9 before its answer still knows its fill", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    const sentAt = r.clock.now();
    let onDisk: FollowerRiskRecord | undefined;
    // The broker takes the close and fills it; mimik is killed before its answer: what is on disk
    // then is all a restart has.
    r.liquidator.liquidate = async () => {
      onDisk = structuredClone(r.store.state.followers.F1);
      return new Promise(() => {});
    };
    void r.engine.flattenAndLock(["F1"]);
    await eventuallyTrue(() => onDisk !== undefined);
    expect(onDisk?.state).toBe("LIQUIDATE_ONLY");
    expect(onDisk?.flattenOrders).toEqual([{ contract: ES.name, sentAt }]);
    const restarted = r.restart();
    await restarted.start();
    // The close's fill, a moment later at the broker, named by an order mimik never heard of.
    expect(restarted.flattenFill("F1", fill({ orderId: 4321, contract: ES.name, ts: sentAt + 300 }))).toBe(
      true,
    );
    // Another contract's fill is another order (the close is known by 4321 from its first fill on).
    expect(restarted.flattenFill("F1", fill({ orderId: 4322, contract: NQ.name, ts: sentAt + 300 }))).toBe(
      false,
    );
  });

  it("a retry's close is on disk before it goes too, and a refused one's entry goes", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    r.liquidator.failNext = 1;
    await r.engine.flattenAndLock(["F1"]);
    expect(r.store.state.followers.F1?.state).toBe("LIQUIDATE_ONLY");
    // The first close, saved with the lock, was refused: nothing of it fills.
    expect(r.store.state.followers.F1?.flattenOrders).toBeUndefined();
    let onDisk: FollowerRiskRecord | undefined;
    r.liquidator.liquidate = async () => {
      onDisk = structuredClone(r.store.state.followers.F1);
      return new Promise(() => {});
    };
    const retryAt = r.clock.now() + 1_000;
    await r.clock.advance(1_000);
    await eventuallyTrue(() => onDisk !== undefined);
    expect(onDisk?.flattenOrders).toEqual([{ contract: ES.name, sentAt: retryAt }]);
  });

  it("are kept when the liquidation's answer is lost (it may be done), not when the broker refused it", async () => {
    const r = await longF1({ dailyLoss: 1000 });
    const { liquidator } = r;
    const real = liquidator.liquidate;
    let lost = true;
    liquidator.liquidate = async (follower, contractId) => {
      if (!lost) return real(follower, contractId);
      lost = false;
      return {
        ok: false,
        failureReason: "Disconnected",
        failureText: "socket closed",
        writtenAt: 0,
        ackAt: 0,
      };
    };
    liquidator.failNext = 0;
    await r.engine.flattenAndLock(["F1"]);
    expect(r.store.state.followers.F1?.flattenOrders).toEqual([
      { contract: ES.name, sentAt: r.clock.now(), answeredAt: r.clock.now() },
    ]);
    const refused = await longF1({ dailyLoss: 1000 });
    refused.liquidator.failNext = 1;
    refused.liquidator.fillOnAccept = false;
    await refused.engine.flattenAndLock(["F1"]);
    expect(refused.store.state.followers.F1?.flattenOrders).toBeUndefined();
  });
});
