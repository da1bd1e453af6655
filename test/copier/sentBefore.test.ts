import { describe, expect, it } from "vitest";
import { actedSince, type LeaderStep, SentBefore } from "../../engine/copier/sentBefore.js";
import type { HistoryFillEvent, SyncEvent } from "../../engine/types.js";

const step = (fillId: number, delta: number, orderId = fillId * 10): LeaderStep => ({
  fillId,
  orderId,
  delta,
});

describe("actedSince: what a follower acted on, from the leader fills its copies name", () => {
  // The leader bought 4 (fill 1), then sold 3 (fill 2): it holds 1.
  const steps = [step(1, 4), step(2, -3)];

  it("the reduce's copy went, the file still says +4: it acted on +1", () => {
    expect(actedSince(4, 1, 1, steps, new Set([1, 2]))).toBe(1);
  });

  it("the file already says +1: it stands", () => {
    expect(actedSince(1, 1, 1, steps, new Set([1, 2]))).toBe(1);
  });

  it("only the opening's copy went (the reduce was missed): +4 stands, the re-sync makes the reduce up", () => {
    expect(actedSince(4, 1, 1, steps, new Set([1]))).toBe(4);
  });

  it("an older file than the opening's copy: it acted on the opening at least", () => {
    expect(actedSince(0, 1, 1, steps, new Set([1]))).toBe(4);
  });

  it("no copy named: what the file says stands", () => {
    expect(actedSince(4, 1, 1, steps, new Set())).toBe(4);
    expect(actedSince(4, 1, 1, steps, new Set([99]))).toBe(4);
  });

  it("a later fill of a copied order counts: a fixed size copies an order's first fill only", () => {
    // One leader order of 2 in two fills (1 + 1) from 2: the copy names the first.
    const partial = [step(1, 2, 7), step(2, 1, 8), step(3, 1, 8)];
    expect(actedSince(2, 4, 4, partial, new Set([2]))).toBe(4);
  });

  it("the leader moved after the snapshot: the leader's position now is a later one too", () => {
    expect(actedSince(3, 3, 1, steps, new Set([2]))).toBe(3);
  });
});

const fill = (accountId: number, fillId: number, side: "Buy" | "Sell", qty: number, clOrdId?: string) =>
  ({
    type: "historyFill",
    connection: "c",
    accountId,
    fillId,
    orderId: fillId + 100,
    contractId: "1",
    contract: "ESZ6",
    side,
    qty,
    price: 1,
    ts: 0,
    clOrdId,
  }) as HistoryFillEvent;

describe("SentBefore: a start's snapshot, then the follower's first reconcile", () => {
  const names: Record<number, string> = { 1: "LEAD", 2: "FOL" };
  const accounts = {
    nameAt: (_: string, id: number) => names[id],
    role: (name: string) =>
      (name === "LEAD" ? { kind: "leader" } : { kind: "follower" }) as ReturnType<
        ConstructorParameters<typeof SentBefore>[0]["role"]
      >,
  };
  const sync = (initial: boolean): SyncEvent => ({
    type: "sync",
    connection: "c",
    initial,
    accounts: [
      { id: 1, name: "LEAD" },
      { id: 2, name: "FOL" },
    ] as SyncEvent["accounts"],
    positions: [
      { accountId: 1, contractId: "1", contract: "ESZ6", netPos: 1, netPrice: 1 },
    ] as SyncEvent["positions"],
    fillIds: [],
    fills: [
      fill(1, 11, "Buy", 4),
      fill(1, 12, "Sell", 3),
      fill(2, 21, "Buy", 2, "mk-11-2"),
      fill(2, 22, "Sell", 1, "mk-12-2"),
      fill(2, 23, "Sell", 1, "mk-12-9"),
    ],
  });

  it("corrects the stale line once, then forgets the follower", () => {
    const sent = new SentBefore(accounts);
    sent.record(sync(true));
    const taken = sent.take(
      "FOL",
      "LEAD",
      () => 4,
      () => 1,
    );
    expect([...taken]).toEqual([["ESZ6", 1]]);
    expect(
      sent.take(
        "FOL",
        "LEAD",
        () => 4,
        () => 1,
      ).size,
    ).toBe(0);
  });

  it("a reconnect's snapshot is not read: what it acted on is in memory", () => {
    const sent = new SentBefore(accounts);
    sent.record(sync(false));
    expect(
      sent.take(
        "FOL",
        "LEAD",
        () => 4,
        () => 1,
      ).size,
    ).toBe(0);
  });
});
