import { describe, expect, it } from "vitest";
import { FillDedupe } from "../../engine/copier/fillDedupe.js";
import { MemoryLedger } from "./harness.js";

describe("FillDedupe: each fill acted on at most once, ever", () => {
  it.each([
    ["a new leader fill is acted on, and marked in the ledger", [], "c1", 5, true],
    ["the same fill again is not", [["c1", 5]], "c1", 5, false],
    ["the same id on another connection is another fill", [["c1", 5]], "c2", 5, true],
  ] as const)("%s", (_, before, connection, fillId, expected) => {
    const ledger = new MemoryLedger();
    const dedupe = new FillDedupe(ledger);
    for (const [c, id] of before) dedupe.firstLeaderFill(c, id);
    expect(dedupe.firstLeaderFill(connection, fillId)).toBe(expected);
    expect(ledger.keys.has(`${connection}:${fillId}`)).toBe(true);
  });

  it("a fill in the ledger (a restart) or in a sync snapshot (history) is never copied", () => {
    const ledger = new MemoryLedger();
    ledger.add("c1:5");
    const dedupe = new FillDedupe(ledger);
    dedupe.history("c1", [6, 7]);
    expect([5, 6, 7, 8].map((id) => dedupe.firstLeaderFill("c1", id))).toEqual([false, false, false, true]);
    // The ledger is the one record of leader fills: history is marked there too.
    expect([...ledger.keys].sort()).toEqual(["c1:5", "c1:6", "c1:7", "c1:8"]);
  });

  it("follower fills are counted once, apart from leader fills and the ledger", () => {
    const ledger = new MemoryLedger();
    const dedupe = new FillDedupe(ledger);
    dedupe.firstLeaderFill("c1", 5);
    expect([dedupe.firstFollowerFill("c1", 5), dedupe.firstFollowerFill("c1", 5)]).toEqual([true, false]);
    expect([...ledger.keys]).toEqual(["c1:5"]);
  });
});
