import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../data/journal/index.js";
import { configSchema } from "../../data/schema.js";
import { buildReport } from "../../src/report/build.js";
import { reportRange } from "../../src/report/range.js";
import { broker, config, journal, range } from "./fixture.js";

/** Journal entries and broker fills in, report out (the day in ./fixture.ts). */

describe("the report from the journal and the broker", () => {
  const report = buildReport({ range, config, journal, broker });
  const [group] = report.groups;
  const byAccount = (a: string) => group!.followers.find((f) => f.account === a)!;

  it("says the range and where its numbers come from", () => {
    expect(report).toMatchObject({
      from: "2026-11-27",
      to: "2026-11-27",
      start: "2026-11-26T23:00:00.000Z",
      end: "2026-11-27T23:00:00.000Z",
      source: "broker",
      feesReported: true,
      notes: [],
    });
  });

  it.each([
    [
      "DEMO2001",
      {
        copies: 2,
        filled: 2,
        skipped: 1,
        skips: { "not whitelisted": 1 },
        rejected: 0,
        rejects: {},
        latencyP50: 0.4,
        latencyP99: 0.5,
        locks: 0,
      },
    ],
    [
      "DEMO2002",
      {
        copies: 2,
        filled: 1,
        skipped: 1,
        skips: { "not whitelisted": 1 },
        rejected: 1,
        rejects: { "TradingLocked: account locked": 1 },
        latencyP50: 0.6,
        latencyP99: 0.7,
        locks: 1,
      },
    ],
    ["DEMO2009", { copies: 0, skipped: 1, skips: { "follower disabled": 1 } }],
  ])("%s: copies, skips, rejects, latency and locks from the journal", (account, expected) => {
    expect(byAccount(account).copy).toMatchObject(expected);
  });

  it.each([
    [
      "DEMO2001",
      {
        fills: 2,
        trades: 1,
        wins: 1,
        losses: 0,
        grossPnl: 225,
        fees: 2.58,
        netPnl: 222.42,
        curve: [-1.29, 222.42],
      },
    ],
    [
      "DEMO2002",
      { fills: 1, trades: 0, wins: 0, losses: 0, grossPnl: 0, fees: 0.5, netPnl: -0.5, curve: [-0.5] },
    ],
  ])("%s: trades and P&L from the broker's fills and fees", (account, expected) => {
    expect(byAccount(account).trading).toMatchObject(expected);
  });

  it("a broker's own P&L prices only its account's fills, not another broker's fill of the same id", () => {
    // Fill ids are each broker's own: a ProjectX trade 602 is not Tradovate's fill 602.
    const both = buildReport({
      range,
      config,
      journal,
      broker: { ...broker, realized: { TSX5001: { 602: 999 } } },
    });
    expect(both.groups[0]!.followers[0]!.trading).toMatchObject({ grossPnl: 225 });
  });

  it("a fee is charged to its own account's fill, not another login's fill of the same id", () => {
    const both = buildReport({
      range,
      config,
      journal,
      broker: { ...broker, fees: { ...broker.fees, TSX5001: { 602: 999 } } },
    });
    expect(both.groups[0]!.followers[0]!.trading).toMatchObject({ fees: 2.58 });
  });

  it("a follower whose fills were not read (it left the config) has unknown P&L, not 0", () => {
    expect(byAccount("DEMO2009")).toMatchObject({ trading: undefined, slippage: undefined });
    // Nor can the group's total be known without it.
    expect(group!.total.trading).toBeUndefined();
  });

  it.each([
    // Bought 6800.25 against 6800 and sold 6804.75 against the broker's 6805: a tick each way.
    ["DEMO2001", { matched: 2, contracts: 2, ticksPerContract: 1, dollarsPerContract: 12.5, dollars: 25 }],
    // MES bought at 6801 against ES at 6800: 4 ticks, $5 a point.
    ["DEMO2002", { matched: 1, contracts: 1, ticksPerContract: 4, dollarsPerContract: 5, dollars: 5 }],
  ])("%s: slippage against the leader fill each copy answered", (account, expected) => {
    expect(byAccount(account).slippage).toMatchObject(expected);
  });

  it("keeps a follower removed from the config since, after the config's own", () => {
    expect(group!.followers.map((f) => [f.account, f.label])).toEqual([
      ["DEMO2001", "half"],
      ["DEMO2002", "micro"],
      ["DEMO2009", undefined],
    ]);
  });

  it("the leader's day, and the followers' total", () => {
    expect(group!.leader).toMatchObject({
      account: "DEMO1000",
      label: "lead",
      leaderFills: 3,
      trading: { fills: 3, trades: 1, wins: 1, grossPnl: 500, fees: 6.45, netPnl: 493.55 },
    });
    expect(group!.total).toMatchObject({
      copy: { copies: 4, filled: 3, skipped: 3, rejected: 1, latencyP50: 0.5, latencyP99: 0.7, locks: 1 },
      slippage: { matched: 3, contracts: 3, ticksPerContract: 2, dollars: 30 },
    });
    const known = buildReport({
      range,
      config,
      journal: journal.filter((e) => e.follower !== "DEMO2009"),
      broker,
    });
    expect(known.groups[0]!.total.trading).toMatchObject({
      fills: 3,
      trades: 1,
      grossPnl: 225,
      fees: 3.08,
      netPnl: 221.92,
      curve: [],
    });
  });
});

describe("the report without the broker", () => {
  const report = buildReport({
    range,
    config,
    journal,
    broker: undefined,
    notes: ["the broker was not read (--offline)"],
  });
  const group = report.groups[0]!;

  it("still has the journal's copies; P&L and slippage are unknown, not zero", () => {
    expect(report.source).toBe("journal");
    expect(report.feesReported).toBe(false);
    expect(report.notes).toEqual(["the broker was not read (--offline)"]);
    expect(group.followers[0]).toMatchObject({
      copy: { copies: 2 },
      trading: undefined,
      slippage: undefined,
    });
    expect(group.total.trading).toBeUndefined();
  });

  it("counts the leader's trades from its journaled fills, without dollars", () => {
    expect(group.leader.trading).toMatchObject({
      fills: 3,
      trades: 1,
      grossPnl: undefined,
      netPnl: undefined,
      fees: undefined,
    });
  });
});

describe("a leader fill the broker busted, from the journal alone", () => {
  // Fill 12 (the close, copied to both followers) taken back, as mimik journals a bust.
  const bust = (account: string) => ({
    seq: 999,
    at: "2026-11-28T09:00:00Z", // the next morning: a bust comes when it comes
    prev: "",
    type: "bust",
    account,
    fillId: 12,
    orderId: 112,
    contract: "ESZ6",
    side: "Sell",
    qty: 2,
    price: 6804.5,
  });
  it.each([
    ["no bust", 3, 1, []],
    ["the leader's fill busted", 2, 0, [bust("DEMO1000")]],
    ["another account's fill of the same id busted", 3, 1, [bust("DEMO2001")]],
  ])("%s: the leader's fills %i, its trades %i", (_, fills, trades, busts) => {
    const report = buildReport({ range, config, journal: [...journal, ...busts], broker: undefined });
    const { leader } = report.groups[0]!;
    expect(leader.leaderFills).toBe(fills);
    expect(leader.trading).toMatchObject({ fills, trades });
  });
});

describe("a leader fill the journal recorded from a snapshot (history)", () => {
  // Made in the day, seen at a reconnect after it ended.
  const seen = (extra: Record<string, unknown>) => ({
    seq: 998,
    at: "2026-11-28T09:00:00Z",
    prev: "",
    type: "leaderFill",
    group: "main",
    leader: "DEMO1000",
    fillId: 14,
    orderId: 114,
    contract: "ESZ6",
    side: "Buy",
    qty: 1,
    price: 6810,
    history: true,
    ...extra,
  });
  it.each([
    ["with the broker's time: the day it was made", 4, { filledAt: Date.parse("2026-11-27T16:00:00Z") }],
    ["without it: the day it was seen", 3, {}],
  ])("%s (the leader's fills %i)", (_, fills, extra) => {
    const report = buildReport({ range, config, journal: [...journal, seen(extra)], broker: undefined });
    expect(report.groups[0]!.leader.leaderFills).toBe(fills);
  });
});

describe("a copy sent just before the 17:00 CT roll and answered after it", () => {
  // The day of 2026-11-27 ends at 23:00Z; the copy goes at 22:59:59.995 and fills (or is refused) after.
  const answered = (outcome: string, extra: Record<string, unknown>) => [
    {
      seq: 901,
      at: "2026-11-27T22:59:59.990Z",
      prev: "",
      type: "leaderFill",
      group: "main",
      leader: "DEMO1000",
      fillId: 15,
      orderId: 115,
      contract: "ESZ6",
      side: "Buy",
      qty: 1,
      price: 6820,
    },
    {
      seq: 902,
      at: "2026-11-27T22:59:59.995Z",
      prev: "",
      type: "copy",
      group: "main",
      follower: "DEMO2001",
      fillId: 15,
      contract: "ESZ6",
      outcome: "sent",
      reason: "copied",
      clOrdId: "mk-15-DEMO2001",
      latencyMs: 0.3,
    },
    {
      seq: 903,
      at: "2026-11-27T23:00:00.020Z",
      prev: "",
      type: "copy",
      group: "main",
      follower: "DEMO2001",
      fillId: 15,
      contract: "ESZ6",
      outcome,
      clOrdId: "mk-15-DEMO2001",
      ...extra,
    },
  ];
  const nextDay = reportRange({ date: "2026-11-28" }, 0);
  const counts = (r: typeof range, extra: JournalEntry[]) => {
    const copy = buildReport({
      range: r,
      config,
      journal: [...journal, ...extra],
      broker: undefined,
    }).groups[0]!.followers.find((f) => f.account === "DEMO2001")!.copy;
    return { copies: copy.copies, filled: copy.filled, rejected: copy.rejected };
  };
  it.each([
    ["filled", { reason: "filled", orderId: 515, qty: 1 }, { copies: 3, filled: 3, rejected: 0 }],
    ["rejected", { reason: "RiskRejected: session closed" }, { copies: 3, filled: 2, rejected: 1 }],
  ])("%s: the answer counts on the day the copy was sent, not the next", (outcome, extra, thatDay) => {
    const entries = answered(outcome, extra) as JournalEntry[];
    expect(counts(range, entries)).toEqual(thatDay);
    expect(counts(nextDay, entries)).toEqual({ copies: 0, filled: 0, rejected: 0 });
  });
});

describe("only some of it", () => {
  it.each([
    [{ follower: "half" }, [["main", ["DEMO2001"]]]],
    [{ follower: "demo2002" }, [["main", ["DEMO2002"]]]],
    [{ group: "MAIN" }, [["main", ["DEMO2001", "DEMO2002", "DEMO2009"]]]],
    [{ group: "other" }, []],
  ])("%j", (only, expected) => {
    const report = buildReport({ range, config, journal, broker, only });
    expect(report.groups.map((g) => [g.name, g.followers.map((f) => f.account)])).toEqual(expected);
  });

  it("a follower nobody knows is said in a note", () => {
    const report = buildReport({ range, config, journal, broker, only: { follower: "ghost" } });
    expect(report.groups).toEqual([]);
    expect(report.notes).toEqual(['no follower named "ghost" in the config or the journal']);
  });
});

describe("a shadow follower", () => {
  // DEMO2002 turned shadow: what it would have sent is journaled as outcome "shadow", never sent.
  const shadowConfig = configSchema.parse({
    ...config,
    groups: config.groups.map((g) => ({
      ...g,
      followers: g.followers.map((f) => (f.account === "DEMO2002" ? { ...f, shadow: true } : f)),
    })),
  });
  const shadowJournal = journal.flatMap((e) => {
    if (e.type !== "copy" || e.follower !== "DEMO2002") return [e];
    if (e.outcome === "sent") return [{ ...e, outcome: "shadow", reason: "copied", latencyMs: 40 }];
    return e.outcome === "skipped" ? [e] : [];
  });
  const report = buildReport({ range, config: shadowConfig, journal: shadowJournal, broker });
  const group = report.groups[0]!;
  const shadow = group.followers.find((f) => f.account === "DEMO2002")!;

  it("its would-be orders count as its copies, but its decision time is no copy latency", () => {
    expect(shadow).toMatchObject({
      shadow: true,
      copy: { copies: 2, latencyP50: undefined, latencyP99: undefined },
    });
    // The followers' latency is the live ones' alone: nothing was written for the shadow.
    expect(group.total.copy).toMatchObject({ copies: 4, latencyP50: 0.4, latencyP99: 0.5 });
  });

  it("what its account did at the broker is not its P&L, nor part of the followers' total", () => {
    // DEMO2002's account bought 1 MESZ6 at the broker (fill 603, fee 0.50): nothing mimik sent.
    const known = buildReport({
      range,
      config: shadowConfig,
      journal: shadowJournal.filter((e) => e.follower !== "DEMO2009"),
      broker,
    }).groups[0]!;
    expect(known.followers.find((f) => f.account === "DEMO2002")).toMatchObject({
      trading: undefined,
      slippage: undefined,
    });
    expect(known.total.trading).toMatchObject({
      fills: 2,
      trades: 1,
      grossPnl: 225,
      fees: 2.58,
      netPnl: 222.42,
    });
  });
});
