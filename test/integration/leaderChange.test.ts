import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import type { AlertEvent } from "../../engine/types.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { startTwoLogins, type TwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * A follower whose leader changes while it holds a position (moved to another group, or its
 * group's leader replaced): the trader is told at the change, and on the simulator's book the old
 * leader's exits no longer reach it while the new leader's close flattens it, never past flat.
 */
let rig: Rig | TwoLogins | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** G: DEMO1000 leads DEMO2001 (×0.5) and DEMO2003 (×1); H: DEMO2002 leads no one yet. */
function twoGroups(): Config {
  const config = simConfig();
  const g = config.groups[0]!;
  g.followers = g.followers.filter((f) => f.account !== "DEMO2002");
  config.groups.push({ ...g, name: "H", leader: "DEMO2002", followers: [] });
  return config;
}

const alerts = (r: Rig | TwoLogins) =>
  r.events.filter((e): e is AlertEvent => e.type === "alert").map((a) => a.message);

/** The session (what the engine reads) has seen the account at `netPos` in ESZ6. */
const seen = (r: Rig, account: string, netPos: number) =>
  eventually(() => {
    const route = r.engine.directory.route(account);
    const p = route?.session.positions(route.accountId).find((x) => x.contract === "ESZ6");
    return (p?.netPos ?? 0) === netPos;
  }, `the session saw ${account} at ${netPos}`);

/** Automated sells the broker took for an account (what mimik sold it). */
const sold = (r: Rig | TwoLogins, account: string) =>
  r.sim.control
    .records()
    .orders.filter(
      (o) => o.isAutomated && o.orderId !== null && o.accountName === account && o.action === "Sell",
    )
    .reduce((n, o) => n + o.qty, 0);

describe("a follower whose leader changes while it holds", () => {
  it("moved to another group: warned once; the old leader's close leaves it, the new one's flattens it", async () => {
    rig = await startRig(twoGroups());
    const r = rig;
    await eventually(() => r.engine.directory.connected("DEMO2003"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    r.sim.control.manualTrade("DEMO2002", "ESZ6", "Sell", 1); // the new leader is short 1
    await seen(r, "DEMO2003", 2);
    await seen(r, "DEMO2002", -1);

    const next = structuredClone(r.engine.currentConfig());
    const moved = next.groups[0]!.followers.find((f) => f.account === "DEMO2003")!;
    next.groups[0]!.followers = next.groups[0]!.followers.filter((f) => f !== moved);
    next.groups[1]!.followers.push(moved);
    r.engine.setConfig(next);
    const said = alerts(r).filter((m) => m.startsWith("DEMO2003"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(
      'DEMO2003 moved from group "G" (leader DEMO1000) to group "H" (leader DEMO2002) while it holds ESZ6 +2',
    );
    expect(said[0]).toContain("press r (or mimik resync) to resync it to DEMO2002");

    // The old leader closes: its other follower follows, the one that left keeps its 2.
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 0, "DEMO2001 flat");
    await eventually(() => r.engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(position(r.sim, "DEMO2003", "ESZ6")).toBe(2);

    // The new leader buys back its short: flat, so the follower is flat too (sold 2, never short).
    r.sim.control.manualTrade("DEMO2002", "ESZ6", "Buy", 1);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 0, "DEMO2003 flat", 10_000);
    await eventually(() => r.engine.gateway.inFlight("DEMO2003") === 0, "DEMO2003 answered");
    expect(position(r.sim, "DEMO2003", "ESZ6")).toBe(0);
    expect(sold(r, "DEMO2003")).toBe(2);
  });

  it("moved: r, the remedy it is told, brings it to the new leader's rule on the book", async () => {
    rig = await startRig(twoGroups());
    const r = rig;
    await eventually(() => r.engine.directory.connected("DEMO2003"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    r.sim.control.manualTrade("DEMO2002", "ESZ6", "Sell", 1);
    await seen(r, "DEMO2003", 2);
    await seen(r, "DEMO2002", -1);
    await eventually(
      () => r.engine.copier.leaderPosition("DEMO2002", "ESZ6") === -1,
      "DEMO2002 known short 1",
    );
    const next = structuredClone(r.engine.currentConfig());
    const moved = next.groups[0]!.followers.find((f) => f.account === "DEMO2003")!;
    next.groups[0]!.followers = next.groups[0]!.followers.filter((f) => f !== moved);
    next.groups[1]!.followers.push(moved);
    r.engine.setConfig(next);
    const [outcome] = await r.engine.execute({ cmd: "resync", follower: "DEMO2003" });
    expect(outcome).toMatchObject({ status: "resynced", sent: 1 });
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === -1, "DEMO2003 short 1, as DEMO2002 ×1");
  });

  it("its group's leader replaced: each follower that holds is told, and r is not offered where the new leader holds nothing", async () => {
    rig = await startRig(twoGroups());
    const r = rig;
    await eventually(() => r.engine.directory.connected("DEMO2003"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
    await seen(r, "DEMO2003", 2);
    await seen(r, "DEMO2001", 1);

    const next = structuredClone(r.engine.currentConfig());
    next.groups = [{ ...next.groups[0]!, leader: "DEMO2002" }];
    r.engine.setConfig(next);
    const said = alerts(r);
    for (const [f, held] of [
      ["DEMO2001", "+1"],
      ["DEMO2003", "+2"],
    ] as const) {
      const line = said.find((m) => m.startsWith(f));
      expect(line).toContain(
        `${f}: its group "G" now follows DEMO2002 instead of DEMO1000 while it holds ESZ6 ${held}`,
      );
      expect(line).toContain("flatten it by hand");
      expect(line).not.toContain("press r");
    }
  });
});

describe("a follower moved while it holds, and the new leader's exit it missed", () => {
  it("is made up at the re-sync, as a copy would have done: flat, never past it", async () => {
    // G: DEMO1000 leads APEX3001 (×1); H: DEMO2002 leads APEX3002 (×0.5). Leaders on "demo", followers on "prop".
    const config = twoLoginConfig();
    config.accounts.push({ name: "DEMO2002", connection: "demo" });
    const g = config.groups[0]!;
    const [a1, a2] = g.followers;
    config.groups = [
      { ...g, followers: [a1!] },
      { ...g, name: "H", leader: "DEMO2002", followers: [a2!] },
    ];
    rig = await startTwoLogins(config);
    const t = rig;
    await eventually(
      () => ["DEMO1000", "DEMO2002", "APEX3001", "APEX3002"].every((a) => t.engine.directory.connected(a)),
      "connected",
    );
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    t.sim.control.manualTrade("DEMO2002", "ESZ6", "Sell", 1);
    await eventually(() => position(t.sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    await eventually(() => position(t.sim, "APEX3002", "ESZ6") === -1, "APEX3002 short 1");
    await eventually(
      () =>
        t.engine.copier.followerPosition("APEX3001", "ESZ6") === 2 &&
        !t.engine.copier.hasLiveOrders("APEX3001"),
      "APEX3001's copy answered",
    );

    const next = structuredClone(t.engine.currentConfig());
    next.groups[1]!.followers.push(next.groups[0]!.followers.pop()!);
    t.engine.setConfig(next);
    expect(alerts(t).some((m) => m.startsWith("APEX3001 moved"))).toBe(true);

    // The leaders' session is taken by another login while DEMO2002 buys back its short.
    t.sim.control.otherLogin("demo");
    t.sim.control.otherLogin("demo");
    t.sim.control.manualTrade("DEMO2002", "ESZ6", "Buy", 1);
    await eventually(() => position(t.sim, "APEX3002", "ESZ6") === 0, "APEX3002 flat", 10_000);
    await eventually(() => position(t.sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 10_000);
    await eventually(() => !t.engine.copier.hasLiveOrders("APEX3001"), "APEX3001 answered");
    expect(position(t.sim, "APEX3001", "ESZ6")).toBe(0);
    expect(sold(t, "APEX3001")).toBe(2);
  });
});
