import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, PX_CONNECTION, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * An account added to the config while mimik runs (the console's `n`, or a hand edit of the JSON)
 * is used within seconds, without a restart; one removed is no longer used. Judged on the
 * simulator's book.
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

/** The rig's config with only DEMO1000 leading DEMO2001. */
function small(): Config {
  const config = simConfig();
  config.accounts = config.accounts.filter((a) => a.name === "DEMO1000" || a.name === "DEMO2001");
  config.groups[0]!.followers = [follower("DEMO2001")];
  return config;
}

const edited = (config: Config, edit: (c: Config) => void): Config => {
  const next = structuredClone(config);
  edit(next);
  return next;
};

describe("an account added while mimik runs", () => {
  it("on a login already connected gets its copies", async () => {
    rig = await startRig(small());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2001"), "DEMO2001 connected");
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.accounts.push({ name: "DEMO2003", connection: "sim" });
        c.groups[0]!.followers.push(follower("DEMO2003"));
      }),
    );
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 long 2");
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
  });

  it("on the leader's login raises no 'leader reconnected' for a leader that never went away", async () => {
    rig = await startRig(small());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.connected("DEMO2001"), "DEMO2001 connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 long 2");
    const seen = events.length;
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.accounts.push({ name: "DEMO2003", connection: "sim" });
        c.groups[0]!.followers.push(follower("DEMO2003"));
      }),
    );
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    // Joined beside a long leader: its missed opening is the trader's call, as at any re-sync.
    await eventually(
      () => events.slice(seen).some((e) => e.type === "syncStatus" && e.follower === "DEMO2003"),
      "DEMO2003 looked at",
    );
    const said = events.slice(seen).flatMap((e) => (e.type === "alert" ? [e.message] : []));
    expect(said.filter((m) => /DEMO1000/.test(m))).toEqual([]);
    expect(events.slice(seen).filter((e) => e.type === "syncStatus")).toEqual([
      expect.objectContaining({ follower: "DEMO2003", has: 0, expects: 2, inSync: false }),
    ]);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
  });

  it("a renewal for it that fails is a lost login: its reconnect says so", async () => {
    rig = await startRig(small());
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.connected("DEMO2001"), "DEMO2001 connected");
    const seen = events.length;
    // The renewed socket's sync is slowed, and the socket dropped before it completes.
    sim.control.delaySocket("demo", 400);
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.accounts.push({ name: "DEMO2003", connection: "sim" });
        c.groups[0]!.followers.push(follower("DEMO2003"));
      }),
    );
    await new Promise((done) => setTimeout(done, 150));
    sim.control.dropSockets({ user: "demo", kind: "trading" });
    sim.control.delaySocket("demo", 0);
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected", 15_000);
    const said = events.slice(seen).flatMap((e) => (e.type === "alert" ? [e.message] : []));
    expect(said).toContainEqual(expect.stringContaining("leader DEMO1000 reconnected"));
  }, 20_000);

  it("on a ProjectX login already connected gets its copies", async () => {
    const config = small();
    config.connections.push(PX_CONNECTION);
    config.accounts.push({ name: "TSX5001", connection: "px" });
    config.groups[0]!.followers.push(follower("TSX5001"));
    rig = await startRig(config);
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 connected");
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.accounts.push({ name: "TSX5002", connection: "px" });
        c.groups[0]!.followers.push(follower("TSX5002"));
      }),
    );
    await eventually(() => engine.directory.connected("TSX5002"), "TSX5002 connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 2, "TSX5001 long 2");
    await eventually(() => position(sim, "TSX5002", "ESZ6") === 2, "TSX5002 long 2");
  });

  it("taken out of the config and put back gets its copies", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    const original = engine.currentConfig();
    engine.setConfig(
      edited(original, (c) => {
        c.accounts = c.accounts.filter((a) => a.name !== "DEMO2003");
        c.groups[0]!.followers = c.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
      }),
    );
    expect(engine.directory.route("DEMO2003")).toBeUndefined();
    engine.setConfig(original);
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected again");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
  });

  it("leaves the login alone on a config change that adds no account", async () => {
    // DEMO9999 is no account of the login: the config names it all the same.
    const config = small();
    config.accounts.push({ name: "DEMO9999", connection: "sim" });
    rig = await startRig(config);
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.connected("DEMO2001"), "DEMO2001 connected");
    const seen = events.length;
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.groups[0]!.followers[0]!.maxContracts = 5;
      }),
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 long 2");
    const states = events.slice(seen).flatMap((e) => (e.type === "connectionStatus" ? [e.state] : []));
    expect(states).toEqual([]);
  });

  it("removed from the config is no longer copied to", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    engine.setConfig(
      edited(engine.currentConfig(), (c) => {
        c.accounts = c.accounts.filter((a) => a.name !== "DEMO2003");
        c.groups[0]!.followers = c.groups[0]!.followers.filter((f) => f.account !== "DEMO2003");
      }),
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
    await eventually(() => engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(0);
  });
});
