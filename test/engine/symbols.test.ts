import { describe, expect, it } from "vitest";
import { mapContract, otherSizeOf, parseContract, rootOf } from "../../engine/symbols.js";

describe("contract names", () => {
  it.each([
    ["ESZ6", "ES"],
    ["MESZ6", "MES"],
    ["M2KH7", "M2K"],
    ["6EZ6", "6E"],
    ["CLF7", "CL"],
  ])("root of %s is %s", (contract, root) => {
    expect(rootOf(contract)).toBe(root);
  });

  it("parses month and single-digit year", () => {
    expect(parseContract("NQM7")).toEqual({ root: "NQ", month: "M", year: 7 });
    expect(parseContract("ES")).toBeUndefined();
  });

  it.each([
    ["NQZ6", "toMicro", "MNQZ6"],
    ["MNQZ6", "toMini", "NQZ6"],
    ["RTYH7", "toMicro", "M2KH7"],
    ["CLF7", "toMicro", "MCLF7"],
    ["ZBZ6", "toMicro", "ZBZ6"],
    ["ESZ6", "none", "ESZ6"],
    ["MESZ6", "toMicro", "MESZ6"],
  ] as const)("maps %s with %s to %s", (from, mapping, to) => {
    expect(mapContract(from, mapping)).toBe(to);
  });

  it.each([
    ["ESZ6", "MESZ6"],
    ["MESZ6", "ESZ6"],
    ["M2KH7", "RTYH7"],
    ["ZBZ6", undefined],
  ] as const)("the other size of %s is %s", (contract, other) => {
    expect(otherSizeOf(contract)).toBe(other);
  });
});
