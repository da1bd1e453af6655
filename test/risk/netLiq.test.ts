import { describe, expect, it } from "vitest";
import { dayPnl, netLiquidation, positionPnl } from "../../engine/risk/netLiq.js";

const pos = (netPos: number, netPrice: number | undefined, price: number | undefined, pointValue = 50) => ({
  netPos,
  netPrice,
  price,
  pointValue,
});

describe("net liquidation", () => {
  it("is cash plus open P&L of every position at its live price", () => {
    const r = netLiquidation(50_000, [pos(2, 5000, 5010), pos(-1, 18_000, 18_005, 20)]);
    // +2 ES × 10 × 50 = +1000; −1 NQ × 5 × 20 = −100
    expect(r).toEqual({ netLiq: 50_900, openPnl: 900, unvalued: 0 });
  });

  it("counts a flat position as nothing and a position without a price or point value as 0, flagged", () => {
    const r = netLiquidation(10_000, [
      pos(0, undefined, undefined),
      pos(1, 100, undefined),
      { ...pos(1, 100, 101), pointValue: undefined },
    ]);
    expect(r).toEqual({ netLiq: 10_000, openPnl: 0, unvalued: 2 });
    expect(positionPnl(pos(0, undefined, undefined))).toBe(0);
  });

  it("rounds to cents so 0.01-tick products hit exact dollar thresholds", () => {
    // 1000 $/point; 1.1 → 3.3 is not exactly 2.2 points in binary floating point
    expect((3.3 - 1.1) * 1000).not.toBe(2200);
    const r = netLiquidation(50_000, [pos(1, 1.1, 3.3, 1000)]);
    expect(r.openPnl).toBe(2200);
    expect(r.netLiq).toBe(52_200);
  });

  it("day P&L is net liq minus start-of-day balance", () => {
    expect(dayPnl(49_000, 50_000)).toBe(-1000);
    expect(dayPnl(50_000.1, 50_000)).toBe(0.1);
  });
});
