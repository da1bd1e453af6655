import { describe, expect, it } from "vitest";
import {
  UNREADABLE_ERROR_MS,
  type UnreadableAccount,
  UnreadableAccounts,
  unreadableAlert,
} from "../../../engine/broker/projectx/unreadable.js";
import type { BrokerAlertEvent } from "../../../engine/types.js";
import { FakeClock } from "../helpers/fakeClock.js";

describe("unreadableAlert: when the trader is told of an account that cannot be read", () => {
  it.each([
    { what: "its first failure: a warning", first: true, since: 0, escalated: false, now: 0, level: "warn" },
    {
      what: "a failure again within the bound: nothing",
      first: false,
      since: 0,
      escalated: false,
      now: UNREADABLE_ERROR_MS - 1,
      level: undefined,
    },
    {
      what: "a failure again at the bound: an error",
      first: false,
      since: 0,
      escalated: false,
      now: UNREADABLE_ERROR_MS,
      level: "error",
    },
    {
      what: "a failure again after the error: nothing more",
      first: false,
      since: 0,
      escalated: true,
      now: 10 * UNREADABLE_ERROR_MS,
      level: undefined,
    },
  ])("$what", ({ first, since, escalated, now, level }) => {
    expect(unreadableAlert({ since, escalated }, first, now)).toBe(level);
  });
});

function tracker() {
  const clock = new FakeClock();
  const alerts: BrokerAlertEvent[] = [];
  const lists: UnreadableAccount[][] = [];
  const t = new UnreadableAccounts({
    connection: "px",
    clock,
    emit: (e) => alerts.push(e),
    changed: (list) => lists.push([...list]),
  });
  return { clock, alerts, lists, t };
}

describe("UnreadableAccounts", () => {
  it("tells once as a warning, once more as an error when it lasts, and once when it reads again", () => {
    const { clock, alerts, lists, t } = tracker();
    t.failed(8, "TSX8", "Account is under review");
    clock.advance(30_000);
    t.failed(8, "TSX8", "Account is under review");
    clock.advance(UNREADABLE_ERROR_MS);
    t.failed(8, "TSX8", "Account is under review");
    clock.advance(30_000);
    t.failed(8, "TSX8", "Account is under review");
    expect(t.reasonOf(8)).toBe("Account is under review");
    t.read(8);
    expect(t.reasonOf(8)).toBeUndefined();
    expect(alerts.map((a) => a.level)).toEqual(["warn", "error", "info"]);
    expect(alerts[0]!.message).toContain("TSX8 could not be read (Account is under review)");
    expect(alerts[1]!.message).toContain("still cannot be read after 3 min");
    // The status changes when it starts and when it ends, not at each failed read.
    expect(lists).toEqual([[{ accountId: 8, account: "TSX8", reason: "Account is under review" }], []]);
  });

  it("a new reason is the status's news, not a new alert; an account that reads was never unknown: nothing said", () => {
    const { alerts, lists, t } = tracker();
    t.read(7);
    t.failed(8, "TSX8", "ProjectX Position/searchOpen failed (1): Account is under review");
    t.failed(8, "TSX8", "fetch failed");
    expect(alerts).toHaveLength(1);
    expect(lists.at(-1)).toEqual([{ accountId: 8, account: "TSX8", reason: "fetch failed" }]);
  });
});
