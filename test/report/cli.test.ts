import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tradingDayOf } from "../../engine/index.js";
import type { Report } from "../../src/report/build.js";
import {
  type Child,
  headlessRunning,
  jsonLines,
  killAll,
  runMimik,
  startMimik,
  startSim,
  until,
} from "../headless/children.js";

/**
 * `mimik report` through the real executable: a day of copying by `mimik headless` against
 * `mimik sim`, then the report, checked against the simulator's own book (its fills, orders and
 * realized P&L), while the copier runs (journal only) and after it stopped (the broker's fills).
 */

interface SimRecords {
  orders: { orderId: number | null; accountName: string; clOrdId?: string }[];
  fills: {
    fillId: number;
    orderId: number;
    accountName: string;
    symbol: string;
    action: string;
    price: number;
  }[];
  cashBalances: { accountName: string; realizedPnL: number }[];
}

let dir: string;
let env: NodeJS.ProcessEnv;
let simUrl: string;
let configPath: string;
let headless: Child;
const firstDay = tradingDayOf(Date.now());

const post = (path: string, body: unknown) =>
  fetch(`${simUrl}${path}`, { method: "POST", body: JSON.stringify(body) }).then((r) =>
    expect(r.status).toBe(200),
  );

async function report(...args: string[]): Promise<Report> {
  const r = await runMimik(["report", "--json", "--from", firstDay, "--config", configPath, ...args], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-report-"));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "cfg"),
    MIMIK_E2E_PASSWORD: "demo",
    MIMIK_E2E_PX_KEY: "sim-projectx-key",
  };
  simUrl = (await startSim(env)).url;
  configPath = join(dir, "config.json");
  await writeFile(
    configPath,
    JSON.stringify({
      version: 1,
      connections: [
        { name: "sim", env: "sim", url: simUrl, username: "demo", password: { env: "MIMIK_E2E_PASSWORD" } },
        {
          name: "px",
          broker: "projectx",
          env: "sim",
          url: simUrl,
          username: "topstep",
          apiKey: { env: "MIMIK_E2E_PX_KEY" },
        },
      ],
      accounts: [
        { name: "DEMO1000", connection: "sim", label: "lead" },
        { name: "DEMO2001", connection: "sim", label: "one" },
        { name: "DEMO2002", connection: "sim", label: "micro" },
        { name: "TSX5001", connection: "px", label: "topstep" },
      ],
      groups: [
        {
          name: "main",
          leader: "DEMO1000",
          followers: [
            { account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } },
            { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 }, mapping: "toMicro" },
            { account: "TSX5001", sizing: { mode: "multiplier", value: 1 } },
          ],
        },
      ],
    }),
  );
  headless = startMimik(["headless", "--config", configPath], env);
  await headlessRunning(headless);
  // A long round trip and a short one, each copied to the three followers (one at ProjectX).
  // Prices still: each copy fills at its leader's price, so the followers' P&L is the leader's.
  await post("/sim/walk", { on: false });
  const trades: [number, "Buy" | "Sell", number][] = [
    [6800, "Buy", 2],
    [6806.25, "Sell", 2],
    [6810, "Sell", 1],
    [6804.5, "Buy", 1],
  ];
  for (const [i, [price, action, qty]] of trades.entries()) {
    await post("/sim/price", { symbol: "ESZ6", price });
    await post("/sim/trade", { account: "DEMO1000", symbol: "ESZ6", action, qty });
    await until(
      () =>
        jsonLines(headless).filter((l) => l.type === "copy" && l.outcome === "filled").length >= 3 * (i + 1),
      `the copies of leader trade ${i + 1} filled`,
    );
  }
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("mimik report", () => {
  it("while mimik runs: the journal's copies and latency, no second login, and it says why", async () => {
    const r = await report();
    expect(r.source).toBe("journal");
    expect(r.notes.join(" ")).toContain(
      "mimik is running for this config, so the broker's fills were not read",
    );
    const followers = r.groups[0]!.followers;
    expect(followers.map((f) => [f.account, f.copy.copies, f.copy.filled, f.trading])).toEqual([
      ["DEMO2001", 4, 4, undefined],
      ["DEMO2002", 4, 4, undefined],
      ["TSX5001", 4, 4, undefined],
    ]);
    expect(
      followers.every(
        (f) => (f.copy.latencyP50 ?? -1) >= 0 && (f.copy.latencyP99 ?? -1) >= (f.copy.latencyP50 ?? 0),
      ),
    ).toBe(true);
  });

  it("after it stopped: P&L as each broker has it (Tradovate and ProjectX), and slippage against the leader fill each copy answered", async () => {
    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    const r = await report();
    expect(r.source).toBe("broker");
    // The simulator's Tradovate face reports no fees; its ProjectX face does (2.25 an ES contract).
    expect(r.feesReported).toBe(false);
    expect(r.feesUnreported).toEqual(["DEMO1000", "DEMO2001", "DEMO2002"]);
    const book = (await (await fetch(`${simUrl}/sim/records`)).json()) as SimRecords;
    const realized = (account: string) =>
      book.cashBalances.find((c) => c.accountName === account)?.realizedPnL;
    const group = r.groups[0]!;
    expect(group.leader.trading).toMatchObject({ fills: 4, trades: 2, netPnl: realized("DEMO1000") });
    expect(realized("DEMO1000")).toBe((6806.25 - 6800) * 2 * 50 + (6810 - 6804.5) * 50);
    // ProjectX's own word on its follower: the realized P&L of its closing half-turns.
    const px = group.followers.find((f) => f.account === "TSX5001")!;
    expect(realized("TSX5001")).toBe(realized("DEMO1000"));
    const pxFees = 2.25 * 6;
    expect(px.trading).toMatchObject({
      fills: 4,
      trades: 2,
      grossPnl: realized("TSX5001"),
      fees: pxFees,
      netPnl: realized("TSX5001")! - pxFees,
    });
    expect(px.slippage).toMatchObject({ matched: 4, contracts: 6 });
    for (const f of group.followers.filter((x) => x.account !== "TSX5001")) {
      expect(f.trading).toMatchObject({ fills: 4, trades: 2, netPnl: realized(f.account) });
      // The same slippage, found the other way round: the order's clOrdId names the leader fill.
      const mine = book.fills.filter((x) => x.accountName === f.account);
      const perContract = mine.map((x) => {
        const clOrdId = book.orders.find((o) => o.orderId === x.orderId)?.clOrdId ?? "";
        const leaderFill = Number(/^mk-(\d+)-/.exec(clOrdId)?.[1]);
        const leaderPrice = book.fills.find((l) => l.fillId === leaderFill)!.price;
        return x.action === "Buy" ? x.price - leaderPrice : leaderPrice - x.price;
      });
      const pointValue = f.account === "DEMO2002" ? 5 : 50;
      const contracts = f.account === "DEMO2002" ? [1, 1, 1, 1] : [2, 2, 1, 1];
      const dollars = perContract.reduce((n, d, i) => n + d * pointValue * contracts[i]!, 0);
      expect(f.slippage).toMatchObject({ matched: 4, contracts: contracts.reduce((a, b) => a + b, 0) });
      expect(f.slippage?.dollars).toBeCloseTo(dollars, 2);
    }
  });

  it("as a table and as CSV", async () => {
    const text = await runMimik(["report", "--from", firstDay, "--config", configPath], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^group main · leader lead DEMO1000: 4 fills, 2 trades \(2 won\), net P&L \+900\.00$/m,
    );
    expect(text.stdout).toMatch(/^ one DEMO2001 +4 +4 +0 +0 /m);
    const csv = await runMimik(["report", "--csv", "--from", firstDay, "--config", configPath], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(
      csv.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(",")[3]),
    ).toEqual(["role", "leader", "follower", "follower", "follower", "followers total"]);
  });

  it("--offline never logs in; bad dates and clashing flags are usage errors", async () => {
    const offline = await report("--offline");
    expect(offline.source).toBe("journal");
    expect(offline.notes).toEqual(["the broker was not read (--offline)"]);
    for (const args of [
      ["--date", "2026-13-01"],
      ["--json", "--csv"],
      ["--offline", "--broker"],
      ["--group", "nope"],
      ["--follower", "ghost"],
    ]) {
      const r = await runMimik(["report", "--config", configPath, ...args], env);
      expect(r.code, args.join(" ")).toBe(2);
    }
  });
});
