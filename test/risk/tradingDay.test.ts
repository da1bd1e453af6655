import { describe, expect, it } from "vitest";
import { chicagoWallClock, nextRollAt, tradingDayOf } from "../../engine/risk/tradingDay.js";

const utc = (iso: string) => Date.parse(iso);

describe("tradingDayOf", () => {
  it.each([
    // Monday 2026-01-12, CST (UTC-6): 16:59 CT = 22:59Z belongs to Monday, 17:00 CT = 23:00Z to Tuesday
    ["2026-01-12T22:59:59.999Z", "2026-01-12"],
    ["2026-01-12T23:00:00.000Z", "2026-01-13"],
    // after midnight UTC it is still Monday evening in Chicago: Tuesday's session
    ["2026-01-13T05:59:00.000Z", "2026-01-13"],
    // summer, CDT (UTC-5): the roll is 22:00Z
    ["2026-07-15T21:59:59.999Z", "2026-07-15"],
    ["2026-07-15T22:00:00.000Z", "2026-07-16"],
    // year end
    ["2026-12-31T23:00:00.000Z", "2027-01-01"],
  ])("%s is in the session ending %s", (iso, day) => {
    expect(tradingDayOf(utc(iso))).toBe(day);
  });

  it("rolls every calendar day, weekends included (documented simplification)", () => {
    // Friday 2026-01-16 17:00 CT starts "Saturday"; Sunday 17:00 CT starts Monday
    expect(tradingDayOf(utc("2026-01-16T22:59:00Z"))).toBe("2026-01-16");
    expect(tradingDayOf(utc("2026-01-16T23:00:00Z"))).toBe("2026-01-17");
    expect(tradingDayOf(utc("2026-01-18T23:00:00Z"))).toBe("2026-01-19");
  });

  it("refuses a time that is not a number", () => {
    expect(() => tradingDayOf(Number.NaN)).toThrow(/not a valid time/);
  });
});

describe("nextRollAt across DST", () => {
  it("spring forward 2026-03-08: 17:00 CST on the 7th, 17:00 CDT on the 8th", () => {
    const sat = nextRollAt(utc("2026-03-07T12:00:00Z"));
    expect(new Date(sat).toISOString()).toBe("2026-03-07T23:00:00.000Z");
    const sun = nextRollAt(sat);
    expect(new Date(sun).toISOString()).toBe("2026-03-08T22:00:00.000Z");
    // that session is only 23 hours long
    expect(sun - sat).toBe(23 * 3_600_000);
    expect(tradingDayOf(sun - 1)).toBe("2026-03-08");
    expect(tradingDayOf(sun)).toBe("2026-03-09");
    expect(chicagoWallClock(sun)).toMatchObject({ hour: 17, minute: 0, day: 8 });
  });

  it("fall back 2026-11-01: 17:00 CDT on Oct 31, 17:00 CST on Nov 1", () => {
    const sat = nextRollAt(utc("2026-10-31T12:00:00Z"));
    expect(new Date(sat).toISOString()).toBe("2026-10-31T22:00:00.000Z");
    const sun = nextRollAt(sat);
    expect(new Date(sun).toISOString()).toBe("2026-11-01T23:00:00.000Z");
    expect(sun - sat).toBe(25 * 3_600_000);
    expect(tradingDayOf(sun - 1)).toBe("2026-11-01");
    expect(tradingDayOf(sun)).toBe("2026-11-02");
  });

  it("is strictly after the given time, and the session name changes exactly there", () => {
    const start = utc("2026-02-01T00:00:00Z");
    let t = start;
    for (let i = 0; i < 400; i++) {
      const roll = nextRollAt(t);
      expect(roll).toBeGreaterThan(t);
      expect(tradingDayOf(roll)).not.toBe(tradingDayOf(roll - 1));
      expect(chicagoWallClock(roll)).toMatchObject({ hour: 17, minute: 0, second: 0 });
      t = roll;
    }
  });
});
