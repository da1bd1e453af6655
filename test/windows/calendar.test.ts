import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CalendarError,
  calendarPath,
  parseCalendar,
  readCalendar,
  readCalendars,
} from "../../data/calendar.js";
import { CONFIG_VERSION, type Config } from "../../data/schema.js";

const iso = (ms: number) => new Date(ms).toISOString();
const ics = (...body: string[]) => ["BEGIN:VCALENDAR", "VERSION:2.0", ...body, "END:VCALENDAR"].join("\r\n");

describe("iCalendar", () => {
  it("reads TZID=America/Chicago, UTC 'Z', floating (Chicago), other zones and all-day events", () => {
    const text = ics(
      "BEGIN:VEVENT",
      "SUMMARY:CPI",
      "DTSTART;TZID=America/Chicago:20260616T073000",
      "DTEND;TZID=America/Chicago:20260616T074500",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "SUMMARY:FOMC",
      "DTSTART:20260617T180000Z",
      "DURATION:PT1H",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "SUMMARY:NFP (floating)",
      "DTSTART:20260703T073000",
      "DTEND:20260703T080000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "SUMMARY:ECB",
      'DTSTART;TZID="Europe/Berlin":20260115T141500',
      "DTEND;TZID=Europe/Berlin:20260115T143000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "SUMMARY:Holiday",
      "DTSTART;VALUE=DATE:20261126",
      "END:VEVENT",
    );
    const events = parseCalendar(text, "news.ics", ".ics");
    expect(events.map((e) => [e.name, iso(e.start), iso(e.end)])).toEqual([
      ["ECB", "2026-01-15T13:15:00.000Z", "2026-01-15T13:30:00.000Z"],
      ["CPI", "2026-06-16T12:30:00.000Z", "2026-06-16T12:45:00.000Z"],
      ["FOMC", "2026-06-17T18:00:00.000Z", "2026-06-17T19:00:00.000Z"],
      ["NFP (floating)", "2026-07-03T12:30:00.000Z", "2026-07-03T13:00:00.000Z"],
      // Thanksgiving: Chicago midnight to midnight (CST, UTC−6).
      ["Holiday", "2026-11-26T06:00:00.000Z", "2026-11-27T06:00:00.000Z"],
    ]);
  });

  it("an all-day event on a day the clocks change still runs from Chicago midnight to midnight", () => {
    const day = (date: string) =>
      ics("BEGIN:VEVENT", "SUMMARY:Day", `DTSTART;VALUE=DATE:${date}`, "END:VEVENT");
    const json = (date: string) => JSON.stringify([{ name: "Day", start: date }]);
    const span = (events: { start: number; end: number }[]) => events.map((e) => [iso(e.start), iso(e.end)]);
    // Fall back: a 25-hour day, whose last hour (Globex is open on that Sunday evening) must be covered.
    const fall = [["2026-11-01T05:00:00.000Z", "2026-11-02T06:00:00.000Z"]];
    // Spring forward: a 23-hour day, that must not spill into the next day's first hour.
    const spring = [["2026-03-08T06:00:00.000Z", "2026-03-09T05:00:00.000Z"]];
    expect(span(parseCalendar(day("20261101"), "news.ics", ".ics"))).toEqual(fall);
    expect(span(parseCalendar(json("2026-11-01"), "news.json", ".json"))).toEqual(fall);
    expect(span(parseCalendar(day("20260308"), "news.ics", ".ics"))).toEqual(spring);
    expect(span(parseCalendar(json("2026-03-08"), "news.json", ".json"))).toEqual(spring);
  });

  it("unfolds long lines, unescapes text, ignores alarms and strips control characters", () => {
    const text = ics(
      "BEGIN:VEVENT",
      "SUMMARY:Fed Chair\\, testimony",
      "  part two\u001b[31m",
      "DTSTART:20260617T180000Z",
      "DTEND:20260617T190000Z",
      "BEGIN:VALARM",
      "TRIGGER:-PT15M",
      "DTSTART:20990101T000000Z",
      "END:VALARM",
      "END:VEVENT",
    );
    const [event] = parseCalendar(text, "news.ics", ".ics");
    expect(event?.name).toBe("Fed Chair, testimony part two [31m");
    expect(iso(event?.start ?? 0)).toBe("2026-06-17T18:00:00.000Z");
  });

  it.each([
    ["not a calendar", "hello", /must start with BEGIN:VCALENDAR/, 1],
    [
      "no DTSTART",
      ics("BEGIN:VEVENT", "SUMMARY:CPI", "DTEND:20260616T124500Z", "END:VEVENT"),
      /"CPI" has no DTSTART/,
      3,
    ],
    [
      "a bad time",
      ics("BEGIN:VEVENT", "SUMMARY:CPI", "DTSTART:2026-06-16 07:30", "END:VEVENT"),
      /DTSTART "2026-06-16 07:30": not a date/,
      5,
    ],
    [
      "an unknown zone",
      ics(
        "BEGIN:VEVENT",
        "SUMMARY:CPI",
        "DTSTART;TZID=Eastern Standard Time:20260616T083000",
        "DTEND:20260616T124500Z",
        "END:VEVENT",
      ),
      /unknown time zone "Eastern Standard Time"/,
      5,
    ],
    [
      "no end",
      ics("BEGIN:VEVENT", "SUMMARY:CPI", "DTSTART:20260616T123000Z", "END:VEVENT"),
      /no DTEND or DURATION/,
      3,
    ],
    [
      "ends before it starts",
      ics("BEGIN:VEVENT", "SUMMARY:CPI", "DTSTART:20260616T123000Z", "DTEND:20260616T120000Z", "END:VEVENT"),
      /ends before it starts/,
      6,
    ],
    [
      "repeats",
      ics(
        "BEGIN:VEVENT",
        "SUMMARY:CPI",
        "DTSTART:20260616T123000Z",
        "DTEND:20260616T124500Z",
        "RRULE:FREQ=MONTHLY",
        "END:VEVENT",
      ),
      /repeats \(RRULE\/RDATE\)/,
      7,
    ],
    ["not closed", ics("BEGIN:VEVENT", "SUMMARY:CPI", "DTSTART:20260616T123000Z"), /END:VEVENT missing/, 3],
    [
      "no such date",
      ics("BEGIN:VEVENT", "DTSTART:20260231T123000Z", "DTEND:20260616T124500Z", "END:VEVENT"),
      /no such date/,
      4,
    ],
  ])("refuses %s, with its line", (_what, text, message, line) => {
    let error: unknown;
    try {
      parseCalendar(text, "news.ics", ".ics");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).message).toMatch(message);
    expect((error as CalendarError).line).toBe(line);
  });
});

describe("JSON", () => {
  it("reads Chicago times, offsets, minutes and all-day dates, as a list or under events", () => {
    const text = JSON.stringify({
      events: [
        { name: "CPI", start: "2026-06-16T07:30", end: "2026-06-16T07:45" },
        { name: "FOMC", start: "2026-06-17T13:00:00-05:00", minutes: 60 },
        { name: "Holiday", start: "2026-01-19" },
      ],
    });
    expect(parseCalendar(text, "news.json", ".json").map((e) => [e.name, iso(e.start), iso(e.end)])).toEqual([
      ["Holiday", "2026-01-19T06:00:00.000Z", "2026-01-20T06:00:00.000Z"],
      ["CPI", "2026-06-16T12:30:00.000Z", "2026-06-16T12:45:00.000Z"],
      ["FOMC", "2026-06-17T18:00:00.000Z", "2026-06-17T19:00:00.000Z"],
    ]);
    expect(
      parseCalendar('[{"name":"NFP","start":"2026-07-03T12:30:00Z","minutes":15}]', "n.json"),
    ).toHaveLength(1);
  });

  it.each([
    ["broken JSON", "{ events: [", /not valid JSON/],
    ["no events", "{}", /must hold \{ "events"/],
    ["no name", '[{"start":"2026-06-16T07:30","minutes":5}]', /events\[0\]\.name/],
    [
      "a bad start",
      '[{"name":"CPI","start":"16/06/2026 07:30","minutes":5}]',
      /events\[0\]\.start: "16\/06\/2026 07:30" is not a time/,
    ],
    ["no end", '[{"name":"CPI","start":"2026-06-16T07:30"}]', /needs "end" or "minutes"/],
    ["a typo", '[{"name":"CPI","start":"2026-06-16T07:30","minuts":5}]', /unknown field "minuts"/],
    [
      "ends first",
      '[{"name":"CPI","start":"2026-06-16T07:30","end":"2026-06-16T07:00"}]',
      /ends before it starts/,
    ],
  ])("refuses %s", (_what, text, message) => {
    expect(() => parseCalendar(text, "news.json", ".json")).toThrow(message);
  });
});

describe("files", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("a relative path is from the config's folder", () => {
    expect(calendarPath("news.ics", "/home/t/.config/mimik/config.json")).toBe(
      "/home/t/.config/mimik/news.ics",
    );
    expect(calendarPath("/srv/news.ics", "/home/t/config.json")).toBe("/srv/news.ics");
  });

  it("a missing file is a problem at the group's field; a good one is read once", async () => {
    dir = await mkdtemp(join(tmpdir(), "mimik-cal-"));
    await writeFile(join(dir, "good.json"), '[{"name":"CPI","start":"2026-06-16T07:30","minutes":15}]');
    await expect(readCalendar(join(dir, "nope.ics"), "nope.ics")).rejects.toThrow(
      "nope.ics: calendar file not found",
    );
    const group = (name: string, file: string) => ({
      name,
      active: true,
      leader: "L",
      whitelist: { enabled: false, symbols: [] },
      followers: [],
      windows: { blackouts: { file } },
    });
    const config: Config = {
      version: CONFIG_VERSION,
      connections: [],
      accounts: [],
      groups: [group("A", "good.json"), group("B", "good.json"), group("C", "nope.ics")],
    };
    const { calendars, problems } = await readCalendars(config, join(dir, "config.json"));
    expect(Object.keys(calendars)).toEqual(["good.json"]);
    expect(problems).toEqual([
      expect.objectContaining({
        path: "groups[2].windows.blackouts.file",
        message: 'group "C": nope.ics: calendar file not found',
      }),
    ]);
  });
});

describe("the example calendars (data/examples)", () => {
  it("the JSON and the iCalendar example read to the same blackouts", async () => {
    const json = await readCalendar("data/examples/news.example.json");
    const ics = await readCalendar("data/examples/news.example.ics");
    const plain = (events: typeof json) => events.map((e) => [e.name, iso(e.start), iso(e.end)]);
    expect(plain(json)).toEqual([
      ["CPI", "2026-06-16T12:30:00.000Z", "2026-06-16T12:45:00.000Z"],
      ["FOMC", "2026-06-17T18:00:00.000Z", "2026-06-17T18:45:00.000Z"],
      ["NFP", "2026-07-02T12:30:00.000Z", "2026-07-02T12:45:00.000Z"],
      ["Holiday", "2026-11-26T06:00:00.000Z", "2026-11-27T06:00:00.000Z"],
    ]);
    expect(plain(ics)).toEqual(
      plain(json).map((e) => (e[0] === "Holiday" ? ["Thanksgiving", e[1], e[2]] : e)),
    );
  });
});
