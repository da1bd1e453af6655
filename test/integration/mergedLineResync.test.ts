import { afterEach, describe, expect, it } from "vitest";
import { eventually, position } from "../support/rig.js";
import { longOnOneLine } from "../support/sharedLine.js";
import type { TwoLogins } from "../support/twoLogins.js";

/**
 * A re-sync on a follower line two leader contracts share (toMicro: the leader's ESZ6 and MESZ6
 * both come to APEX3001's MESZ6), judged on the simulator's book: the exit the follower missed
 * takes the part of the line the leader's exited contract had, and keeps the part of the one it
 * still holds, as a live exit does. Before, the re-sync either closed the whole line (flat while
 * the leader held MES) or judged the line by the leader contract it had not moved and sent
 * nothing (long 3 MES while the leader held 2). And `r` judged the line by one leader contract's
 * rule: it sold the other's part of a line that was where the rule puts it.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The leader's session is taken by other logins while it sells its ESZ6: no live copy, a re-sync. */
async function esExitUnseen(r: TwoLogins): Promise<void> {
  r.sim.control.otherLogin("demo");
  r.sim.control.otherLogin("demo");
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
  await eventually(() => r.events.some((e) => e.type === "resync"), "the leader's re-sync");
  await eventually(() => r.sim.control.records().workingOrders.length === 0, "nothing working");
  await pause(500);
}

describe("a missed exit on a line two leader contracts share (against the simulator)", () => {
  it("ES bought first, ES exits unseen: the follower sells the ES part only", async () => {
    t = await longOnOneLine("ESZ6");
    await esExitUnseen(t);
    expect(position(t.sim, "DEMO1000", "MESZ6")).toBe(2);
    expect(position(t.sim, "APEX3001", "MESZ6")).toBe(2);
    expect(position(t.sim, "APEX3002", "ESZ6")).toBe(0);
  }, 20_000);

  it("MES bought first, ES exits unseen: the follower sells the ES part all the same", async () => {
    t = await longOnOneLine("MESZ6");
    await esExitUnseen(t);
    expect(position(t.sim, "DEMO1000", "MESZ6")).toBe(2);
    expect(position(t.sim, "APEX3001", "MESZ6")).toBe(2);
  }, 20_000);

  it("the follower's socket drops under the ES exit (its copy's answer lost): the line keeps the MES part", async () => {
    t = await longOnOneLine("ESZ6");
    t.sim.control.dropSockets({ user: "prop" });
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    const engine = t.engine;
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => t!.sim.control.records().workingOrders.length === 0, "nothing working");
    await pause(800);
    expect(position(t.sim, "APEX3001", "MESZ6")).toBe(2);
  }, 20_000);

  it("the answer to the follower's ES add is lost: its re-sync keeps the MES part, selling nothing", async () => {
    t = await longOnOneLine("ESZ6");
    t.sim.control.loseAnswers(1, 500, true);
    t.sim.control.delaySocket("prop", 2000);
    t.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(t!.sim, "APEX3001", "MESZ6") === 4, "the add done at the broker");
    // Its events are late; the socket drops before they come.
    t.sim.control.dropSockets({ user: "prop" });
    t.sim.control.delaySocket("prop", 0);
    const engine = t.engine;
    await eventually(() => engine.directory.connected("APEX3001"), "APEX3001 back");
    await pause(800);
    const sold = t.sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001" && f.action === "Sell");
    expect(sold).toEqual([]);
    expect(position(t.sim, "APEX3001", "MESZ6")).toBe(4);
  }, 20_000);

  it("both contracts move unseen (ES closed, MES cut): each steps its part, and a later re-sync sells nothing more", async () => {
    t = await longOnOneLine("MESZ6");
    const r = t;
    r.sim.control.otherLogin("demo");
    r.sim.control.otherLogin("demo");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    r.sim.control.manualTrade("DEMO1000", "MESZ6", "Sell", 1);
    await eventually(() => r.events.some((e) => e.type === "resync"), "the leader's re-sync");
    await eventually(() => position(r.sim, "APEX3001", "MESZ6") === 1, "APEX3001 down to the leader's MES 1");
    await pause(500);
    // Judged by one contract a line at a time, the next re-sync sold the MES the leader still holds.
    r.sim.control.dropSockets({ user: "prop" });
    await eventually(() => !r.engine.directory.connected("APEX3001"), "APEX3001 dropped");
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back: its re-sync");
    await pause(800);
    expect(position(r.sim, "DEMO1000", "MESZ6")).toBe(1);
    expect(position(r.sim, "APEX3001", "MESZ6")).toBe(1);
    const sold = r.sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001" && f.action === "Sell");
    expect(sold.reduce((n, f) => n + f.qty, 0)).toBe(2);
  }, 20_000);

  it("reconcile full, ES added unseen: the follower buys the ES part's step, the MES part beside it", async () => {
    t = await longOnOneLine("ESZ6", "full");
    const r = t;
    r.sim.control.otherLogin("demo");
    r.sim.control.otherLogin("demo");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    // APEX3002 (×0.5) stays at 1 (T(2) = T(1)); the re-sync's one step is APEX3001's.
    await eventually(() => r.events.some((e) => e.type === "resync"), "the leader's re-sync", 10_000).catch(
      () => undefined,
    );
    await pause(500);
    // The leader holds ES 2 and MES 2: by the rule APEX3001's MESZ6 line is 2 + 2. Its 3 were
    // taken for the ES part alone (3 ≥ 2), 'already where the rule puts it', and nothing was bought.
    expect(position(r.sim, "DEMO1000", "ESZ6")).toBe(2);
    expect(position(r.sim, "APEX3001", "MESZ6")).toBe(4);
  }, 20_000);

  it("r on a follower whose line holds both contracts' parts: in sync, nothing sold", async () => {
    t = await longOnOneLine("ESZ6");
    const engine = t.engine;
    const [outcome] = await engine.execute({ cmd: "resync", follower: "APEX3001" });
    expect(outcome).toMatchObject({ status: "in sync" });
    await pause(300);
    expect(
      t.sim.control.records().orders.filter((o) => o.accountName === "APEX3001" && o.action === "Sell"),
    ).toEqual([]);
    expect(position(t.sim, "APEX3001", "MESZ6")).toBe(3);
  }, 20_000);
});
