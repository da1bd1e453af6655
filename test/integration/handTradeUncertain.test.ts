import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * A trade the trader made by hand on a follower while mimik was away from it, on a line whose last
 * order of ours lost its answer (an uncertain line, taken from where the follower stands). The
 * re-sync sold it: APEX3001 (×1) held +3 by the rule, bought 2 by hand, and went 5 → 3 with its
 * leader still long 3, no leader exit behind it and not a word said. Trades by hand are the
 * trader's until the leader's next close (design: "they do change F, so the next close on that
 * contract flattens them too"); the snapshot's fills tell them from ours. Now they are left as
 * they are while the leader holds the side, closed with the line when it closes, and the trader
 * is told either way. Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Leader long 3, APEX3001's add's answer lost; the trader buys 2 by hand while the prop login is away. */
async function boughtByHandWhileAway(): Promise<TwoLogins> {
  const r = await startTwoLogins();
  t = r;
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  await eventually(() => r.engine.copier.followerPosition("APEX3001", "ESZ6") === 2, "APEX3001 long 2");
  await pause(300);
  r.sim.control.loseAnswers(1, 500, true);
  r.sim.control.delaySocket("prop", 2000);
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 3, "the add done at the broker");
  r.sim.control.dropSockets({ user: "prop" });
  r.sim.control.delaySocket("prop", 0);
  r.sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 2);
  return r;
}

const alerts = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === "alert" && e.follower === "APEX3001" ? [e.message] : []));

describe("a trade by hand on an uncertain line while mimik was away (against the simulator)", () => {
  it("the leader still long: the 2 bought by hand stay, and the trader is told why", async () => {
    const r = await boughtByHandWhileAway();
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => alerts(r.events).some((m) => m.includes("by hand")), "the trader told", 5000);
    await pause(800);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 3, 5]);
    expect(pathAtVenue(r.sim, "DEMO1000")).toEqual([2, 3]);
    expect(alerts(r.events).filter((m) => m.includes("by hand"))).toEqual([
      "APEX3001: ESZ6 held +5 at its re-sync, +2 of them traded by hand while mimik was away: left as they are while the leader holds the side (only its close takes them); nothing sold",
    ]);
  }, 20_000);

  it("the leader closed while the follower was away: the line closes whole, the trades by hand with it, and the trader is told", async () => {
    const r = await boughtByHandWhileAway();
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat");
    await eventually(() => alerts(r.events).some((m) => m.includes("by hand")), "the trader told", 5000);
    await pause(500);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([2, 3, 5, 0]);
    expect(alerts(r.events).filter((m) => m.includes("by hand"))).toEqual([
      "APEX3001: ESZ6 held +5 at its re-sync, +2 of them traded by hand while mimik was away: sold 5, as the leader is flat (a close takes trades by hand too)",
    ]);
  }, 20_000);

  it("the follower's reduce lost its answer undone: what is left of it is sold, the 2 bought by hand stay", async () => {
    const r = await startTwoLogins();
    t = r;
    await eventually(() => r.engine.directory.connected("APEX3001"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await eventually(() => r.engine.copier.followerPosition("APEX3001", "ESZ6") === 3, "APEX3001 long 3");
    await pause(300);
    // The reduce's answer is lost and the broker never did it; the socket drops under it.
    r.sim.control.loseAnswers(1, 500, false);
    r.sim.control.delaySocket("prop", 2000);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await pause(300);
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.delaySocket("prop", 0);
    r.sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 2);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(
      () => position(r.sim, "APEX3001", "ESZ6") === 4,
      "APEX3001 at the rule's 2 and the 2 by hand",
    );
    await pause(800);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([3, 5, 4]);
    expect(alerts(r.events).filter((m) => m.includes("by hand"))).toEqual([
      "APEX3001: ESZ6 held +5 at its re-sync, +2 of them traded by hand while mimik was away: left as they are while the leader holds the side (only its close takes them); sold 1 of the rest (mimik's orders there were in doubt)",
    ]);
  }, 20_000);

  it("a line two leader contracts share (toMicro): the 2 MES bought by hand stay through both contracts' steps, told once", async () => {
    const config = twoLoginConfig();
    config.groups[0]!.followers[0]!.mapping = "toMicro";
    const r = await startTwoLogins(config);
    t = r;
    await eventually(() => r.engine.directory.connected("APEX3001"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    r.sim.control.manualTrade("DEMO1000", "MESZ6", "Buy", 2);
    await eventually(
      () => r.engine.copier.followerPosition("APEX3001", "MESZ6") === 3,
      "APEX3001 long 3 MES",
    );
    await pause(300);
    // The ES add's answer is lost, done at the broker; the trader buys 2 MES by hand while away.
    r.sim.control.loseAnswers(1, 500, true);
    r.sim.control.delaySocket("prop", 2000);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(r.sim, "APEX3001", "MESZ6") === 4, "the add done at the broker");
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.delaySocket("prop", 0);
    r.sim.control.manualTrade("APEX3001", "MESZ6", "Buy", 2);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => alerts(r.events).some((m) => m.includes("by hand")), "the trader told", 5000);
    await pause(800);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([1, 3, 4, 6]);
    expect(alerts(r.events).filter((m) => m.includes("by hand"))).toHaveLength(1);
  }, 20_000);
});
