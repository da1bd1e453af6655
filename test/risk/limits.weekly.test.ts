import { describe, expect, it, vi } from "vitest";
import type { RiskFigures } from "../../engine/risk/limits.js";
import { evaluateLimits, givenBack, roomToLimits, weekPnl } from "../../engine/risk/limits.js";
import { tradingDayOf, tradingWeekOf } from "../../engine/risk/tradingDay.js";

const at = (netLiq: number, over: Partial<RiskFigures> = {}): RiskFigures => ({
  netLiq,
  startOfDayBalance: 50_000,
  highWaterMark: Math.max(50_000, netLiq),
  tradesToday: 0,
  ...over,
});

describe("issue 16: weekly loss and daily give-back trip exactly at their thresholds", () => {
  const cases: {
    name: string;
    limits: Parameters<typeof evaluateLimits>[0];
    figures: RiskFigures;
    kind: string | false;
  }[] = [
    {
      name: "weekly: a cent short",
      limits: { weeklyLoss: 1500 },
      figures: at(49_500.01, { weekStartBalance: 51_000 }),
      kind: false,
    },
    {
      name: "weekly: exactly",
      limits: { weeklyLoss: 1500 },
      figures: at(49_500, { weekStartBalance: 51_000 }),
      kind: "weekly",
    },
    { name: "weekly: week start unknown", limits: { weeklyLoss: 1 }, figures: at(1), kind: false },
    {
      name: "weekly: a day up, the week down",
      limits: { weeklyLoss: 1500, dailyLoss: 1000 },
      figures: at(50_100, { weekStartBalance: 51_600 }),
      kind: "weekly",
    },
    {
      name: "give-back: a cent short",
      limits: { dailyGiveBack: 800 },
      figures: at(50_400.01, { dayPeak: 51_200 }),
      kind: false,
    },
    {
      name: "give-back: exactly",
      limits: { dailyGiveBack: 800 },
      figures: at(50_400, { dayPeak: 51_200 }),
      kind: "giveback",
    },
    {
      name: "give-back: a day still up",
      limits: { dailyGiveBack: 800 },
      figures: at(50_300, { dayPeak: 51_100 }),
      kind: "giveback",
    },
    { name: "give-back: peak unknown", limits: { dailyGiveBack: 1 }, figures: at(10), kind: false },
    {
      name: "give-back: at the peak",
      limits: { dailyGiveBack: 1 },
      figures: at(51_000, { dayPeak: 51_000 }),
      kind: false,
    },
    // The most lasting lock wins: trailing > weekly > daily > give-back > profit.
    {
      name: "trailing beats weekly",
      limits: { trailingDrawdown: 500, weeklyLoss: 500 },
      figures: at(49_500, { highWaterMark: 50_000, weekStartBalance: 50_000 }),
      kind: "trailing",
    },
    {
      name: "weekly beats daily",
      limits: { dailyLoss: 500, weeklyLoss: 500 },
      figures: at(49_500, { weekStartBalance: 50_000 }),
      kind: "weekly",
    },
    {
      name: "daily beats give-back",
      limits: { dailyLoss: 500, dailyGiveBack: 500 },
      figures: at(49_500, { dayPeak: 50_000 }),
      kind: "daily",
    },
    {
      name: "give-back beats profit",
      limits: { dailyProfitTarget: 500, dailyGiveBack: 500 },
      figures: at(50_600, { dayPeak: 51_100 }),
      kind: "giveback",
    },
  ];
  it.each(cases)("$name", ({ limits, figures, kind }) => {
    const v = evaluateLimits(limits, figures);
    expect(v.breach ? v.kind : false).toBe(kind);
  });

  it("says what tripped in the lock reason", () => {
    const weekly = evaluateLimits({ weeklyLoss: 1500 }, at(49_500, { weekStartBalance: 51_000 }));
    expect(weekly.breach && weekly.reason).toBe("weekly loss limit: week P&L -$1500.00 reached -$1500.00");
    const back = evaluateLimits({ dailyGiveBack: 800 }, at(50_400, { dayPeak: 51_200 }));
    expect(back.breach && back.reason).toBe(
      "daily give-back: $800.00 given back from the day's peak $51200.00 reached $800.00",
    );
  });

  it("room to each, and the figures behind it", () => {
    const f = at(50_700, { weekStartBalance: 51_000, dayPeak: 51_000 });
    expect(weekPnl(f)).toBe(-300);
    expect(givenBack(f)).toBe(300);
    expect(givenBack(at(52_000, { dayPeak: 51_000 }))).toBe(0);
    expect(roomToLimits({ weeklyLoss: 1500, dailyGiveBack: 800 }, f)).toMatchObject({
      roomWeekly: 1200,
      roomGiveBack: 500,
    });
    expect(roomToLimits({}, f)).toMatchObject({ roomWeekly: undefined, roomGiveBack: undefined });
  });
});

describe("the trading week rolls with the Sunday 17:00 CT roll", () => {
  it.each([
    // [instant, trading day, week]: Friday's session and the weekend's extra rolls stay in the old week.
    ["2026-01-16T20:00:00Z", "2026-01-16", "2026-01-12"], // Friday 14:00 CT
    ["2026-01-16T23:00:00Z", "2026-01-17", "2026-01-12"], // Friday 17:00 CT: "Saturday"
    ["2026-01-18T22:59:59Z", "2026-01-18", "2026-01-12"], // Sunday 16:59 CT
    ["2026-01-18T23:00:00Z", "2026-01-19", "2026-01-19"], // Sunday 17:00 CT: Monday's session, a new week
    ["2026-01-19T15:00:00Z", "2026-01-19", "2026-01-19"], // Monday morning
    ["2026-03-08T22:00:00Z", "2026-03-09", "2026-03-09"], // Sunday 17:00 CDT (DST began that morning)
    ["2026-12-27T23:00:00Z", "2026-12-28", "2026-12-28"], // across the year end
    ["2027-01-01T15:00:00Z", "2027-01-01", "2026-12-28"],
  ])("%s is trading day %s in the week of %s", (iso, day, week) => {
    expect(tradingDayOf(Date.parse(iso))).toBe(day);
    expect(tradingWeekOf(day)).toBe(week);
  });

  it("refuses what is not a trading day", () => {
    expect(() => tradingWeekOf("monday")).toThrow(/not a trading day/);
    // Not answered from the day asked before it, nor from the nothing asked before the first.
    expect(tradingWeekOf("2026-01-16")).toBe("2026-01-12");
    expect(() => tradingWeekOf("monday")).toThrow(/not a trading day/);
    expect(() => tradingWeekOf("")).toThrow(/not a trading day/);
  });

  it("works the week out once for a day asked again and again (every balance and valuation asks)", () => {
    const utc = vi.spyOn(Date, "UTC");
    try {
      for (let i = 0; i < 1_000; i++) expect(tradingWeekOf("2026-01-21")).toBe("2026-01-19");
      expect(utc.mock.calls.length).toBeLessThanOrEqual(2);
      // Another day after it is worked out afresh, and the first again too.
      expect(tradingWeekOf("2026-01-26")).toBe("2026-01-26");
      expect(tradingWeekOf("2026-01-21")).toBe("2026-01-19");
    } finally {
      utc.mockRestore();
    }
  });
});
