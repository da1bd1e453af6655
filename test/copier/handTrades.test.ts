import { describe, expect, it } from "vitest";
import { HandTrades, handKept, handWords, ours } from "../../engine/copier/handTrades.js";
import type { HistoryFillEvent, SyncEvent } from "../../engine/types.js";

describe("trades made by hand on a line judged from where it stands", () => {
  it("ours: what mimik writes (copies, re-syncs, retries, mirrored orders); the rest is the trader's", () => {
    expect(ours("mk-901-7")).toBe(true);
    expect(ours("mk-rc-7-abc-1")).toBe(true);
    expect(ours("mm-55-7-1")).toBe(true);
    expect(ours(undefined)).toBe(false);
    expect(ours("ninja-42")).toBe(false);
  });

  it("handKept: all of them while the leader holds the line's side, at most what the line holds", () => {
    expect(handKept(2, 5, 3)).toBe(2);
    expect(handKept(2, 1, 3)).toBe(1);
    expect(handKept(-2, -5, -3)).toBe(-2);
  });

  it("handKept: none once the leader is flat or across (a close takes them too), none that reduced the line", () => {
    expect(handKept(2, 5, 0)).toBe(0);
    expect(handKept(2, 5, -1)).toBe(0);
    expect(handKept(-1, 2, 3)).toBe(0);
    expect(handKept(0, 5, 3)).toBe(0);
  });

  it("handWords: what was found, what was done, and why", () => {
    expect(handWords("A", "ESZ6", { has: 5, hand: 2, kept: 2, moved: 0 }, 3)).toBe(
      "A: ESZ6 held +5 at its re-sync, +2 of them traded by hand while mimik was away: left as they are while the leader holds the side (only its close takes them); nothing sold",
    );
    expect(handWords("A", "ESZ6", { has: 6, hand: 2, kept: 2, moved: -1 }, 3)).toBe(
      "A: ESZ6 held +6 at its re-sync, +2 of them traded by hand while mimik was away: left as they are while the leader holds the side (only its close takes them); sold 1 of the rest (mimik's orders there were in doubt)",
    );
    expect(handWords("A", "ESZ6", { has: -4, hand: -1, kept: 0, moved: 4 }, 2)).toBe(
      "A: ESZ6 held -4 at its re-sync, -1 of them traded by hand while mimik was away: bought 4, as the leader is on the other side (a close takes trades by hand too)",
    );
  });

  it("handWords: nothing to say when the line holds none of them", () => {
    expect(handWords("A", "ESZ6", { has: 2, hand: -1, kept: 0, moved: 0 }, 3)).toBeUndefined();
    expect(handWords("A", "ESZ6", { has: 0, hand: 1, kept: 0, moved: 0 }, 0)).toBeUndefined();
  });
});

const fill = (accountId: number, side: "Buy" | "Sell", qty: number, clOrdId?: string): HistoryFillEvent => ({
  type: "historyFill",
  connection: "c",
  accountId,
  fillId: 1,
  orderId: 2,
  contractId: "1",
  contract: "ESZ6",
  side,
  qty,
  price: 1,
  ts: 0,
  clOrdId,
});

describe("HandTrades: a follower's snapshot, then the reconcile of its lines", () => {
  const accounts = {
    nameAt: (_: string, id: number) => (id === 1 ? "LEAD" : id === 2 ? "FOL" : undefined),
    role: (name: string) =>
      (name === "LEAD" ? { kind: "leader" } : { kind: "follower" }) as ReturnType<
        ConstructorParameters<typeof HandTrades>[0]["role"]
      >,
  };
  const sync = (fills: HistoryFillEvent[]): SyncEvent => ({
    type: "sync",
    connection: "c",
    initial: false,
    accounts: [
      { id: 1, name: "LEAD" },
      { id: 2, name: "FOL" },
    ],
    positions: [],
    fillIds: [],
    fills,
  });

  it("sums the follower's fills that are not mimik's, per contract; a leader's are not counted", () => {
    const hand = new HandTrades(accounts);
    hand.record(
      sync([fill(2, "Buy", 3), fill(2, "Sell", 1), fill(2, "Buy", 1, "mk-9-2"), fill(1, "Buy", 4)]),
    );
    expect(hand.on("FOL", "ESZ6")).toBe(2);
    expect(hand.on("LEAD", "ESZ6")).toBe(0);
    hand.settled("FOL", "ESZ6");
    expect(hand.on("FOL", "ESZ6")).toBe(0);
  });

  it("a fill whose order is not known (ProjectX: filled while the hub was away) may be ours: not counted", () => {
    const hand = new HandTrades(accounts);
    hand.record(sync([{ ...fill(2, "Buy", 3), orderUnknown: true }, fill(2, "Buy", 1)]));
    expect(hand.on("FOL", "ESZ6")).toBe(1);
  });

  it("a fill of one of mimik's flattens (no clOrdId of ours, but risk knows its order) is not the trader's", () => {
    const asked: string[] = [];
    const hand = new HandTrades(accounts, (name, f) => {
      asked.push(`${name} ${f.orderId}`);
      return f.orderId === 5;
    });
    hand.record(sync([{ ...fill(2, "Buy", 2), orderId: 5 }, fill(2, "Buy", 1)]));
    expect(hand.on("FOL", "ESZ6")).toBe(1);
    expect(asked).toEqual(["FOL 5", "FOL 2"]);
  });

  it("the next snapshot replaces what the last said", () => {
    const hand = new HandTrades(accounts);
    hand.record(sync([fill(2, "Buy", 3)]));
    hand.record(sync([]));
    expect(hand.on("FOL", "ESZ6")).toBe(0);
  });
});
