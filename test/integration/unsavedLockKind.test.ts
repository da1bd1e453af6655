import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JournalWriter, readAtStart } from "../../data/journal/index.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { tradingDayOf } from "../../engine/risk/tradingDay.js";
import { startSimulator } from "../../engine/sim/index.js";
import { restoreUnsavedLocks } from "../../src/process/engineThread/unsavedLocks.js";
import { tempDir } from "../data/fixtures.js";
import { eventually, position } from "../support/rig.js";
import { startTwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * APEX3001 (daily loss limit $1 000) was locked yesterday for its daily loss, and that lock never
 * reached the state file (its saves kept failing until mimik was killed). The journal's line is
 * all that is left of it. Started again today, past the 17:00 CT roll, the lock must come back as
 * what it was: a daily lock, which that roll clears, so APEX3001 copies today's Buy. Judged on the
 * simulator's book. A line from an older mimik, which did not say the lock's kind, comes back as a
 * lock by hand and holds.
 */
const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of done.splice(0).reverse()) await d();
});

const DAY_MS = 86_400_000;

async function restartedAfterUnsavedDailyLock(line: Record<string, unknown>) {
  const { dir, cleanup } = await tempDir();
  done.push(cleanup);
  const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  done.push(() => sim.close());
  const balance = sim.control.records().cashBalances.find((c) => c.accountName === "APEX3001")!.amount;
  const yesterday = Date.now() - DAY_MS;

  // What the killed run left: the state file from before the lock, the lock in the journal.
  const statePath = join(dir, "config.state.json");
  const before = await RuntimeStateRepository.open(statePath);
  await before.saveFollower("APEX3001", {
    state: "ACTIVE",
    tradingDay: tradingDayOf(yesterday),
    startOfDayBalance: balance + 1500,
    highWaterMark: balance + 1500,
  });
  await before.close();
  const journalPath = join(dir, "journal", "config.jsonl");
  const journal = await JournalWriter.open(journalPath);
  journal.append({
    type: "followerState",
    at: yesterday,
    follower: "APEX3001",
    state: "LOCKED",
    reason: "daily loss limit: day P&L -$1,500.00 (limit $1,000.00)",
    unsaved: true,
    ...line,
  });
  await journal.close();

  // The start, as the engine's host does it.
  const state = await RuntimeStateRepository.open(statePath);
  const notes = await restoreUnsavedLocks(state, (await readAtStart(journalPath)).lastStates);
  const config = twoLoginConfig();
  config.groups[0]!.followers[0]!.limits = { dailyLoss: 1000 };
  const r = await startTwoLogins(config, undefined, { sim, riskStore: state });
  done.push(() => r.close());
  await eventually(() => ["DEMO1000", "APEX3001"].every((a) => r.engine.directory.connected(a)), "connected");
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  await eventually(
    () => r.events.find((e) => e.type === "copy" && e.follower === "APEX3001" && e.outcome !== "sent"),
    "APEX3001's copy decided",
  );
  return { sim, engine: r.engine, notes };
}

describe("a lock that never reached the state file, restored from the journal", () => {
  it("comes back as the daily lock it was: the roll since clears it, and APEX3001 copies", async () => {
    const { sim, engine, notes } = await restartedAfterUnsavedDailyLock({
      lockKind: "daily",
      lockedAt: Date.now() - DAY_MS,
    });
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1 || undefined, "APEX3001 long 1");
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);
    expect(engine.risk.snapshot("APEX3001")?.state).toBe("ACTIVE");
    expect(notes).toEqual([expect.stringContaining("locked again as it was: a daily loss lock")]);
  }, 30_000);

  it("from a journal that does not say its kind, comes back as a lock by hand and holds", async () => {
    const { sim, engine, notes } = await restartedAfterUnsavedDailyLock({});
    expect(position(sim, "APEX3001", "ESZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);
    expect(engine.risk.snapshot("APEX3001")).toMatchObject({ state: "LOCKED", lockKind: "manual" });
    expect(notes).toEqual([expect.stringContaining("does not say what kind of lock it was")]);
  }, 30_000);
});
