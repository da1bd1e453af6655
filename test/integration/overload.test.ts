/**
 * Issue 13 #9: a burst of leader fills bigger than the request budget. mimik keeps up or says it
 * cannot: every copy is sent at once or refused at once with "request budget" (and an alert says
 * the budget is spent); nothing queues and nothing reaches the broker late. Judged on the
 * simulator's records.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CONFIG_VERSION, type Config } from "../../data/schema.js";
import { Engine } from "../../engine/runtime/engine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import { defaultScenario, parseScenario, type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { CopyEvent, EngineEvent } from "../../engine/types.js";
import { createSessions } from "../../src/process/sessions.js";
import { eventually } from "../support/rig.js";

const FOLLOWERS = Array.from({ length: 20 }, (_, i) => `FOLW${String(i + 1).padStart(4, "0")}`);

let sim: Simulator | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  await sim?.close();
  sim = engine = undefined;
});

function config(url: string): Config {
  const connection = (name: string) => ({
    name,
    env: "sim" as const,
    url,
    username: name,
    password: { env: `PW_${name.toUpperCase()}` },
    appId: "mimik",
    appVersion: "test",
  });
  return {
    version: CONFIG_VERSION,
    connections: [connection("lead"), connection("copy")],
    accounts: [
      { name: "LEAD0001", connection: "lead" },
      ...FOLLOWERS.map((name) => ({ name, connection: "copy" })),
    ],
    groups: [
      {
        name: "G",
        active: true,
        leader: "LEAD0001",
        whitelist: { enabled: false, symbols: [] },
        followers: FOLLOWERS.map((account) => ({
          account,
          enabled: true,
          sizing: { mode: "multiplier" as const, value: 1 },
          mapping: "none" as const,
          limits: {},
        })),
      },
    ],
  };
}

describe("overload: more leader fills than the request budget allows", () => {
  it("every copy goes now or is refused now with 'request budget'; nothing reaches the broker late", async () => {
    const account = (name: string) => ({ name, balance: 1_000_000 });
    const scenario = parseScenario(
      {
        users: [
          { name: "lead", password: "lead-pw", accounts: [account("LEAD0001")] },
          { name: "copy", password: "copy-pw", accounts: FOLLOWERS.map(account) },
        ],
        products: defaultScenario.products,
      },
      "overload",
    );
    sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true, scenario });
    const cfg = config(sim.url);
    const sessions = await createSessions(cfg, {
      env: { PW_LEAD: "lead-pw", PW_COPY: "copy-pw" },
      embeddedSimUrl: sim.url,
      // Far below the simulator's: mimik's own budget is what runs out.
      rateLimit: { perSecond: 100, perMinute: 1000, perHour: 200, lockoutMs: 1000 },
    });
    engine = new Engine({ sessions, riskStore: new MemoryRiskStore(), ledger: new SetLedger() }, cfg);
    const events: EngineEvent[] = [];
    engine.on((e) => events.push(e));
    await engine.start();
    const live = engine;
    await eventually(() => ["LEAD0001", ...FOLLOWERS].every((a) => live.directory.connected(a)), "connected");

    // 30 leader fills, back to back: 600 copies against a budget of 200 an hour. All openings: an
    // exit that comes while the follower's opening is still on its way waits for it (and the
    // leader's next fills net with it), so alternating buys and sells would send far fewer.
    for (let i = 0; i < 30; i++) sim.control.manualTrade("LEAD0001", "ESZ6", "Buy", 1);
    await eventually(() => events.filter((e) => e.type === "leaderFill").length === 30, "30 leader fills");
    await eventually(
      () => FOLLOWERS.every((f) => live.gateway.inFlight(f) === 0),
      "no copy in flight",
      10_000,
    );

    const copies = events.filter((e): e is CopyEvent => e.type === "copy");
    const ids = (outcomes: string[]) =>
      new Set(copies.filter((c) => outcomes.includes(c.outcome)).map((c) => c.clOrdId));
    const sent = ids(["sent"]);
    const placed = ids(["accepted", "filled"]);
    const refused = copies.filter((c) => c.outcome === "rejected");
    expect(placed.size).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // Each copy that left the copier ended one way or the other, at once.
    expect(placed.size + refused.length).toBe(sent.size);
    for (const r of refused) expect(r.reason).toMatch(/^request budget/);
    const alerts = events.filter((e) => e.type === "alert" && e.message.includes("request budget"));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.some((a) => a.type === "alert" && /spent/.test(a.message))).toBe(true);

    // The broker took exactly the accepted copies, and nothing more arrives later.
    const taken = () =>
      sim!.control.records().orders.filter((o) => o.isAutomated && o.orderId !== null).length;
    expect(taken()).toBe(placed.size);
    await new Promise((r) => setTimeout(r, 500));
    expect(taken()).toBe(placed.size);
  });
});
