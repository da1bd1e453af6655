import { describe, expect, it } from "vitest";
import { advanceMarks } from "../../engine/risk/marks.js";
import type { FollowerRiskRecord } from "../../engine/types.js";

// Where a follower's day starts when mimik takes it up without having seen the 17:00 CT roll (new
// to mimik, or stopped across the roll): the balance the broker says the day began with, if the
// broker says so for this trading day; else net liquidation now.

const TODAY = "2026-01-14";
const broker = (tradingDay: string, balance: number) => ({ holdings: { dayStart: { tradingDay, balance } } });
const fresh = (): FollowerRiskRecord => ({ state: "ACTIVE" });
const saved = (patch: Partial<FollowerRiskRecord> = {}): FollowerRiskRecord => ({
  state: "ACTIVE",
  tradingDay: TODAY,
  tradingWeek: "2026-01-12",
  startOfDayBalance: 50_000,
  weekStartBalance: 50_500,
  dayPeak: 50_200,
  highWaterMark: 51_000,
  ...patch,
});

describe("the start of a day mimik did not see begin", () => {
  it.each([
    // what mimik had,              the broker's day,            net liq → start of day, day's peak
    ["new to mimik", fresh(), broker(TODAY, 50_000), 49_600, 50_000, 50_000],
    ["new, broker's figure of yesterday", fresh(), broker("2026-01-13", 50_000), 49_600, 49_600, 49_600],
    ["new, no figure from the broker", fresh(), {}, 49_600, 49_600, 49_600],
    ["new, a day in profit", fresh(), broker(TODAY, 50_000), 50_300, 50_000, 50_300],
    [
      "the roll missed while stopped",
      saved({ tradingDay: "2026-01-13" }),
      broker(TODAY, 49_800),
      49_600,
      49_800,
      49_800,
    ],
    [
      "today's record without a start",
      saved({ startOfDayBalance: undefined }),
      broker(TODAY, 49_900),
      49_600,
      49_900,
      50_200,
    ],
    ["today's record keeps its start", saved(), broker(TODAY, 49_000), 49_600, 50_000, 50_200],
  ] as const)("%s", (_case, record, of, netLiq, start, peak) => {
    const moved = advanceMarks({ ...record }, TODAY, { dailyLoss: 500 }, netLiq, of);
    expect(moved.record.startOfDayBalance).toBe(start);
    expect(moved.record.dayPeak).toBe(peak);
  });

  it("positions held now count at what they are worth now: only what the day realized is taken back", () => {
    // Cash 50 000, of which the day realized −300 (began at 50 300); long, 1 500 under water.
    const holding = { holdings: { dayStart: { tradingDay: TODAY, balance: 50_300 }, cash: 50_000 } };
    const moved = advanceMarks(fresh(), TODAY, { dailyLoss: 1_000 }, 48_500, holding);
    expect(moved.record.startOfDayBalance).toBe(48_800);
    expect(moved.record.dayPeak).toBe(48_800);
  });

  it("a new follower's week starts at its day's start", () => {
    const moved = advanceMarks(fresh(), TODAY, { weeklyLoss: 1_000 }, 49_600, broker(TODAY, 50_000));
    expect(moved.record).toMatchObject({ tradingWeek: "2026-01-12", weekStartBalance: 50_000 });
    expect(moved.saveNow).toBe(true);
  });

  it("a new follower's week starts where the broker says it began, when it says so for this week", () => {
    // Tuesday: the trader lost 400 by hand on Monday, nothing yet today (Tradovate's weekRealizedPnL).
    const told = (tradingWeek: string) => ({
      holdings: {
        dayStart: { tradingDay: TODAY, balance: 49_600 },
        weekStart: { tradingWeek, balance: 50_000 },
        cash: 49_600,
      },
    });
    const moved = advanceMarks(fresh(), TODAY, { weeklyLoss: 500 }, 49_600, told("2026-01-12"));
    expect(moved.record).toMatchObject({ tradingWeek: "2026-01-12", weekStartBalance: 50_000 });
    expect(moved.record.startOfDayBalance).toBe(49_600);
    // Last week's figure (its roll not yet told) says nothing of this week: the day's start.
    const stale = advanceMarks(fresh(), TODAY, { weeklyLoss: 500 }, 49_600, told("2026-01-05"));
    expect(stale.record.weekStartBalance).toBe(49_600);
    // A position held now counts at what it is worth now, as for the day.
    const holding = advanceMarks(fresh(), TODAY, { weeklyLoss: 500 }, 48_600, told("2026-01-12"));
    expect(holding.record.weekStartBalance).toBe(49_000);
    // A record of last week rolls into this one (stopped across Sunday's roll): the broker's week.
    const missed = saved({ tradingDay: "2026-01-09", tradingWeek: "2026-01-05" });
    expect(advanceMarks(missed, TODAY, {}, 49_600, told("2026-01-12")).record.weekStartBalance).toBe(50_000);
    // A record of this week keeps its start.
    expect(advanceMarks(saved(), TODAY, {}, 49_600, told("2026-01-12")).record.weekStartBalance).toBe(50_500);
    // A shadow's would-be P&L never takes its account's week.
    const shadow = advanceMarks(fresh(), TODAY, {}, 0, { shadow: true, ...told("2026-01-12") });
    expect(shadow.record.weekStartBalance).toBe(0);
  });

  it("a shadow follower's would-be P&L never takes its account's day", () => {
    const moved = advanceMarks(fresh(), TODAY, {}, 0, { shadow: true, ...broker(TODAY, 50_000) });
    expect(moved.record.startOfDayBalance).toBe(0);
  });
});
