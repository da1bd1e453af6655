import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JournalWriter } from "../../data/journal/index.js";
import { buildReport, type Report } from "../../src/report/build.js";
import { REPORT_KINDS } from "../../src/report/journalFacts.js";
import { readJournalFile } from "../../src/report/load.js";
import { type Child, jsonLines, killAll, runMimik, until } from "../headless/children.js";
import { leaderTradeOn, positionOn } from "../headless/simBook.js";
import { headlessOn, type SimWorld, simWorld } from "../headless/simWorld.js";
import { config, range } from "./fixture.js";

/**
 * One lock by hand is one lock in the day's report (`mimik report`, and the console's `p`, built
 * by the same code), however often the engine says the follower is still LOCKED after it: when its
 * market data goes and comes back, and when mimik restarts with the lock restored.
 */

let world: SimWorld;
let headless: Child;

const lockedLines = (child: Child) =>
  jsonLines(child).filter((l) => l.type === "followerState" && l.state === "LOCKED").length;

beforeAll(async () => {
  world = await simWorld(
    "mimik-locks-once-",
    ["DEMO1000", { name: "DEMO2001", label: "half" }],
    [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [{ account: "DEMO2001", sizing: { mode: "multiplier", value: 1 } }],
      },
    ],
  );
  headless = await headlessOn(world);
}, 30_000);

afterAll(async () => {
  await killAll();
  await rm(world.dir, { recursive: true, force: true });
});

describe("the day's report counts a lock once", () => {
  it("a lock by hand, then market data down and back, then a restart: locked 1 time", async () => {
    await leaderTradeOn(world.simUrl, "Buy", 1);
    await until(async () => (await positionOn(world.simUrl, "DEMO2001")) === 1, "the copy filled");

    const flatten = await runMimik(
      ["flatten", "--follower", "half", "--yes", "--config", world.configPath],
      world.env,
    );
    expect(flatten.code, flatten.stderr).toBe(0);
    await until(async () => (await positionOn(world.simUrl, "DEMO2001")) === 0, "the flatten filled");
    await until(() => lockedLines(headless) === 1, "the follower LOCKED");

    // The engine tells the state again when the follower's prices go stale and come back.
    await world.post("/sim/market-data-down", { on: true });
    await until(() => lockedLines(headless) === 2, "LOCKED told again, prices stale");
    await world.post("/sim/market-data-down", { on: false });
    await until(() => lockedLines(headless) === 3, "LOCKED told again, prices back", 20_000);

    headless.proc.kill("SIGTERM");
    expect(await headless.exited).toBe(0);
    headless = await headlessOn(world);
    await until(() => lockedLines(headless) === 1, "the lock restored at the restart");

    const r = await runMimik(["report", "--json", "--offline", "--config", world.configPath], world.env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const half = report.groups[0]?.followers.find((f) => f.account === "DEMO2001");
    // The simulator's book: one flatten order on DEMO2001, the lock's; the report: one lock.
    const records = (await (await fetch(`${world.simUrl}/sim/records`)).json()) as {
      orders: { accountName: string; clOrdId?: string }[];
    };
    expect(records.orders.filter((o) => o.accountName === "DEMO2001")).toHaveLength(2);
    expect(half?.copy.locks).toBe(1);
    expect(report.groups[0]?.total.copy.locks).toBe(1);
  }, 60_000);
});

describe("a lock held across the 17:00 CT roll", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mimik-locks-roll-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is the day's it began on; a flatten while locked is the same lock; a lock after an unlock is a new one", async () => {
    const path = join(dir, "journal", "config.jsonl");
    const w = await JournalWriter.open(path);
    const at = (iso: string) => Date.parse(iso);
    const state = (iso: string, follower: string, s: string, extra: Record<string, unknown> = {}) =>
      w.append({ type: "followerState", at: at(iso), follower, state: s, reason: "manual", ...extra });
    // The day of 2026-11-27 runs from 2026-11-26 23:00Z (17:00 CT); both locks are hours before it.
    state("2026-11-26T18:00:00Z", "DEMO2001", "LOCKED");
    state("2026-11-26T18:00:00Z", "DEMO2002", "LOCKED");
    // Today: told again (its prices went stale), and a restart restores it.
    state("2026-11-27T14:00:00Z", "DEMO2001", "LOCKED", { pricesStale: true });
    state("2026-11-27T15:00:00Z", "DEMO2001", "LOCKED");
    // Flattened by hand while locked (LIQUIDATE_ONLY, then LOCKED again): still that lock.
    state("2026-11-27T15:30:00Z", "DEMO2001", "LIQUIDATE_ONLY");
    state("2026-11-27T15:30:01Z", "DEMO2001", "LOCKED");
    // Unlocked today, then locked again: one lock of today.
    state("2026-11-27T15:00:00Z", "DEMO2002", "LOCKED");
    state("2026-11-27T16:00:00Z", "DEMO2002", "ACTIVE");
    state("2026-11-27T16:30:00Z", "DEMO2002", "LOCKED");
    // A breach flattening (LIQUIDATE_ONLY) unlocked by hand before it locked: no lock.
    state("2026-11-27T17:00:00Z", "DEMO2002", "ACTIVE");
    state("2026-11-27T17:10:00Z", "DEMO2002", "LIQUIDATE_ONLY");
    state("2026-11-27T17:10:01Z", "DEMO2002", "ACTIVE");
    await w.close();

    const journal = await readJournalFile(path, range, REPORT_KINDS);
    const report = buildReport({ range, config, journal, broker: undefined });
    const locks = (a: string) => report.groups[0]!.followers.find((f) => f.account === a)!.copy.locks;
    expect([locks("DEMO2001"), locks("DEMO2002")]).toEqual([0, 1]);
  });
});
