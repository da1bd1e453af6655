import { describe, expect, it } from "vitest";
import type { Windows } from "../../data/schema.js";
import { chicagoInstant, civilDate } from "../../engine/windows/chicago.js";
import {
  type Blackout,
  compileRules,
  WINDOW_REASONS,
  weekdaysOf,
  windowState,
} from "../../engine/windows/schedule.js";

/** A Chicago wall-clock time as an instant. */
const ct = (y: number, m: number, d: number, hh: number, mm = 0) =>
  chicagoInstant(civilDate(y, m, d), hh * 60 + mm);

const RTH: Windows = { hours: [{ days: "mon-fri", from: "08:30", to: "15:00" }] };
const CPI: Blackout = { name: "CPI", start: ct(2026, 6, 16, 7, 30), end: ct(2026, 6, 16, 7, 45) };

describe("chicagoInstant: Chicago wall-clock times, DST-aware", () => {
  it.each([
    ["winter (CST, UTC−6)", 2026, 1, 13, "2026-01-13T14:30:00.000Z"],
    ["summer (CDT, UTC−5)", 2026, 6, 16, "2026-06-16T13:30:00.000Z"],
    ["the Sunday DST starts", 2026, 3, 8, "2026-03-08T13:30:00.000Z"],
    ["the Sunday DST ends", 2026, 11, 1, "2026-11-01T14:30:00.000Z"],
  ])("08:30 CT in %s", (_what, y, m, d, iso) => {
    expect(new Date(ct(y, m, d, 8, 30)).toISOString()).toBe(iso);
  });

  it("a time the March change skips is read as standard time; a doubled one is its first", () => {
    expect(new Date(ct(2026, 3, 8, 2, 30)).toISOString()).toBe("2026-03-08T08:30:00.000Z");
    expect(new Date(ct(2026, 11, 1, 1, 30)).toISOString()).toBe("2026-11-01T06:30:00.000Z");
  });
});

describe("weekdaysOf", () => {
  it.each([
    ["mon-fri", [1, 2, 3, 4, 5]],
    ["sun-thu", [0, 1, 2, 3, 4]],
    ["fri-mon", [0, 1, 5, 6]],
    ["wed", [3]],
  ] as const)("%s", (days, expected) => {
    expect(weekdaysOf(days)).toEqual(expected);
  });
  it("a list", () => expect(weekdaysOf(["wed", "mon", "wed"])).toEqual([1, 3]));
});

/** [what, windows, blackouts, now, held, flatten since, next at, next text] */
type Row = [
  string,
  Windows | undefined,
  Blackout[],
  number,
  string | undefined,
  number | undefined,
  number | undefined,
  string | undefined,
];

const HOURS_FLAT: Windows = { hours: [{ days: "mon-fri", from: "08:30", to: "16:00" }], flatBy: "15:55" };
const OVERNIGHT: Windows = { hours: [{ days: "sun-thu", from: "17:00", to: "16:00" }], flatBy: "15:55" };
const NEWS: Windows = {
  hours: [{ days: "mon-fri", from: "07:00", to: "15:00" }],
  blackouts: { file: "news.ics" },
};
const NEWS_FLAT: Windows = { blackouts: { file: "news.ics", flattenMinutesBefore: 2 } };

// 2026-06-16 is a Tuesday (CDT); 2026-06-19 a Friday; 2026-06-20 a Saturday.
const rows: Row[] = [
  ["no windows: nothing held", undefined, [], ct(2026, 6, 16, 3), undefined, undefined, undefined, undefined],
  [
    "inside hours",
    RTH,
    [],
    ct(2026, 6, 16, 10),
    undefined,
    undefined,
    ct(2026, 6, 16, 15),
    "openings close 15:00 CT",
  ],
  [
    "the first minute of the window",
    RTH,
    [],
    ct(2026, 6, 16, 8, 30),
    undefined,
    undefined,
    ct(2026, 6, 16, 15),
    "openings close 15:00 CT",
  ],
  [
    "at the window's end: held",
    RTH,
    [],
    ct(2026, 6, 16, 15),
    WINDOW_REASONS.outsideHours,
    undefined,
    ct(2026, 6, 17, 8, 30),
    "openings open Wed 08:30 CT",
  ],
  [
    "Saturday: held until Monday",
    RTH,
    [],
    ct(2026, 6, 20, 12),
    WINDOW_REASONS.outsideHours,
    undefined,
    ct(2026, 6, 22, 8, 30),
    "openings open Mon 08:30 CT",
  ],
  [
    "winter: the same wall-clock window",
    RTH,
    [],
    ct(2026, 1, 13, 8, 29),
    WINDOW_REASONS.outsideHours,
    undefined,
    Date.parse("2026-01-13T14:30:00Z"),
    "openings open 08:30 CT",
  ],
  [
    "flat-by without hours: before it",
    { flatBy: "15:55" },
    [],
    ct(2026, 6, 16, 15, 54),
    undefined,
    undefined,
    ct(2026, 6, 16, 15, 55),
    "flat by 15:55 CT",
  ],
  [
    "flat-by without hours: from it to the 17:00 session",
    { flatBy: "15:55" },
    [],
    ct(2026, 6, 16, 15, 55),
    "flat by 15:55 CT",
    ct(2026, 6, 16, 15, 55),
    ct(2026, 6, 16, 17),
    "openings open 17:00 CT",
  ],
  [
    "flat-by never on a weekend",
    { flatBy: "15:55" },
    [],
    ct(2026, 6, 20, 16),
    undefined,
    undefined,
    ct(2026, 6, 22, 15, 55),
    "flat by Mon 15:55 CT",
  ],
  [
    "flat-by cuts the window short, held until the next one",
    HOURS_FLAT,
    [],
    ct(2026, 6, 16, 15, 58),
    "flat by 15:55 CT",
    ct(2026, 6, 16, 15, 55),
    ct(2026, 6, 17, 8, 30),
    "openings open Wed 08:30 CT",
  ],
  [
    "Friday's flat-by lasts the weekend",
    HOURS_FLAT,
    [],
    ct(2026, 6, 20, 12),
    "flat by 15:55 CT",
    ct(2026, 6, 19, 15, 55),
    ct(2026, 6, 22, 8, 30),
    "openings open Mon 08:30 CT",
  ],
  [
    // Three days back, and still the same flat period as on Saturday: no new state at midnight.
    "Friday's flat-by still holds early Monday, until the window opens",
    HOURS_FLAT,
    [],
    ct(2026, 6, 22, 7),
    "flat by 15:55 CT",
    ct(2026, 6, 19, 15, 55),
    ct(2026, 6, 22, 8, 30),
    "openings open 08:30 CT",
  ],
  [
    "an overnight session: open at 03:00",
    OVERNIGHT,
    [],
    ct(2026, 6, 16, 3),
    undefined,
    undefined,
    ct(2026, 6, 16, 15, 55),
    "flat by 15:55 CT",
  ],
  [
    "an overnight session: flat from 15:55 to 17:00",
    OVERNIGHT,
    [],
    ct(2026, 6, 16, 16, 30),
    "flat by 15:55 CT",
    ct(2026, 6, 16, 15, 55),
    ct(2026, 6, 16, 17),
    "openings open 17:00 CT",
  ],
  [
    "before a blackout",
    NEWS,
    [CPI],
    ct(2026, 6, 16, 7, 20),
    undefined,
    undefined,
    CPI.start,
    "blackout CPI 07:30 CT",
  ],
  [
    "during a blackout: held, not flattened",
    NEWS,
    [CPI],
    ct(2026, 6, 16, 7, 35),
    "blackout: CPI",
    undefined,
    CPI.end,
    "openings open 07:45 CT",
  ],
  [
    "a blackout before the hours: its name first, then outside hours",
    { ...RTH, blackouts: { file: "news.ics" } },
    [CPI],
    ct(2026, 6, 16, 7, 35),
    "blackout: CPI",
    undefined,
    CPI.end,
    "outside hours from 07:45 CT",
  ],
  [
    "flatten minutes before: held and flat from 07:28",
    NEWS_FLAT,
    [CPI],
    ct(2026, 6, 16, 7, 28),
    "blackout: CPI",
    ct(2026, 6, 16, 7, 28),
    CPI.end,
    "openings open 07:45 CT",
  ],
  [
    "flatten minutes before: the next change says so",
    NEWS_FLAT,
    [CPI],
    ct(2026, 6, 16, 7, 20),
    undefined,
    undefined,
    ct(2026, 6, 16, 7, 28),
    "flatten for CPI 07:28 CT",
  ],
  [
    "`only` keeps the events it names",
    { blackouts: { file: "news.ics", only: ["fomc"] } },
    [CPI],
    ct(2026, 6, 16, 7, 35),
    undefined,
    undefined,
    undefined,
    undefined,
  ],
];

describe("windowState", () => {
  it.each(rows)("%s", (_what, windows, blackouts, now, held, since, nextAt, nextText) => {
    const state = windowState(compileRules(windows, blackouts), now);
    expect(state.held).toBe(held);
    expect(state.flatten?.since).toBe(since);
    if (since !== undefined) expect(state.flatten?.reason).toBe(held);
    expect(state.next?.at).toBe(nextAt);
    expect(state.next?.text).toBe(nextText);
    expect(state.until).toBeGreaterThan(now);
    if (nextAt !== undefined) expect(state.until).toBeLessThanOrEqual(nextAt);
  });

  it("a blackout file's `blackouts` without the config section holds nothing", () => {
    const state = windowState(compileRules(RTH, [CPI]), ct(2026, 6, 16, 10));
    expect(state.held).toBeUndefined();
  });
});

describe("windowState: a flattening blackout inside the flat-by", () => {
  // Seen on the console: flat by 15:31, CPI 15:36-15:39 flattening a minute before. From 15:35
  // the header said "flat by 15:39 CT", a second flat-by that was never coming: at 15:39 the
  // blackout ends and the flat-by, in force since 15:31, goes on to 17:00.
  const NEWS: Blackout = { name: "CPI", start: ct(2026, 6, 16, 15, 36), end: ct(2026, 6, 16, 15, 39) };
  const rules = compileRules({ flatBy: "15:31", blackouts: { file: "news.json", flattenMinutesBefore: 1 } }, [
    NEWS,
  ]);

  it.each([
    ["before the flat-by", ct(2026, 6, 16, 15, 27), undefined, ct(2026, 6, 16, 15, 31), "flat by 15:31 CT"],
    [
      "in the flat-by, the blackout's flatten ahead",
      ct(2026, 6, 16, 15, 32),
      "flat by 15:31 CT",
      ct(2026, 6, 16, 15, 35),
      "flatten for CPI 15:35 CT",
    ],
    [
      "in the blackout: its end, not a new flat-by",
      ct(2026, 6, 16, 15, 37),
      "blackout: CPI",
      NEWS.end,
      "blackout CPI ends 15:39 CT",
    ],
    [
      "after it, the session's open",
      ct(2026, 6, 16, 15, 40),
      "flat by 15:31 CT",
      ct(2026, 6, 16, 17),
      "openings open 17:00 CT",
    ],
  ])("%s", (_what, now, held, nextAt, nextText) => {
    const state = windowState(rules, now);
    expect(state.held).toBe(held);
    expect(state.next).toEqual({ at: nextAt, text: nextText });
  });
});

describe("windowState: a blackout never cancels the flat-by", () => {
  // A blackout that only holds openings back (no flattenMinutesBefore) says nothing about open
  // positions: the trader still expects to be flat by the flat-by time, not once the news is over.
  const FOMC_DAY: Blackout = { name: "FOMC", start: ct(2026, 6, 17, 0), end: ct(2026, 6, 18, 0) };
  const FLAT_NEWS: Windows = { ...HOURS_FLAT, blackouts: { file: "news.ics" } };

  it("at the flat-by time inside an all-day blackout the followers must be flat", () => {
    const state = windowState(compileRules(FLAT_NEWS, [FOMC_DAY]), ct(2026, 6, 17, 15, 56));
    expect(state.held).toBe("blackout: FOMC");
    expect(state.flatten).toEqual({ since: ct(2026, 6, 17, 15, 55), reason: "flat by 15:55 CT" });
  });

  it("before it, the next change is the flat-by", () => {
    const state = windowState(compileRules(FLAT_NEWS, [FOMC_DAY]), ct(2026, 6, 17, 10));
    expect(state.flatten).toBeUndefined();
    expect(state.next).toEqual({ at: ct(2026, 6, 17, 15, 55), text: "flat by 15:55 CT" });
  });

  it("a blackout starting after the flat-by keeps the followers flat and says its name", () => {
    const late: Blackout = { name: "Fed speech", start: ct(2026, 6, 17, 16), end: ct(2026, 6, 17, 19) };
    const rules = compileRules(FLAT_NEWS, [late]);
    const before = windowState(rules, ct(2026, 6, 17, 15, 58));
    expect(before.next).toEqual({ at: late.start, text: "blackout Fed speech 16:00 CT" });
    const during = windowState(rules, ct(2026, 6, 17, 16, 30));
    expect(during.held).toBe("blackout: Fed speech");
    expect(during.flatten?.since).toBe(ct(2026, 6, 17, 15, 55));
  });
});
