import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { createSessions } from "../../src/process/sessions.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A login added to a running engine's config is started, synced and copied to; one the config
 * drops is disconnected at the broker, with a warning for each position it leaves open. Judged
 * on the simulator's book and its sockets.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const follower = (account: string): Config["groups"][number]["followers"][number] => ({
  account,
  enabled: true,
  sizing: { mode: "multiplier", value: 1 },
  mapping: "none",
  limits: {},
});

const APEX = {
  name: "apex",
  env: "sim" as const,
  username: "prop",
  password: { env: "MIMIK_TEST_PROP_PASSWORD" },
  appId: "mimik",
  appVersion: "test",
};

/** The rig's config with the "apex" login added, its APEX3001 following DEMO1000. */
function withApex(config: Config): Config {
  const next = structuredClone(config);
  next.connections.push(APEX);
  next.accounts.push({ name: "APEX3001", connection: "apex" });
  next.groups[0]!.followers.push(follower("APEX3001"));
  return next;
}

async function addApex(r: Rig): Promise<Config> {
  return addApexAs(r, withApex(r.engine.currentConfig()));
}

/** `next` (the "apex" login in it) applied, and its session opened as the engine's thread would. */
async function addApexAs(r: Rig, next: Config): Promise<Config> {
  r.engine.setConfig(next);
  const [session] = await createSessions(
    { ...next, connections: next.connections.filter((c) => c.name === "apex") },
    { env: { MIMIK_TEST_PROP_PASSWORD: "prop" }, embeddedSimUrl: r.sim.url },
  );
  await r.engine.addSession(session!);
  return next;
}

/**
 * APEX3001 added and long 1 NQ with its leader; its login's market data down until it is blind;
 * then flat with its leader (a close still copies). Returns the config with the login in it.
 */
async function apexBlindThenFlat(r: Rig): Promise<Config> {
  const { sim, engine } = r;
  const next = await addApex(r);
  await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
  sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
  await eventually(() => position(sim, "APEX3001", "NQZ6") === 1, "APEX3001 long 1 NQ");
  await eventually(() => sim.control.socketCount({ user: "prop" }) >= 2, "the prop login's md socket");
  sim.control.marketDataDown(true);
  await eventually(() => engine.risk.snapshot("APEX3001")?.pricesStale, "APEX3001 blind", 20_000);
  sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 1);
  await eventually(() => position(sim, "APEX3001", "NQZ6") === 0, "APEX3001 flat with its leader");
  return next;
}

const alerts = (r: Rig) => r.events.flatMap((e) => (e.type === "alert" ? [e.message] : []));

describe("a login added to a running engine", () => {
  it("connects, syncs and its follower gets the leader's copies", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    await addApex(rig);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat with its leader");
  });

  it("taken out again is disconnected at the broker, saying what its follower still holds", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const start = engine.currentConfig();
    await addApex(rig);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    await eventually(() => engine.gateway.inFlight("APEX3001") === 0, "APEX3001's copy answered");
    await eventually(() => rigPositionsShown(rig!, "APEX3001"), "APEX3001's position seen by its login");
    expect(sim.control.socketCount({ user: "prop" })).toBeGreaterThan(0);

    engine.setConfig(start);
    expect(alerts(rig)).toContainEqual(
      "connection apex was taken out of the config while follower APEX3001 holds ESZ6 +2; mimik no longer closes it with its leader: flatten it at the broker, or add the login back",
    );
    // Down by the trader's choice, so the phone is not paged for it (notify/rules.ts).
    expect(rig.events).toContainEqual(
      expect.objectContaining({
        type: "connectionStatus",
        connection: "apex",
        state: "down",
        takenOut: true,
      }),
    );
    await eventually(
      () => sim.control.socketCount({ user: "prop" }) === 0,
      "the prop login's sockets closed",
    );
    // Its exit is no longer copied there; the follower that stayed still gets it.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat");
    expect(position(sim, "APEX3001", "ESZ6")).toBe(2);
  });

  it("put back after it was taken out connects again and is copied to", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const start = engine.currentConfig();
    await addApex(rig);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
    engine.setConfig(start);
    await eventually(
      () => sim.control.socketCount({ user: "prop" }) === 0,
      "the prop login's sockets closed",
    );
    await addApex(rig);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected again");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1, "APEX3001 long 1");
  });

  it("put back while its follower holds: the position is priced again and its loss limit acts", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const start = engine.currentConfig();
    const next = await addApex(rig);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3001", "NQZ6") === 1, "APEX3001 long 1 NQ");
    await eventually(() => sim.control.socketCount({ user: "prop" }) >= 2, "the prop login's md socket");
    engine.setConfig(start);
    await eventually(() => sim.control.socketCount({ user: "prop" }) === 0, "the prop login closed");

    // Put back with a daily loss limit: the NQ it still holds must be watched, at live prices.
    const limited = structuredClone(next);
    limited.groups[0]!.followers.find((f) => f.account === "APEX3001")!.limits = { dailyLoss: 500 };
    await addApexAs(rig, limited);
    await eventually(() => engine.risk.snapshot("APEX3001")?.netLiq, "risk to see APEX3001 again");
    // 1 NQ × $20 × 30 points = $600 down: past the $500 daily loss.
    sim.control.jumpPrice("NQZ6", -30);
    await eventually(() => engine.risk.snapshot("APEX3001")?.state === "LOCKED", "APEX3001 locked");
    expect(position(sim, "APEX3001", "NQZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(1);
  });

  it("taken out while its market data was down and put back once it is up: its follower copies openings again", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const start = engine.currentConfig();
    const next = await apexBlindThenFlat(rig);

    engine.setConfig(start);
    // Taken out, it is not told its market data is back: it is not.
    expect(alerts(rig).filter((m) => m.startsWith("APEX3001: market data back"))).toEqual([]);
    await eventually(() => sim.control.socketCount({ user: "prop" }) === 0, "the prop login closed");
    sim.control.marketDataDown(false);
    await addApexAs(rig, next);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected again");
    // Flat, its new session has no quotes to ask for: nothing of the old one's outage is its.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1, "APEX3001 long 1 ES");
    expect(engine.risk.snapshot("APEX3001")?.pricesStale).toBe(false);
  });

  it("edited while its market data was down and reconnected once it is up: its follower copies openings again", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const next = await apexBlindThenFlat(rig);

    // The trader edits the login (another app version): its session is replaced by a new one.
    const edited = structuredClone(next);
    edited.connections = edited.connections.map((c) =>
      c.name === "apex" ? { ...APEX, appVersion: "test-2" } : c,
    );
    engine.setConfig(edited);
    await eventually(() => sim.control.socketCount({ user: "prop" }) === 0, "the old prop session closed");
    sim.control.marketDataDown(false);
    await addApexAs(rig, edited);
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 connected again");
    // Flat, its new session has no quotes to ask for: the old session's outage is not its.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1, "APEX3001 long 1 ES");
    expect(engine.risk.snapshot("APEX3001")?.pricesStale).toBe(false);
  });

  it("added after the engine stopped (its secrets came late) is not connected", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const next = withApex(engine.currentConfig());
    await engine.stop();
    const [session] = await createSessions(
      { ...next, connections: [APEX] },
      { env: { MIMIK_TEST_PROP_PASSWORD: "prop" }, embeddedSimUrl: sim.url },
    );
    await expect(engine.addSession(session!)).rejects.toThrow("stopped");
    expect(sim.control.socketCount({ user: "prop" })).toBe(0);
    await session!.stop();
  });

  it("refuses a second session for a login it has open", async () => {
    rig = await startRig(simConfig());
    const [again] = await createSessions(simConfig(), {
      env: { MIMIK_TEST_PASSWORD: "demo" },
      embeddedSimUrl: rig.sim.url,
    });
    await expect(rig.engine.addSession(again!)).rejects.toThrow("connection sim is open already");
  });
});

/** The engine has reported the account's open position (its login saw the copy fill). */
function rigPositionsShown(r: Rig, account: string): boolean {
  return r.events.some((e) => e.type === "positions" && e.account === account && e.positions.length > 0);
}
