import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../data/journal/index.js";
import { type Config, configSchema } from "../../data/schema.js";
import { defaultScenario, parseScenario, type Simulator, startSimulator } from "../../engine/index.js";
import { buildReport } from "../../src/report/build.js";
import { readBroker } from "../../src/report/load.js";
import type { ReportRange } from "../../src/report/range.js";
import { renderText } from "../../src/report/render.js";

/** The report's read of both brokers (Tradovate and ProjectX faces of one simulator), then built. */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
});
afterAll(() => sim.close());

const env = { PASS: "demo", PX_KEY: "sim-projectx-key" };
const configFor = (url: string) =>
  configSchema.parse({
    version: 1,
    connections: [
      { name: "tv", env: "sim", url, username: "demo", password: { env: "PASS" } },
      { name: "px", broker: "projectx", env: "sim", url, username: "topstep", apiKey: { env: "PX_KEY" } },
    ],
    accounts: [
      { name: "DEMO1000", connection: "tv" },
      { name: "DEMO2001", connection: "tv" },
      { name: "TSX5001", connection: "px" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
          { account: "TSX5001", sizing: { mode: "multiplier", value: 1 } },
        ],
      },
    ],
  });

/** `account` trades 1 NQZ6 at `price`. */
function tradeNq(account: string, side: "Buy" | "Sell", price: number) {
  sim.control.setPrice("NQZ6", price);
  return sim.control.manualTrade(account, "NQZ6", side, 1);
}

/** The account's last `n` fills at the simulator, oldest first. */
const lastFills = (account: string, n: number) =>
  sim.control
    .records()
    .fills.filter((f) => f.accountName === account)
    .slice(-n);

/** Journal lines as mimik wrote them, a millisecond apart from `since`. */
const journalFrom = (since: number, entries: Record<string, unknown>[]): JournalEntry[] =>
  entries.map(
    (e, i) => ({ seq: i + 1, at: new Date(since + i).toISOString(), prev: "", ...e }) as JournalEntry,
  );

/** A moment strictly after every trade so far (the simulator stamps in milliseconds). */
function afterNow(): number {
  const since = Date.now();
  while (Date.now() <= since) {
    // spin: the next trade must be stamped after `since`
  }
  return since + 1;
}

/** The report of the day from `since`: the broker read for `accounts`, beside what the journal wrote. */
async function reportSince(
  since: number,
  {
    config = configFor(sim.url),
    accounts = ["DEMO1000", "DEMO2001", "TSX5001"],
    journal = [],
  }: { config?: Config; accounts?: string[]; journal?: JournalEntry[] } = {},
) {
  const read = await readBroker({ config, accounts, env, choice: "always", instanceRunning: false, since });
  expect(read.broker).toBeDefined();
  const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
  const report = buildReport({ range, config, journal, broker: read.broker, notes: read.notes });
  const follower = (a: string) => report.groups[0]!.followers.find((f) => f.account === a)!;
  return { report, follower };
}

describe("readBroker across connections", () => {
  it("ProjectX: a position opened before the trades read is closed at the broker's own P&L, and counted as one trade", async () => {
    sim.control.setPrice("ESZ6", 6800);
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    // Held past the start of what the report reads (a weekend, say).
    const since = afterNow();
    sim.control.setPrice("ESZ6", 6805);
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 2); // closes it: +500
    sim.control.setPrice("ESZ6", 6810);
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    sim.control.setPrice("ESZ6", 6806);
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1); // a short closed: +200

    const { report, follower } = await reportSince(since);
    expect(follower("TSX5001").trading).toMatchObject({ fills: 3, trades: 2, wins: 2, grossPnl: 700 });
    expect(report.notes.join(" ")).toMatch(/ProjectX's own/);
  });

  it("fees: a connection that reports none leaves the others' fees known, and only its own unknown", async () => {
    sim.control.setPrice("MESZ6", 6800);
    const since = afterNow();
    for (const account of ["DEMO2001", "TSX5001"]) {
      sim.control.manualTrade(account, "MESZ6", "Buy", 1);
      sim.control.manualTrade(account, "MESZ6", "Sell", 1);
    }
    const { report, follower } = await reportSince(since);
    // The simulator's Tradovate face has no fillFee entity; its ProjectX face charges 0.75 a micro.
    expect(follower("DEMO2001").trading?.fees).toBeUndefined();
    expect(follower("TSX5001").trading).toMatchObject({ fees: 1.5, netPnl: -1.5 });
    expect(report.groups[0]!.total.trading?.fees).toBeUndefined();
    expect(report.feesReported).toBe(false);
    expect(report.feesUnreported).toEqual(["DEMO1000", "DEMO2001"]);
    expect(renderText(report)).toContain("fees: not reported by the broker for DEMO1000, DEMO2001");
  });
});

describe("readBroker: a busted fill", () => {
  it.each([["DEMO2001"], ["TSX5001"]])(
    "%s: P&L is the account's realized P&L once the bust is taken back",
    async (account) => {
      const realized = () =>
        sim.control.records().cashBalances.find((c) => c.accountName === account)!.realizedPnL;
      const before = realized();
      const since = afterNow();
      tradeNq(account, "Buy", 25000);
      tradeNq(account, "Sell", 25005);
      tradeNq(account, "Buy", 25010);
      tradeNq(account, "Sell", 25012);
      const busted = lastFills(account, 3)[0]!;
      sim.control.bustFill(busted.fillId);
      const { follower } = await reportSince(since);
      // Left: bought 25000 and 25010, sold 25012: the sale closes the 25000 lot (+12 points of $20).
      expect(realized() - before).toBe(240);
      expect(follower(account).trading).toMatchObject({ fills: 3, trades: 0, grossPnl: 240 });
      tradeNq(account, "Sell", 25012); // flat again for the tests after
    },
  );
});

describe("readBroker: a busted leader fill", () => {
  it.each([["DEMO1000"], ["TSX5001"]])(
    "%s leads: its fills count only those the broker stands by, as its trades and P&L do, and no copy's slippage is measured against a bust",
    async (leader) => {
      const since = afterNow();
      tradeNq(leader, "Buy", 25000);
      tradeNq(leader, "Sell", 25004);
      tradeNq(leader, "Buy", 25008);
      const fills = lastFills(leader, 3);
      // The follower's copies of the first and the last leader fill, each a tick worse.
      tradeNq("DEMO2001", "Buy", 25000.25);
      tradeNq("DEMO2001", "Buy", 25008.25);
      const copies = lastFills("DEMO2001", 2);
      // What mimik's journal wrote as each leader fill arrived and was copied, before the broker
      // busted the last.
      const journal = journalFrom(since, [
        ...fills.map((f) => ({
          type: "leaderFill",
          group: "main",
          leader,
          fillId: f.fillId,
          contract: "NQZ6",
          side: f.action,
          qty: 1,
          price: f.price,
        })),
        ...[fills[0]!, fills[2]!].map((f, i) => ({
          type: "copy",
          group: "main",
          follower: "DEMO2001",
          fillId: f.fillId,
          contract: "NQZ6",
          outcome: "filled",
          reason: "",
          clOrdId: `copy-${i}`,
          orderId: copies[i]!.orderId,
        })),
      ]);
      sim.control.bustFill(fills[2]!.fillId);
      const config = configSchema.parse({
        ...configFor(sim.url),
        groups: [
          {
            name: "main",
            leader,
            followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
          },
        ],
      });
      const { report, follower } = await reportSince(since, {
        config,
        accounts: [leader, "DEMO2001"],
        journal,
      });
      expect(report.groups[0]!.leader).toMatchObject({ leaderFills: 2, trading: { fills: 2, trades: 1 } });
      expect(renderText(report)).toMatch(new RegExp(`leader ${leader}: 2 fills, 1 trade`));
      // The copy of the busted fill has no leader price left to be measured against.
      expect(follower("DEMO2001").slippage).toMatchObject({ matched: 1, ticksPerContract: 1 });
      tradeNq("DEMO2001", "Sell", 25008); // flat again for the tests after
      tradeNq("DEMO2001", "Sell", 25008);
    },
  );
});

describe("readBroker: a busted follower fill", () => {
  it.each([["DEMO2001"], ["TSX5001"]])(
    "%s: a copy whose only fill the broker busted is not counted filled; one with a fill left still is",
    async (follower) => {
      const since = afterNow();
      tradeNq(follower, "Buy", 25000);
      tradeNq(follower, "Sell", 25004);
      const fills = lastFills(follower, 2);
      // What mimik's journal wrote: each of the two fills answered a copy of a leader fill.
      const journal = journalFrom(
        since,
        fills.map((f, i) => ({
          type: "copy",
          group: "main",
          follower,
          fillId: 900 + i,
          contract: "NQZ6",
          outcome: "filled",
          reason: "",
          clOrdId: `copy-${i}`,
          orderId: f.orderId,
        })),
      );
      sim.control.bustFill(fills[1]!.fillId);
      const { report, follower: row } = await reportSince(since, {
        accounts: ["DEMO1000", follower],
        journal,
      });
      const { copy, trading } = row(follower);
      expect(copy.filled).toBe(1);
      expect(trading).toMatchObject({ fills: 1 });
      expect(report.groups[0]!.total.copy.filled).toBe(1);
      tradeNq(follower, "Sell", 25004); // flat again for the tests after
    },
  );
});

describe("readBroker: one login that cannot be read", () => {
  it.each([
    ["its API key is refused", { ...env, PX_KEY: "not-the-key" }, /could not read the broker's fills/],
    ["its API key's source is unset", { PASS: "demo" }, /PX_KEY/],
  ])(
    "%s: the other logins' P&L still shows, and a note names it, why and its accounts",
    async (_, keys, why) => {
      sim.control.setPrice("ESZ6", 6800);
      const since = afterNow();
      sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 1);
      sim.control.setPrice("ESZ6", 6802);
      sim.control.manualTrade("DEMO2001", "ESZ6", "Sell", 1);
      const config = configFor(sim.url);
      const read = await readBroker({
        config,
        accounts: ["DEMO1000", "DEMO2001", "TSX5001"],
        env: keys,
        choice: "always",
        instanceRunning: false,
        since,
      });
      const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
      const report = buildReport({ range, config, journal: [], broker: read.broker, notes: read.notes });
      const [group] = report.groups;
      expect(report.source).toBe("broker");
      expect(group!.followers.find((f) => f.account === "DEMO2001")!.trading).toMatchObject({
        trades: 1,
        grossPnl: 100,
      });
      expect(group!.followers.find((f) => f.account === "TSX5001")).toMatchObject({
        trading: undefined,
        slippage: undefined,
      });
      // A total missing one follower would be a wrong number: unknown instead.
      expect(group!.total.trading).toBeUndefined();
      const note = report.notes.find((n) => n.startsWith("connection px"));
      expect(note).toMatch(/^connection px \(login topstep\): /);
      expect(note).toMatch(why);
      expect(note).toMatch(/TSX5001/);
      const text = renderText(report);
      expect(text).toMatch(/^ TSX5001 .*—\s+—\s+—$/m);
      expect(text).toMatch(/^ DEMO2001 .*\+100\.00/m);
    },
  );

  it("no login read at all: the report is the journal's, as with --offline", async () => {
    const config = configFor(sim.url);
    const read = await readBroker({
      config,
      accounts: ["DEMO1000", "DEMO2001", "TSX5001"],
      env: {},
      choice: "always",
      instanceRunning: false,
      since: Date.now(),
    });
    expect(read.broker).toBeUndefined();
    expect(read.notes).toHaveLength(2);
  });
});

describe("readBroker: two logins whose brokers number their fills alike", () => {
  // Two simulators, one ProjectX login each: each numbers its own trades from the same start.
  const firstId = 100_000_000_001;
  const other = parseScenario(
    {
      ...defaultScenario,
      users: defaultScenario.users.map((u) =>
        u.name === "topstep" ? { ...u, accounts: [{ name: "TSX6001", balance: 50000 }] } : u,
      ),
    },
    "second firm",
  );
  let first: Simulator;
  let second: Simulator;
  beforeAll(async () => {
    first = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true, firstId });
    second = await startSimulator({
      port: 0,
      priceIntervalMs: 0,
      alwaysOpen: true,
      scenario: other,
      firstId,
    });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const twoFirms = (firstUrl: string, secondUrl: string) =>
    configSchema.parse({
      version: 1,
      connections: [
        {
          name: "px1",
          broker: "projectx",
          env: "sim",
          url: firstUrl,
          username: "topstep",
          apiKey: { env: "PX_KEY" },
        },
        {
          name: "px2",
          broker: "projectx",
          env: "sim",
          url: secondUrl,
          username: "topstep",
          apiKey: { env: "PX_KEY" },
        },
      ],
      accounts: [
        { name: "TSX5001", connection: "px1" },
        { name: "TSX6001", connection: "px2" },
      ],
      groups: [
        {
          name: "main",
          leader: "TSX5001",
          followers: [{ account: "TSX6001", sizing: { mode: "multiplier", value: 3 } }],
        },
      ],
    });

  it("each fill is charged its own login's fee, never the other login's fill of the same id", async () => {
    const since = afterNow();
    for (const [sim, account, qty] of [
      [first, "TSX5001", 1],
      [second, "TSX6001", 3],
    ] as const) {
      sim.control.setPrice("MESZ6", 6800);
      sim.control.manualTrade(account, "MESZ6", "Buy", qty);
      sim.control.manualTrade(account, "MESZ6", "Sell", qty);
    }
    const config = twoFirms(first.url, second.url);
    const read = await readBroker({
      config,
      accounts: ["TSX5001", "TSX6001"],
      env,
      choice: "always",
      instanceRunning: false,
      since,
    });
    const ids = (account: string) => read.broker!.fills.filter((f) => f.account === account).map((f) => f.id);
    // The case in point: the two logins' fills share their ids.
    expect(ids("TSX6001")).toEqual(ids("TSX5001"));
    const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
    const report = buildReport({ range, config, journal: [], broker: read.broker, notes: read.notes });
    // MES costs 0.75 a contract a side: 1 lot round trip 1.50, 3 lots 4.50.
    expect(report.groups[0]!.leader.trading).toMatchObject({ fees: 1.5, netPnl: -1.5 });
    expect(report.groups[0]!.followers[0]!.trading).toMatchObject({ fees: 4.5, netPnl: -4.5 });
    expect(report.feesReported).toBe(true);
  });
});
