import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { longOnOneLine } from "../support/sharedLine.js";
import type { TwoLogins } from "../support/twoLogins.js";

/**
 * The leader flips one of two contracts that share a follower line (toMicro: its ESZ6 and MESZ6
 * both come to APEX3001's MESZ6, long 1 + 2 = 3) while the follower cannot see it, judged on the
 * simulator's book. With reconcile "exits" the re-sync sent the flipped contract's part's close
 * only: the leader's MES 2 → −2 beside ES 1 (1 − 2 = −1 on the line) left APEX3001 long 1, the ES
 * part, with the leader net short; and ES 1 → −1 beside MES 2 (+1) left it long 2. A flip's new
 * side lands beside the other contract's part and nets it down: the exit part of that step is
 * the whole way toward the line's new position, as far as flat. A line whose flip copy lost its
 * answer is judged the same way from where it stands: flat when the copy never went (it sold the
 * MES part only, long 1), and left at the net −1 when it was done.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The prop login is away (its sockets dropped, logins refused) while the leader sells `sells`. */
async function whileFollowerAway(r: TwoLogins, contract: string, sells: readonly number[]): Promise<void> {
  r.sim.control.lockLogins(true);
  r.sim.control.dropSockets({ user: "prop" });
  await eventually(() => !r.engine.directory.connected("APEX3001"), "APEX3001 away");
  for (const qty of sells) r.sim.control.manualTrade("DEMO1000", contract, "Sell", qty);
  await pause(300);
  r.sim.control.lockLogins(false);
  await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back: its re-sync", 10_000);
  await pause(1000);
}

describe("a leader flip on a shared line the follower missed (against the simulator)", () => {
  it("exits: MES 2 → −2 in one order beside ES 1: the line goes flat, not long 1", async () => {
    const r = await longOnOneLine("ESZ6", "exits");
    t = r;
    await whileFollowerAway(r, "MESZ6", [4]);
    expect(position(r.sim, "DEMO1000", "ESZ6")).toBe(1);
    expect(position(r.sim, "DEMO1000", "MESZ6")).toBe(-2);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, 0]);
  }, 30_000);

  it("exits: MES long → flat → short in two orders beside ES 1: flat all the same", async () => {
    const r = await longOnOneLine("MESZ6", "exits");
    t = r;
    await whileFollowerAway(r, "MESZ6", [2, 2]);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 3, 0]);
  }, 30_000);

  it("exits: ES 1 → −1 beside MES 2: the line is sold to the leader's net +1, not left at 2", async () => {
    const r = await longOnOneLine("ESZ6", "exits");
    t = r;
    await whileFollowerAway(r, "ESZ6", [2]);
    expect(position(r.sim, "DEMO1000", "ESZ6")).toBe(-1);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, 1]);
  }, 30_000);

  it("exits: the leader's own login taken while MES flips: flat too", async () => {
    const r = await longOnOneLine("ESZ6", "exits");
    t = r;
    r.sim.control.otherLogin("demo");
    r.sim.control.otherLogin("demo");
    r.sim.control.manualTrade("DEMO1000", "MESZ6", "Sell", 4);
    await eventually(() => r.events.some((e) => e.type === "resync"), "the leader's re-sync");
    await eventually(() => position(r.sim, "APEX3001", "MESZ6") === 0, "APEX3001 flat");
    await pause(800);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, 0]);
  }, 30_000);

  it("the follower's socket drops under the MES flip's copy (its answer lost, never done): flat, not long 1", async () => {
    const r = await longOnOneLine("ESZ6", "exits");
    t = r;
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.manualTrade("DEMO1000", "MESZ6", "Sell", 4);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => r.sim.control.records().workingOrders.length === 0, "nothing working");
    await pause(1000);
    // A line whose order lost its answer is taken from where it stands, exits only: toward the
    // leader's net −1 on it as far as flat (judged one contract at a time: the MES part sold, 1).
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, 0]);
  }, 30_000);

  it("the MES flip's copy done but its answer lost: the line at the net −1 is left as it is", async () => {
    const r = await longOnOneLine("ESZ6", "exits");
    t = r;
    r.sim.control.loseAnswers(1, 500, true);
    r.sim.control.delaySocket("prop", 2000);
    r.sim.control.manualTrade("DEMO1000", "MESZ6", "Sell", 4);
    await eventually(() => position(r.sim, "APEX3001", "MESZ6") === -1, "the flip done at the broker");
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.delaySocket("prop", 0);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await pause(1000);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, -1]);
  }, 30_000);

  it("full: MES 2 → −2 beside ES 1: the whole step, short 1 as the leader's net", async () => {
    const r = await longOnOneLine("ESZ6", "full");
    t = r;
    await whileFollowerAway(r, "MESZ6", [4]);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, -1]);
  }, 30_000);
});
