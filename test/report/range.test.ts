import { describe, expect, it } from "vitest";
import { UserError } from "../../data/userError.js";
import { parseDay, reportRange } from "../../src/report/range.js";

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = Date.parse("2026-11-27T15:00:00Z"); // a Friday, 09:00 CT

describe("which trading days a report covers", () => {
  it.each([
    [
      "a winter day (CST, UTC-6)",
      { date: "2026-11-27" },
      "2026-11-27",
      "2026-11-27",
      "2026-11-26T23:00:00.000Z",
      "2026-11-27T23:00:00.000Z",
    ],
    [
      "a summer day (CDT, UTC-5)",
      { date: "2026-07-15" },
      "2026-07-15",
      "2026-07-15",
      "2026-07-14T22:00:00.000Z",
      "2026-07-15T22:00:00.000Z",
    ],
    [
      "the day DST starts: a 23-hour session",
      { date: "2026-03-08" },
      "2026-03-08",
      "2026-03-08",
      "2026-03-07T23:00:00.000Z",
      "2026-03-08T22:00:00.000Z",
    ],
    [
      "a range",
      { from: "2026-11-23", to: "2026-11-27" },
      "2026-11-23",
      "2026-11-27",
      "2026-11-22T23:00:00.000Z",
      "2026-11-27T23:00:00.000Z",
    ],
    [
      "--from alone runs to today",
      { from: "2026-11-25" },
      "2026-11-25",
      "2026-11-27",
      "2026-11-24T23:00:00.000Z",
      "2026-11-27T23:00:00.000Z",
    ],
    [
      "no flags: today's trading day",
      {},
      "2026-11-27",
      "2026-11-27",
      "2026-11-26T23:00:00.000Z",
      "2026-11-27T23:00:00.000Z",
    ],
  ])("%s", (_what, flags, from, to, start, end) => {
    const range = reportRange(flags, NOW);
    expect([range.from, range.to, iso(range.start), iso(range.end)]).toEqual([from, to, start, end]);
  });

  it.each([
    ["16:59:59 CT is still that day", "2026-11-27T22:59:59Z", "2026-11-27"],
    ["17:00 CT is already the next one", "2026-11-27T23:00:00Z", "2026-11-28"],
  ])("%s", (_what, now, day) => {
    expect(reportRange({}, Date.parse(now)).from).toBe(day);
  });

  it.each([
    [{ date: "2026-02-30" }, '--date "2026-02-30" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27'],
    [{ date: "27/11/2026" }, '--date "27/11/2026" is not a date'],
    [{ to: "2026-11-27" }, "--to needs --from"],
    [
      { date: "2026-11-27", from: "2026-11-20" },
      "give --date for one day, or --from and --to for a range, not both",
    ],
    [{ from: "2026-11-27", to: "2026-11-20" }, "--from 2026-11-27 is after --to 2026-11-20"],
  ])("%j is a usage error", (flags, says) => {
    expectUsageError(flags, says);
  });

  it("--from after today, without --to, says so in those words (there is no --to to blame)", () => {
    const today = reportRange({}, NOW).from;
    const error = expectUsageError(
      { from: "2099-01-02" },
      `--from 2099-01-02 is after today's trading day ${today}`,
    );
    expect(error.message).not.toContain("--to");
  });

  function expectUsageError(flags: Parameters<typeof reportRange>[0], says: string): UserError {
    let error: unknown;
    try {
      reportRange(flags, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toContain(says);
    return error as UserError;
  }

  it("knows real calendar dates", () => {
    expect(parseDay("2028-02-29")).toEqual([2028, 2, 29]);
    expect(parseDay("2026-02-29")).toBeUndefined();
    expect(parseDay("2026-13-01")).toBeUndefined();
  });
});
