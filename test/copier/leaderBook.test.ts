import { describe, expect, it } from "vitest";
import { CountedTrades } from "../../engine/copier/countedTrades.js";
import { LeaderBook } from "../../engine/copier/leaderBook.js";

describe("LeaderBook: the leader's position per contract, and which of its orders opened", () => {
  it.each([
    ["an opening fill is its order's first", [[0, 2, 100]], [true], 2],
    [
      "a later fill of the same opening order is not",
      [
        [0, 1, 100],
        [1, 3, 100],
      ],
      [true, false],
      3,
    ],
    [
      "a new adding order is first again",
      [
        [0, 1, 100],
        [1, 2, 101],
      ],
      [true, true],
      2,
    ],
    [
      "a reduce does not open",
      [
        [0, 2, 100],
        [2, 1, 102],
        [1, 2, 102],
      ],
      [true, true, true],
      2,
    ],
    [
      "a flip opens the new side",
      [
        [0, 2, 100],
        [2, -1, 103],
        [-1, -2, 103],
      ],
      [true, true, false],
      -2,
    ],
    [
      "flat forgets every order: the same id opens afresh",
      [
        [0, 1, 100],
        [1, 0, 104],
        [0, 1, 100],
      ],
      [true, true, true],
      1,
    ],
  ] as const)("%s", (_, steps, firsts, position) => {
    const book = new LeaderBook();
    expect(steps.map(([b, a, id]) => book.step("L", "ESZ6", b, a, id))).toEqual(firsts);
    expect(book.known("L", "ESZ6")).toBe(position);
  });

  it("a snapshot sets every contract: those it does not list are flat", () => {
    const book = new LeaderBook();
    book.step("L", "ESZ6", 0, 2, 1);
    book.step("L", "NQZ6", 0, -1, 2);
    book.reset("L", [{ accountId: 1, contractId: "9", contract: "CLZ6", netPos: 3, netPrice: 60 }]);
    expect([...book.held("L")]).toEqual([
      ["ESZ6", 0],
      ["NQZ6", 0],
      ["CLZ6", 3],
    ]);
    expect(book.known("M", "ESZ6")).toBeUndefined();
    expect([...book.held("M")]).toEqual([]);
  });

  it("knows which connections have had a snapshot", () => {
    const book = new LeaderBook();
    book.markSynced("c1");
    expect([book.isSynced("c1"), book.isSynced("c2")]).toEqual([true, false]);
  });
});

describe("CountedTrades: a leader order counts once per follower", () => {
  it("per follower, per leader order", () => {
    const counted = new CountedTrades();
    counted.add("A", 100);
    expect([counted.has("A", 100), counted.has("A", 101), counted.has("B", 100)]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("keeps a follower's last 1 000 leader orders (broker ids, above 2^31), the oldest forgotten first", () => {
    const counted = new CountedTrades();
    const first = 100_000_000_000;
    for (let i = 0; i <= 1_000; i++) counted.add("A", first + i);
    expect([counted.has("A", first), counted.has("A", first + 1), counted.has("A", first + 1_000)]).toEqual([
      false,
      true,
      true,
    ]);
    counted.add("A", first + 1); // a repeat does not make it younger: it is the next forgotten
    counted.add("A", first + 1_001);
    expect([counted.has("A", first + 1), counted.has("A", first + 2)]).toEqual([false, true]);
  });
});

describe("LeaderBook: the volume counted into each line (what the leader guard judges reports by)", () => {
  const snap = (contract: string, netPos: number, volume: number | undefined) => ({
    accountId: 1,
    contractId: contract,
    contract,
    netPos,
    netPrice: undefined,
    volume,
  });

  it("is unknown before a snapshot, the snapshot's bought + sold after it, 0 for a contract it lacks", () => {
    const book = new LeaderBook();
    book.step("L", "ESZ6", 0, 2, 1);
    expect(book.volume("L", "ESZ6")).toBeUndefined();
    book.reset("L", [snap("ESZ6", 2, 6)]);
    expect([book.volume("L", "ESZ6"), book.volume("L", "NQZ6")]).toEqual([6, 0]);
    expect(book.generation("L")).toBe(1);
  });

  it("grows by each fill's size (a flip's whole size too), is unknown after a bust, and is the report's once adopted", () => {
    const book = new LeaderBook();
    book.reset("L", [snap("ESZ6", 0, 4)]);
    book.step("L", "ESZ6", 0, 2, 1);
    book.step("L", "ESZ6", 2, -1, 2);
    expect(book.volume("L", "ESZ6")).toBe(9);
    book.adopt("L", "ESZ6", 3, 12);
    expect([book.known("L", "ESZ6"), book.volume("L", "ESZ6")]).toEqual([3, 12]);
    book.correct("L", "ESZ6", 1);
    expect(book.volume("L", "ESZ6")).toBeUndefined();
    book.step("L", "ESZ6", 1, 0, 3);
    expect(book.volume("L", "ESZ6")).toBeUndefined();
  });

  it("a report without volume, adopted, leaves the line's volume unknown", () => {
    const book = new LeaderBook();
    book.reset("L", [snap("ESZ6", 0, undefined)]);
    book.step("L", "ESZ6", 0, 1, 1);
    expect(book.volume("L", "ESZ6")).toBeUndefined();
    book.adopt("L", "ESZ6", 2, undefined);
    expect([book.known("L", "ESZ6"), book.volume("L", "ESZ6")]).toEqual([2, undefined]);
  });

  it("a contract the snapshot lacks is counted from 0 on an assumption, until a report sets its count", () => {
    const book = new LeaderBook();
    expect(book.assumed("L", "ESZ6")).toBe(false);
    book.reset("L", [snap("ESZ6", 0, 4)]);
    expect([book.assumed("L", "ESZ6"), book.assumed("L", "NQZ6"), book.assumed("L", "YMZ6")]).toEqual([
      false,
      true,
      true,
    ]);
    book.step("L", "NQZ6", 0, 1, 1);
    expect([book.assumed("L", "NQZ6"), book.volume("L", "NQZ6")]).toEqual([true, 1]);
    book.rebase("L", "NQZ6", 5);
    book.adopt("L", "YMZ6", 2, 8);
    expect([book.assumed("L", "NQZ6"), book.volume("L", "NQZ6"), book.known("L", "NQZ6")]).toEqual([
      false,
      5,
      1,
    ]);
    expect([book.assumed("L", "YMZ6"), book.volume("L", "YMZ6")]).toEqual([false, 8]);
    book.reset("L", []);
    expect(book.assumed("L", "NQZ6")).toBe(true);
  });
});
