import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { tradingDayOf } from "../../engine/risk/tradingDay.js";
import { Engine } from "../../engine/runtime/engine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { EngineEvent } from "../../engine/types.js";
import { createSessions } from "../../src/process/sessions.js";
import { eventually, position } from "../support/rig.js";
import { twoLoginConfig } from "../support/twoLogins.js";

/**
 * `unlock --force` on a follower whose balance is not known yet (its login is not up: a restart,
 * a login still connecting) with a daily loss limit, judged on the simulator's book: it is ACTIVE
 * at once, and its limits are checked the moment its first balance arrives; past one then, it is
 * locked again and flattened; within them, it copies.
 */
let sim: Simulator | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  await sim?.close();
  [engine, sim] = [undefined, undefined];
});

const DEFERRED =
  "its balance is not known yet: its limits are checked the moment its first balance arrives, and it locks again if one is breached then";

/**
 * The engine running with APEX3001 (daily loss limit $1 000) locked by hand earlier today, its
 * day started `down` dollars above its balance now, and its login ("prop") not up yet.
 */
async function lockedWithLoginDown(down: number) {
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  const config: Config = twoLoginConfig();
  config.groups[0]!.followers[0]!.limits = { dailyLoss: 1000 };
  const [demo, prop] = await createSessions(config, {
    env: { PW_DEMO: "demo", PW_PROP: "prop" },
    embeddedSimUrl: sim.url,
  });
  const balance = sim.control.records().cashBalances.find((c) => c.accountName === "APEX3001")!.amount;
  const now = Date.now();
  const riskStore = new MemoryRiskStore();
  await riskStore.saveFollower("APEX3001", {
    state: "LOCKED",
    lockKind: "manual",
    lockReason: "manual",
    lockedAt: now - 60_000,
    tradingDay: tradingDayOf(now),
    startOfDayBalance: balance + down,
    highWaterMark: balance + down,
  });
  engine = new Engine({ sessions: [demo!], riskStore, ledger: new SetLedger() }, config);
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  await engine.start();
  await eventually(() => engine!.directory.connected("DEMO1000"), "the leader's login up");
  expect(engine.risk.snapshot("APEX3001")).toMatchObject({ state: "LOCKED", cashBalance: undefined });
  const forced = await engine.unlock("APEX3001", true);
  return { sim, engine, prop: prop!, events, forced };
}

describe("unlock --force before the follower's first balance", () => {
  it("is ACTIVE at once, saying its limits wait for the balance; a first balance past one locks and flattens it", async () => {
    const { sim, engine, prop, events, forced } = await lockedWithLoginDown(1500);
    expect(forced).toEqual({ target: "APEX3001", status: "unlocked", reason: DEFERRED });
    expect(events.flatMap((e) => (e.type === "alert" ? [e.message] : []))).toContainEqual(
      `APEX3001: unlocked (${DEFERRED}) (forced)`,
    );
    expect(engine.risk.snapshot("APEX3001")?.state).toBe("ACTIVE");
    // It held a position from before (bought at its broker while mimik was not watching).
    sim.control.setPrice("ESZ6", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 2);

    await engine.addSession(prop);
    await eventually(
      () => engine.risk.snapshot("APEX3001")?.lockKind === "daily",
      "APEX3001 past its daily loss at its first balance",
    );
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flattened at the broker");
    await eventually(() => engine.risk.snapshot("APEX3001")?.state === "LOCKED", "APEX3001 LOCKED once flat");
    // Locked: the leader's next opening is not copied to it.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3002", "ESZ6") === 1, "APEX3002 copied");
    expect(position(sim, "APEX3001", "ESZ6")).toBe(0);
  });

  it("within its limits at its first balance, it copies the leader", async () => {
    const { sim, engine, prop, forced } = await lockedWithLoginDown(0);
    expect(forced.reason).toBe(DEFERRED);
    await engine.addSession(prop);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001's login up");
    await eventually(() => engine.risk.snapshot("APEX3001")?.cashBalance !== undefined, "its first balance");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2 with its leader");
    expect(engine.risk.snapshot("APEX3001")?.state).toBe("ACTIVE");
  });
});
