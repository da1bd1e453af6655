import { describe, expect, it } from "vitest";
import { FollowerBook } from "../../engine/copier/followerBook.js";
import { type OrderMeta, OrderTracker } from "../../engine/copier/orderTracker.js";
import { LeaderGuardError, type MarketOrder } from "../../engine/orders/gateway.js";
import type { BrokerSession, CopyEvent, EngineEvent, FillEvent, OrderResult } from "../../engine/types.js";
import { silentLogger } from "../../engine/types.js";
import { fakeClock } from "./fakeBroker.js";

const session = { connection: "c" } as unknown as BrokerSession;
const route = { session, accountId: 7 };

function setup() {
  const clock = fakeClock();
  const events: EngineEvent[] = [];
  const book = new FollowerBook();
  const answers = new Map<string, (r: OrderResult) => void>();
  const fills: number[] = [];
  let refuse = false;
  const tracker = new OrderTracker({
    clock,
    emit: (e) => events.push(e),
    book,
    logger: silentLogger,
    gateway: {
      placeMarket: (order: MarketOrder) => {
        if (refuse) throw new LeaderGuardError(order.follower, "g");
        return new Promise<OrderResult>((resolve) => answers.set(order.clOrdId, resolve));
      },
      recordFill: (startedAt, receivedAt) => {
        fills.push(receivedAt - startedAt);
      },
    },
  });
  const meta = (follower: string, fillId: number, contract = "ESZ6"): OrderMeta => ({
    group: "g",
    follower,
    fillId,
    contract,
    kind: "open",
    side: "Buy",
    startedAt: clock.mono(),
  });
  const fill = (clOrdId: string, orderId: number): FillEvent => ({
    type: "fill",
    connection: "c",
    accountId: 7,
    fillId: orderId,
    orderId,
    contractId: "1",
    contract: "ESZ6",
    side: "Buy",
    qty: 1,
    price: 1,
    ts: 0,
    receivedAt: clock.mono(),
    clOrdId,
  });
  const ack = (clOrdId: string, orderId: number) =>
    answers.get(clOrdId)?.({ ok: true, orderId, writtenAt: 0, ackAt: clock.mono() });
  const copies = (): string[] =>
    events
      .filter((e): e is CopyEvent => e.type === "copy")
      .map((e) => `${e.follower} ${e.fillId} ${e.outcome}${e.outcome === "rejected" ? `: ${e.reason}` : ""}`);
  return {
    tracker,
    book,
    events,
    fills,
    meta,
    fill,
    ack,
    copies,
    answers,
    refuse: () => {
      refuse = true;
    },
  };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe("OrderTracker: each live order's story, never forgotten while live", () => {
  it("12 000 orders in flight: the first one's ack and fill are still told with what it was for", async () => {
    const t = setup();
    for (let f = 0; f < 12; f++)
      for (let n = 0; n < 1000; n++) t.tracker.send(route, t.meta(`F${f}`, f * 1000 + n), 1, `F${f}-${n}`);
    t.ack("F0-0", 1);
    await settle();
    t.tracker.followerFill("F0", t.fill("F0-0", 1));
    expect(t.copies()).toEqual(["F0 0 accepted", "F0 0 filled"]);
    expect(t.fills).toHaveLength(1);
    expect(t.book.isPending("F0-0")).toBe(false);
    expect(t.book.isPending("F11-999")).toBe(true);
  });

  it.each([
    [
      "a reject: told, alerted, no longer in flight",
      (t: ReturnType<typeof setup>) =>
        t.answers.get("c1")?.({
          ok: false,
          failureReason: "RiskCheckFailed",
          failureText: "margin",
          ackAt: 0,
        }),
      ["A 5 rejected: RiskCheckFailed: margin"],
      1,
    ],
    [
      "cancelled after it was accepted: told as rejected",
      (t: ReturnType<typeof setup>) => {
        t.ack("c1", 9);
        return settle().then(() =>
          t.tracker.orderStatus({
            type: "orderStatus",
            connection: "c",
            accountId: 7,
            orderId: 9,
            contractId: "1",
            status: "Canceled",
          }),
        );
      },
      ["A 5 accepted", "A 5 rejected: Canceled"],
      0,
    ],
    [
      "folded into a snapshot: its late ack tells nothing",
      (t: ReturnType<typeof setup>) => {
        t.tracker.forget(t.book.resetAccount("A", []));
        t.ack("c1", 9);
      },
      [],
      0,
    ],
  ] as const)("%s", async (_, happen, told, alerts) => {
    const t = setup();
    t.book.seed("A", "ESZ6", 0);
    t.tracker.send(route, t.meta("A", 5), 1, "c1");
    expect(t.book.position("A", "ESZ6")).toBe(1);
    await happen(t);
    await settle();
    expect(t.copies()).toEqual(told);
    expect(t.events.filter((e) => e.type === "alert")).toHaveLength(alerts);
    expect(t.book.isPending("c1")).toBe(false);
    expect(t.book.position("A", "ESZ6")).toBe(0);
  });

  it("an order the gateway refuses is not sent, not in flight, and not told twice", () => {
    const t = setup();
    t.refuse();
    expect(t.tracker.send(route, t.meta("A", 5), 1, "c1")).toBeUndefined();
    expect(t.book.isPending("c1")).toBe(false);
    expect(t.book.full("A")).toBe(false);
    expect(t.events).toEqual([]);
  });
});

describe("orders whose answers were lost are kept for the follower's re-sync", () => {
  const answer = (t: ReturnType<typeof setup>, clOrdId: string, r: Partial<OrderResult>) =>
    t.answers.get(clOrdId)?.({ ok: false, failureReason: "x", ackAt: 0, ...r } as OrderResult);

  it.each([
    ["the socket closed after the write", { failureReason: "Disconnected", writtenAt: 1 }, ["c1"]],
    ["timed out after the write", { failureReason: "Timeout", writtenAt: 1 }, ["c1"]],
    ["never written (no socket)", { failureReason: "Disconnected" }, []],
    ["refused by the broker", { failureReason: "RiskCheckFailed", writtenAt: 1 }, []],
  ] as const)("%s: unanswered %o", async (_, result, expected) => {
    const t = setup();
    t.tracker.send(route, t.meta("A", 5), 1, "c1");
    answer(t, "c1", result);
    await settle();
    expect([...t.tracker.takeUnanswered("A", []).keys()]).toEqual(expected);
    expect([...t.tracker.takeUnanswered("A", []).keys()]).toEqual([]);
  });

  it("one the broker still works is kept past the re-sync, and holds its line only", async () => {
    const t = setup();
    t.tracker.send(route, t.meta("A", 5), 1, "c1");
    t.tracker.send(route, t.meta("A", 6, "NQZ6"), 1, "c2");
    answer(t, "c1", { failureReason: "Timeout", writtenAt: 1 });
    answer(t, "c2", { failureReason: "Timeout", writtenAt: 1 });
    await settle();
    const working = [{ orderId: 7, accountId: 1, contractId: "1", clOrdId: "c1" }];
    expect(t.tracker.unheardWorking("A", "ESZ6", working)).toBe(true);
    expect(t.tracker.unheardWorking("A", "NQZ6", working)).toBe(false);
    expect(t.tracker.unheardWorking("B", "ESZ6", working)).toBe(false);
    expect(t.tracker.unheardWorking("A", "ESZ6", [])).toBe(false);
    expect(t.tracker.takeUnanswered("A", working)).toEqual(
      new Map([
        ["c1", "ESZ6"],
        ["c2", "NQZ6"],
      ]),
    );
    expect(t.tracker.unheardWorking("A", "ESZ6", working)).toBe(true);
    expect(t.tracker.takeUnanswered("A", [])).toEqual(new Map([["c1", "ESZ6"]]));
    expect(t.tracker.unheardWorking("A", "ESZ6", working)).toBe(false);
  });

  it("live orders a snapshot lets go of, per follower; answered ones are not", async () => {
    const t = setup();
    t.tracker.send(route, t.meta("A", 5), 1, "c1");
    t.tracker.send(route, t.meta("A", 6), 1, "c2");
    t.tracker.send(route, t.meta("B", 5), 1, "c3");
    t.ack("c2", 9);
    t.tracker.followerFill("A", t.fill("c2", 9));
    await settle();
    t.tracker.forget(t.book.resetAccount("A", []));
    expect(t.tracker.takeUnanswered("A", [])).toEqual(new Map([["c1", "ESZ6"]]));
    expect(t.tracker.takeUnanswered("B", [])).toEqual(new Map());
  });
});
