import { describe, expect, it } from "vitest";
import { evaluateLimits, pastTrailingFloor, roomToLimits, usd } from "../../engine/risk/limits.js";

const figures = (netLiq: number, over: Partial<{ sod: number; hwm: number; trades: number }> = {}) => ({
  netLiq,
  startOfDayBalance: over.sod ?? 50_000,
  highWaterMark: over.hwm ?? Math.max(50_000, netLiq),
  tradesToday: over.trades ?? 0,
});

describe("limits trip exactly at the threshold, not a cent before", () => {
  it("daily loss: day P&L ≤ −dailyLoss", () => {
    const limits = { dailyLoss: 1000 };
    expect(evaluateLimits(limits, figures(49_000.01)).breach).toBe(false);
    const v = evaluateLimits(limits, figures(49_000));
    expect(v).toMatchObject({ breach: true, kind: "daily" });
    if (v.breach) expect(v.reason).toContain("-$1000.00");
    expect(evaluateLimits(limits, figures(48_000)).breach).toBe(true);
  });

  it("trailing drawdown: net liq ≤ high-water mark − drawdown", () => {
    const limits = { trailingDrawdown: 2000 };
    expect(evaluateLimits(limits, figures(50_000.01, { hwm: 52_000 })).breach).toBe(false);
    expect(evaluateLimits(limits, figures(50_000, { hwm: 52_000 }))).toMatchObject({
      breach: true,
      kind: "trailing",
    });
    expect(pastTrailingFloor(limits, 50_000, 52_000)).toBe(true);
    expect(pastTrailingFloor(limits, 50_000.01, 52_000)).toBe(false);
    expect(pastTrailingFloor({}, 0, 52_000)).toBe(false);
  });

  it("daily profit target: day P&L ≥ target", () => {
    const limits = { dailyProfitTarget: 1500 };
    expect(evaluateLimits(limits, figures(51_499.99)).breach).toBe(false);
    expect(evaluateLimits(limits, figures(51_500))).toMatchObject({ breach: true, kind: "profit" });
  });

  it("trailing wins when trailing and daily trip together (it survives the roll)", () => {
    const v = evaluateLimits({ dailyLoss: 500, trailingDrawdown: 500 }, figures(49_500, { hwm: 50_000 }));
    expect(v).toMatchObject({ breach: true, kind: "trailing" });
  });

  it("max trades per day is never a breach, only trades left", () => {
    const limits = { maxTradesPerDay: 3 };
    expect(evaluateLimits(limits, figures(50_000, { trades: 10 })).breach).toBe(false);
    expect(roomToLimits(limits, figures(50_000, { trades: 2 })).tradesLeft).toBe(1);
    expect(roomToLimits(limits, figures(50_000, { trades: 5 })).tradesLeft).toBe(0);
  });

  it("no limits, no breach", () => {
    expect(evaluateLimits({}, figures(1)).breach).toBe(false);
  });
});

describe("room to each limit", () => {
  it("reports the dollars left and undefined for limits not set", () => {
    const room = roomToLimits(
      { dailyLoss: 1000, trailingDrawdown: 2000, dailyProfitTarget: 1500 },
      figures(49_700, { hwm: 51_000 }),
    );
    expect(room).toEqual({
      roomDaily: 700,
      roomTrailing: 700,
      roomProfit: 1800,
      tradesLeft: undefined,
      trailingFloor: 49_000,
    });
    expect(roomToLimits({}, figures(50_000))).toEqual({
      roomDaily: undefined,
      roomTrailing: undefined,
      roomProfit: undefined,
      tradesLeft: undefined,
      trailingFloor: undefined,
    });
  });

  it("formats dollars with the sign in front", () => {
    expect(usd(-250.5)).toBe("-$250.50");
    expect(usd(1000)).toBe("$1000.00");
    expect(usd(-0.001)).toBe("$0.00");
  });
});
