import { describe, expect, it } from "vitest";
import { configSchema } from "../../data/schema.js";
import { REFUSALS } from "../../engine/index.js";
import { confirmQuestion } from "../../src/cli/commands/flatten.js";
import { formatStatus, money, parseStatus } from "../../src/cli/statusText.js";
import { followersForTarget } from "../../src/process/directFlatten.js";
import { outcomeLines } from "../../src/text/outcomes.js";

const config = configSchema.parse({
  version: 1,
  connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "X" } }],
  accounts: [
    { name: "L1", connection: "sim" },
    { name: "F1", connection: "sim", label: "half" },
    { name: "F2", connection: "sim" },
    { name: "L2", connection: "sim" },
    { name: "F3", connection: "sim" },
    { name: "L3", connection: "sim" },
  ],
  groups: [
    {
      name: "main",
      leader: "L1",
      followers: [
        { account: "F1", sizing: { mode: "fixed", contracts: 1 } },
        { account: "F2", sizing: { mode: "fixed", contracts: 1 } },
      ],
    },
    { name: "night", leader: "L2", followers: [{ account: "F3", sizing: { mode: "fixed", contracts: 1 } }] },
    { name: "empty", leader: "L3", followers: [] },
  ],
});

describe("followersForTarget", () => {
  it("resolves names, labels (any case), groups and all, never a leader", () => {
    expect(followersForTarget(config, { follower: "f2" })).toEqual({ ok: true, followers: ["F2"] });
    expect(followersForTarget(config, { follower: "HALF" })).toEqual({ ok: true, followers: ["F1"] });
    expect(followersForTarget(config, { group: "Main" })).toEqual({ ok: true, followers: ["F1", "F2"] });
    expect(followersForTarget(config, { all: true })).toEqual({ ok: true, followers: ["F1", "F2", "F3"] });
    expect(followersForTarget(config, { group: "empty" })).toEqual({ ok: true, followers: [] });
    expect(followersForTarget(config, { follower: "L2" })).toEqual({
      ok: false,
      message: "L2 is the leader of group night; mimik never flattens a leader",
    });
    expect(followersForTarget(config, { follower: "nobody" })).toMatchObject({ ok: false });
    expect(followersForTarget(config, { group: "x" })).toEqual({
      ok: false,
      message: 'no group named "x" in the config (groups: main, night, empty)',
    });
  });
});

describe("texts", () => {
  it("confirmQuestion counts followers, lists at most five, and says when it goes to the broker directly", () => {
    expect(confirmQuestion(["F1"], true)).toBe("Flatten and lock 1 follower (F1)? [y/N] ");
    expect(confirmQuestion(["A", "B", "C", "D", "E", "F", "G"], false)).toBe(
      "Flatten and lock 7 followers (A, B, C, D, E and 2 more) directly at the broker (no mimik instance is running)? [y/N] ",
    );
  });

  it("outcomeLines aligns accounts and marks failures", () => {
    expect(
      outcomeLines([
        { target: "F1", status: "locked" },
        { target: "LONGNAME", status: "refused", reason: REFUSALS.disconnected },
        { target: "F2", status: "locked", sent: 2, saved: false },
      ]),
    ).toEqual([
      "ok   F1        locked",
      "FAIL LONGNAME  is disconnected; try again once it is back",
      "FAIL F2        flat; locked (2 sent); NOT SAVED to the state file (held in memory, saved as soon as the disk allows)",
    ]);
  });

  it("a lock that took over a daily limit's says so: a bare 'locked' hid it was locked already", () => {
    expect(
      outcomeLines([
        { target: "DEMO2002", status: "locked", reason: "manual", replaces: "daily loss limit" },
      ]),
    ).toEqual([
      "ok   DEMO2002  locked by hand, in place of its lock (daily loss limit), which would have lifted by itself (at the 17:00 CT roll, or as its window opened): it now stays locked until unlocked",
    ]);
  });

  it("money signs amounts", () => {
    expect([money(0), money(12.5), money(-3)]).toEqual(["$0.00", "+$12.50", "-$3.00"]);
  });

  it("parseStatus refuses what is not a status", () => {
    expect(parseStatus(undefined)).toBeUndefined();
    expect(parseStatus({ mode: "SIM" })).toBeUndefined();
  });

  it("formatStatus shows paused groups, disabled followers, liquidating states with reasons, unknown P&L, unsaved locks", () => {
    const lines = formatStatus({
      mode: "LIVE",
      pid: 1,
      connections: [],
      latency: { p50: 0, p99: 0, count: 0 },
      groups: [
        {
          name: "g",
          active: false,
          leader: "L",
          followers: [
            {
              account: "F1",
              enabled: false,
              state: "LIQUIDATE_ONLY",
              reason: "daily loss",
              positions: [{ contract: "NQZ6", netPos: -1 }],
            },
            { account: "F2", enabled: true, state: "LOCKED", reason: "manual", unsaved: true, positions: [] },
            { account: "F3", enabled: true, state: "ACTIVE", pricesStale: true, positions: [] },
          ],
        },
      ],
      outOfSync: [],
    });
    expect(lines).toEqual([
      "mimik LIVE, pid 1",
      "connections: none",
      "copy latency: no copies yet",
      "",
      "group g (PAUSED), leader L, 3 followers",
      "  F1  LIQ-ONLY (daily loss)  disabled  day ?  NQZ6 -1",
      "  F2  LOCKED (manual) NOT SAVED to the state file (retrying)  day ?  flat",
      "  F3  ACTIVE, prices stale (market data down): limits blind, openings held  day ?  flat",
    ]);
  });

  it("formatStatus shows an exit being retried: EXIT PENDING with the reason and the next try", () => {
    const lines = formatStatus({
      mode: "SIM",
      pid: 1,
      connections: [],
      latency: { p50: 0, p99: 0, count: 0 },
      groups: [
        {
          name: "g",
          active: true,
          leader: "L",
          followers: [
            { account: "F1", enabled: true, state: "ACTIVE", positions: [{ contract: "ESZ6", netPos: 2 }] },
          ],
        },
      ],
      outOfSync: [],
      exitsPending: [
        {
          follower: "F1",
          contract: "ESZ6",
          has: 2,
          goal: 0,
          reason: "RiskRejected: no",
          attempts: 3,
          nextTryAt: Date.UTC(2026, 10, 29, 15, 31, 5),
        },
      ],
    });
    expect(lines.at(-1)).toBe(
      "  F1  ACTIVE  day ?  ESZ6 +2  EXIT PENDING ESZ6: has +2, rule says 0; RiskRejected: no; try 4 at 15:31:05 UTC",
    );
  });
});
