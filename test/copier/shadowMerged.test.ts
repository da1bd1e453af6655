import { describe, expect, it } from "vitest";
import { world } from "./harness.js";

/**
 * A shadow follower is decided for exactly as a live one (issue 16), on a line two leader
 * contracts share too (toMicro: ESZ6 and MESZ6 both to MESZ6).
 */
describe("a shadow follower on a line two leader contracts share", () => {
  it("the leader's MES scalp closing takes only its own part of the shadow's would-be line, as of the live one's", async () => {
    const w = world([
      {
        name: "g",
        leader: "L",
        followers: [
          { account: "A", mapping: "toMicro" },
          { account: "S", mapping: "toMicro", shadow: true },
        ],
      },
    ]);
    w.trade("L", "ESZ6", "Buy", 1);
    w.trade("L", "MESZ6", "Buy", 2);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(3);
    expect(w.copier.shadows.position("S", "MESZ6")).toBe(3);
    w.trade("L", "MESZ6", "Sell", 2);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(1);
    expect(w.copier.shadows.position("S", "MESZ6")).toBe(1);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(0);
    expect(w.copier.shadows.position("S", "MESZ6")).toBe(0);
    expect(w.broker.placed.filter((p) => p.accountName === "S")).toEqual([]);
  });
});

describe("a shadow follower under the account's max open contracts", () => {
  it("is held within it across contracts, as the live one is", async () => {
    const capped = {
      sizing: { mode: "multiplier", value: 2 },
      mapping: "toMicro",
      limits: { maxOpenContracts: 4 },
    } as const;
    const w = world([
      {
        name: "g",
        leader: "L",
        followers: [
          { account: "A", ...capped },
          { account: "S", ...capped, shadow: true },
        ],
      },
    ]);
    w.trade("L", "ESZ6", "Sell", 3);
    await w.flush();
    w.trade("L", "ESH7", "Buy", 2);
    await w.flush();
    expect([w.position("A", "MESZ6"), w.position("A", "MESH7")]).toEqual([-4, 0]);
    expect([w.copier.shadows.position("S", "MESZ6"), w.copier.shadows.position("S", "MESH7")]).toEqual([
      -4, 0,
    ]);
  });
});
