import { describe, expect, it } from "vitest";
import { SetLedger } from "../../engine/runtime/memoryStores.js";

describe("SetLedger: every leader fill acted on, by connection:fillId", () => {
  it.each([
    ["a key added is held", ["demo:100000000001"], "demo:100000000001", true],
    ["another id is not", ["demo:100000000001"], "demo:100000000002", false],
    ["the same id on another connection is another fill", ["demo:5"], "live:5", false],
    ["a connection with a colon in its name", ["a:b:5"], "a:b:5", true],
    ["…is not the same as its last part", ["a:b:5"], "b:5", false],
    ["an id written another way is another key", ["demo:7"], "demo:007", false],
    ["a key of another shape is held as it is", ["demo:x7"], "demo:x7", true],
    ["…and not confused with a numeric one", ["demo:x7"], "demo:7", false],
    ["a key without a connection is held as it is", [":7"], ":7", true],
  ] as const)("%s", (_, seed, key, held) => {
    expect(new SetLedger(seed).has(key)).toBe(held);
  });

  it("counts what it holds once, seeded and added alike", () => {
    const ledger = new SetLedger(["c1:1", "c1:2", "c2:1", "odd"]);
    ledger.add("c1:2");
    ledger.add("c1:3");
    ledger.add("odd");
    expect(ledger.size).toBe(5);
  });
});
