import { afterEach, describe, expect, it } from "vitest";
import type { Config, Group } from "../../data/schema.js";
import type { CopyEvent } from "../../engine/types.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";

/**
 * Groups that span brokers: a Tradovate leader with ProjectX followers, and a ProjectX leader
 * with Tradovate followers. Judged on the simulator's own records: what each broker holds.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Tradovate's DEMO1000 and DEMO2001, ProjectX's TSX5001 and TSX5002. */
const ACCOUNTS = { DEMO1000: "sim", DEMO2001: "sim", TSX5001: "px", TSX5002: "px" } as const;

/** Tradovate leader DEMO1000; followers DEMO2001 (Tradovate) and TSX5001, TSX5002 (ProjectX). */
const tradovateLeads = (group: Partial<Group> = {}): Config =>
  crossBrokerConfig(ACCOUNTS, {
    name: "X",
    leader: "DEMO1000",
    followers: [
      follower("DEMO2001", { sizing: { mode: "multiplier", value: 0.5 } }),
      follower("TSX5001", { sizing: { mode: "multiplier", value: 0.5 } }),
      follower("TSX5002", { mapping: "toMicro", sizing: { mode: "fixed", contracts: 2 } }),
    ],
    ...group,
  });

const connected = (r: Rig, accounts: readonly string[]) =>
  accounts.every((a) => r.engine.directory.connected(a));
const copies = (r: Rig, account: string) =>
  r.events.filter((e): e is CopyEvent => e.type === "copy" && e.follower === account);

describe("groups that span brokers (real clients of both brokers, real engine, one simulator)", () => {
  it("a Tradovate leader's fill is copied to ProjectX followers by root, month and year, sized and mapped", async () => {
    rig = await startRig(tradovateLeads());
    const { sim } = rig;
    await eventually(
      () => connected(rig!, ["DEMO1000", "DEMO2001", "TSX5001", "TSX5002"]),
      "both logins synced",
    );

    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 3);
    await eventually(() => position(sim, "DEMO2001", "NQZ6") === 2, "DEMO2001 +2 NQZ6 (Tradovate)");
    await eventually(() => position(sim, "TSX5001", "NQZ6") === 2, "TSX5001 +2 NQZ6 (ProjectX)");
    await eventually(
      () => position(sim, "TSX5002", "MNQZ6") === 2,
      "TSX5002 +2 MNQZ6 (mapped across brokers)",
    );

    // What ProjectX was sent: its own contract id, the copy's clOrdId as customTag.
    const px = sim.control.records().orders.filter((o) => o.accountName.startsWith("TSX"));
    expect(px.map((o) => [o.accountName, o.symbol, o.qty])).toEqual([
      ["TSX5001", "NQZ6", 2],
      ["TSX5002", "MNQZ6", 2],
    ]);
    expect(px.every((o) => o.clOrdId?.startsWith("mk-") && o.isAutomated)).toBe(true);

    sim.control.manualTrade("DEMO1000", "NQZ6", "Sell", 3);
    await eventually(() => position(sim, "TSX5001", "NQZ6") === 0, "TSX5001 flat");
    await eventually(() => position(sim, "TSX5002", "MNQZ6") === 0, "TSX5002 flat");
    // Each copy's fill is told once ProjectX's hub brings it (it may trail the broker's book).
    const filled = () => copies(rig!, "TSX5001").filter((c) => c.outcome === "filled");
    await eventually(() => filled().length === 2, "both TSX5001 copies told as filled");
    expect(filled().map((c) => [c.contract, c.side, c.qty])).toEqual([
      ["NQZ6", "Buy", 2],
      ["NQZ6", "Sell", 2],
    ]);
    // The engine's connection events (the journal's and headless lines') name each login's broker.
    const up = rig.events.filter((e) => e.type === "connectionStatus" && e.state === "connected");
    expect(up.map((e) => e.type === "connectionStatus" && [e.connection, e.broker]).sort()).toEqual([
      ["px", "projectx"],
      ["sim", "tradovate"],
    ]);
  });

  it("the whitelist matches roots the same at both brokers (ES is EP at ProjectX)", async () => {
    rig = await startRig(tradovateLeads({ whitelist: { enabled: true, symbols: ["ES"] } }));
    const { sim } = rig;
    await eventually(() => connected(rig!, ["DEMO1000", "TSX5001", "TSX5002"]), "synced");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(
      () => copies(rig!, "TSX5001").some((c) => c.reason === "not whitelisted"),
      "NQ held back at ProjectX too",
    );
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 1, "TSX5001 +1 ESZ6");
    await eventually(() => position(sim, "TSX5002", "MESZ6") === 2, "TSX5002 +2 MESZ6");
    expect(position(sim, "TSX5001", "NQZ6")).toBe(0);
  });

  it("a ProjectX leader is copied to a Tradovate follower, and is never traded itself", async () => {
    const config = crossBrokerConfig(ACCOUNTS, {
      name: "P",
      leader: "TSX5001",
      whitelist: { enabled: true, symbols: ["ES", "MES"] },
      followers: [
        follower("DEMO2001", { mapping: "toMicro" }),
        follower("TSX5002", { sizing: { mode: "multiplier", value: 2 } }),
      ],
    });
    rig = await startRig(config);
    const { sim } = rig;
    await eventually(() => connected(rig!, ["TSX5001", "DEMO2001", "TSX5002"]), "synced");
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "DEMO2001", "MESZ6") === -2, "DEMO2001 -2 MESZ6 at Tradovate");
    await eventually(() => position(sim, "TSX5002", "ESZ6") === -4, "TSX5002 -4 ESZ6 at ProjectX");
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2001", "MESZ6") === -1, "DEMO2001 reduced to -1");
    await eventually(() => position(sim, "TSX5002", "ESZ6") === -2, "TSX5002 reduced to -2");
    const leaderOrders = sim.control.records().orders.filter((o) => o.accountName === "TSX5001");
    expect(leaderOrders.every((o) => !o.isAutomated)).toBe(true);
  });

  it("flatten and lock of a ProjectX follower closes it at ProjectX and skips its openings", async () => {
    rig = await startRig(tradovateLeads());
    const { sim, engine } = rig;
    await eventually(() => connected(rig!, ["DEMO1000", "DEMO2001", "TSX5001", "TSX5002"]), "synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 4);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 2, "TSX5001 +2 ESZ6");
    // The flatten acts on what mimik has heard from ProjectX's hub, which may trail the broker's book.
    const route = engine.directory.route("TSX5001")!;
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.netPos === 2),
      "mimik to hear of TSX5001's position",
    );
    const [result] = await engine.flattenAndLock({ follower: "TSX5001" });
    expect(result?.target).toBe("TSX5001");
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 0, "TSX5001 flat at ProjectX");
    await eventually(() => engine.risk.snapshot("TSX5001")?.state === "LOCKED", "TSX5001 locked");
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(4);
    expect(position(sim, "DEMO2001", "ESZ6")).toBe(2);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => copies(rig!, "TSX5001").some((c) => c.reason === "locked"), "a 'locked' skip");
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 3, "DEMO2001 still copies");
    expect(position(sim, "TSX5001", "ESZ6")).toBe(0);
  });

  it("a ProjectX follower past its daily loss is flattened at ProjectX and locked", async () => {
    const config = tradovateLeads();
    const tight = config.groups[0]!.followers.find((f) => f.account === "TSX5001")!;
    tight.sizing = { mode: "multiplier", value: 1 };
    tight.limits = { dailyLoss: 500 };
    rig = await startRig(config);
    const { sim, engine } = rig;
    await eventually(() => engine.risk.snapshot("TSX5001")?.netLiq, "risk to value TSX5001");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 2);
    await eventually(() => position(sim, "TSX5001", "NQZ6") === 2, "TSX5001 +2 NQZ6");
    // 2 NQ × $20 × 20 points = $800 against TSX5001, seen through ProjectX's market hub.
    sim.control.jumpPrice("NQZ6", -20);
    await eventually(() => engine.risk.snapshot("TSX5001")?.state === "LOCKED", "TSX5001 locked");
    expect(engine.risk.snapshot("TSX5001")?.lockKind).toBe("daily");
    expect(position(sim, "TSX5001", "NQZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "NQZ6")).toBe(2);
  });

  it("a ProjectX follower's hubs dropped while the leader closes: the close is made up at its re-sync, once", async () => {
    rig = await startRig(tradovateLeads());
    const { sim } = rig;
    await eventually(() => connected(rig!, ["DEMO1000", "TSX5001"]), "both logins synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 1, "TSX5001 +1 ESZ6");
    sim.control.dropSockets({ user: "topstep" });
    await eventually(() => !rig!.engine.directory.connected("TSX5001"), "the engine to see TSX5001 gone");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 0, "TSX5001 flat after its re-sync", 10_000);
    const sells = sim.control
      .records()
      .orders.filter((o) => o.accountName === "TSX5001" && o.action === "Sell" && o.orderId !== null);
    expect(sells.map((o) => o.qty)).toEqual([1]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
    // Skipped while away, then made up by the re-sync.
    expect(copies(rig, "TSX5001").map((c) => [c.outcome, c.reason])).toContainEqual([
      "skipped",
      "disconnected",
    ]);
    expect(copies(rig, "TSX5001").some((c) => c.outcome === "sent" && c.reason === "reconcile")).toBe(true);
  });
});
