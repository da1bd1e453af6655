import { afterEach, describe, expect, it } from "vitest";
import type { CopyEvent, ExitPendingEvent } from "../../engine/types.js";
import { eventually, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * Issue 18 rules 2 and 3 against the simulator, judged on its records: exits the followers missed
 * (a dropped socket, the leader's session taken by another login) are made up at the re-sync, and
 * an exit that fails is retried until it is done.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const FOLLOWERS = ["APEX3001", "APEX3002"] as const;

async function longTwo(): Promise<TwoLogins> {
  const r = await startTwoLogins();
  await eventually(
    () => ["DEMO1000", ...FOLLOWERS].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
  await eventually(() => position(r.sim, "APEX3002", "ESZ6") === 1, "APEX3002 long 1");
  return r;
}

const flat = async (r: TwoLogins) => {
  for (const f of FOLLOWERS) await eventually(() => position(r.sim, f, "ESZ6") === 0, `${f} flat`, 10_000);
};

/** Follower orders the broker took, beyond the opening copies: each close once, never more than held. */
function exitsAtBroker(r: TwoLogins) {
  return r.sim.control
    .records()
    .orders.filter(
      (o) => o.isAutomated && o.orderId !== null && o.accountName !== "DEMO1000" && o.action === "Sell",
    );
}

describe("missed exits are made up at the re-sync (against the simulator)", () => {
  it("a follower's socket dropped while the leader closes: the followers close once back", async () => {
    t = await longTwo();
    t.sim.control.dropSockets({ user: "prop" });
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await flat(t);
    expect(
      exitsAtBroker(t)
        .map((o) => [o.accountName, o.qty])
        .sort(),
    ).toEqual([
      ["APEX3001", 2],
      ["APEX3002", 1],
    ]);
    expect(position(t.sim, "DEMO1000", "ESZ6")).toBe(0);
  });

  it("the leader's session is taken by another login while it closes: the followers close at its re-sync", async () => {
    t = await longTwo();
    // Two more logins of "demo": Tradovate keeps two sessions, so mimik's (the oldest) ends.
    t.sim.control.otherLogin("demo");
    t.sim.control.otherLogin("demo");
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await flat(t);
    const engine = t.engine;
    await eventually(() => engine.directory.connected("DEMO1000"), "the leader's login back");
    expect(t.events.some((e) => e.type === "resync")).toBe(true);
    expect(
      t.events.filter(
        (e): e is CopyEvent => e.type === "copy" && e.reason === "reconcile" && e.outcome === "sent",
      ),
    ).toHaveLength(2);
    expect(exitsAtBroker(t)).toHaveLength(2);
  });

  it("… and while it flips: the followers close, the new side is not opened (exits only)", async () => {
    t = await longTwo();
    t.sim.control.otherLogin("demo");
    t.sim.control.otherLogin("demo");
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 5); // +2 → −3
    await flat(t);
    const engine = t.engine;
    await eventually(() => engine.directory.connected("DEMO1000"), "the leader's login back");
    await new Promise((r) => setTimeout(r, 300)); // nothing more comes: no opening made up
    expect(FOLLOWERS.map((f) => position(t!.sim, f, "ESZ6"))).toEqual([0, 0]);
    expect(position(t.sim, "DEMO1000", "ESZ6")).toBe(-3);
    expect(
      t.events
        .filter((e) => e.type === "syncStatus" && !e.inSync)
        .map((e) => e.type === "syncStatus" && e.expects),
    ).toEqual(expect.arrayContaining([-3, -2]));
  });
});

describe("failed exits are retried until done (against the simulator)", () => {
  it("an exit rejected three times, then accepted: the follower ends flat, one alert per growth", async () => {
    t = await longTwo();
    const sim = t.sim;
    sim.control.rejectOrders("APEX3001", "RiskRejected", "test: account refuses orders");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    const rejected = () =>
      sim.control
        .records()
        .orders.filter((o) => o.accountName === "APEX3001" && o.failureReason !== undefined).length;
    await eventually(() => rejected() >= 3, "three rejected exits", 12_000);
    sim.control.rejectOrders("APEX3001", null);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 12_000);
    const events = t.events;
    await eventually(
      () => events.some((e) => e.type === "exitPending" && !e.pending && e.reason === "done"),
      "the exit done",
    );
    expect(rejected()).toBe(3);
    expect(position(sim, "APEX3002", "ESZ6")).toBe(0);
    const pending = t.events.filter((e): e is ExitPendingEvent => e.type === "exitPending");
    expect(pending.filter((e) => e.pending).map((e) => e.attempts)).toEqual([1, 2, 3]);
    expect(pending.at(-1)).toMatchObject({ pending: false, reason: "done", follower: "APEX3001" });
    expect(
      t.events.filter((e) => e.type === "alert" && /APEX3001: exit on ESZ6 .* failed/.test(e.message)),
    ).toHaveLength(3);
    // Never more than held: every sell the broker filled for APEX3001 totals its +2.
    const sold = sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001" && f.action === "Sell");
    expect(sold.reduce((n, f) => n + f.qty, 0)).toBe(2);
  }, 20_000);

  it("an exit out of budget (the broker's 429): retried once the lockout is over", async () => {
    t = await longTwo();
    const sim = t.sim;
    sim.control.rateLimit(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    const engine = t.engine;
    const events = t.events;
    await eventually(
      () => events.some((e) => e.type === "exitPending" && e.pending && e.follower === "APEX3001"),
      "APEX3001's exit pending",
    );
    sim.control.rateLimit(false);
    await flat(t);
    expect(events.find((e) => e.type === "exitPending" && e.pending)).toMatchObject({
      reason: expect.stringMatching(/rate|budget|429/i),
    });
    expect(
      exitsAtBroker(t)
        .map((o) => [o.accountName, o.qty])
        .sort(),
    ).toEqual([
      ["APEX3001", 2],
      ["APEX3002", 1],
    ]);
    expect(engine.risk.snapshot("APEX3001")?.state).toBe("ACTIVE");
  });
});
