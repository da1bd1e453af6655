/** Issue 14's events at the edges: headless lines, the journal sink, the outbox's newest-state rule. */
import { describe, expect, it } from "vitest";
import { formatEntry } from "../../data/journal/format.js";
import type { MirrorEvent, WorkingOrdersEvent } from "../../engine/types.js";
import { describeEvent } from "../../src/headless/format.js";
import { EventOutbox, type OutboxBatch } from "../../src/process/engineThread/outbox.js";
import { journalSink } from "../../src/process/journalSink.js";
import { buildConfig } from "../copier/harness.js";

const placed: MirrorEvent = {
  type: "mirror",
  at: 0,
  group: "G",
  follower: "F",
  contract: "MESZ6",
  leaderOrderId: 4567,
  action: "place",
  outcome: "sent",
  reason: "protects the position at the leader's prices",
  side: "Sell",
  orderType: "Stop",
  qty: 1,
  stopPrice: 6790,
  clOrdId: "mm-4567-2-abc",
};

const working = (qty: number): WorkingOrdersEvent => ({
  type: "workingOrders",
  at: 0,
  account: "F",
  orders: [
    {
      orderId: 9,
      contract: "MESZ6",
      side: "Sell",
      orderType: "Stop",
      qty,
      stopPrice: 6790,
      status: "Working",
      leaderOrderId: 4567,
    },
  ],
  notMirrored: [],
});

describe("mirror events at the edges", () => {
  it("read as one line each in headless output", () => {
    expect(describeEvent(placed)).toBe(
      "MIRR  F place Sell 1 Stop 6790 MESZ6 ← leader order 4567: protects the position at the leader's prices",
    );
    expect(
      describeEvent({ ...placed, action: "modify", outcome: "rejected", reason: "rejected: TooLate" }),
    ).toContain("modify REJECTED");
    expect(describeEvent(working(1))).toBe("ORDS  F Sell 1 MESZ6 Stop 6790 ← 4567");
    expect(describeEvent({ ...working(1), orders: [] })).toBe("ORDS  F none working");
  });

  it("the journal keeps every mirror action with its leader order and reason, not the working-order lists", () => {
    const appended: unknown[] = [];
    const sink = journalSink({ append: (e: unknown) => appended.push(e) } as never, () => buildConfig([]));
    sink(placed);
    sink(working(1));
    expect(appended).toEqual([
      expect.objectContaining({ type: "mirror", leaderOrderId: 4567, reason: placed.reason }),
    ]);
  });

  it("mimik log prints a mirror entry as one line with its leader order and reason", () => {
    const line = formatEntry({ seq: 1, ...placed, at: "2026-11-20T14:03:22.000Z" } as never);
    expect(line).toContain("mirror");
    expect(line).toContain("F ");
    expect(line).toContain(
      "place sent Sell 1 Stop 6790 MESZ6 <- leader order 4567 (protects the position at the leader's prices)",
    );
  });

  it("a stalled main thread gets each follower's newest working orders, not every change", () => {
    const batches: OutboxBatch[] = [];
    const outbox = new EventOutbox((b) => batches.push(b), { maxUnacked: 1, schedule: (f) => f() });
    outbox.push(working(1)); // sent: now holding
    outbox.push(working(2));
    outbox.push(working(3));
    outbox.ack(batches.at(-1)!.seq);
    expect(
      batches.flatMap((b) => b.events).map((e) => e.type === "workingOrders" && e.orders[0]!.qty),
    ).toEqual([1, 3]);
  });
});
