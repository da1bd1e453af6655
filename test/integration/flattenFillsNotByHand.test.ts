import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
  pathAtVenue,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * A flatten's own fills are mimik's, not the trader's. Tradovate's liquidateposition takes no
 * clOrdId, so the snapshot's fill of a liquidation whose events were never heard read as a trade by
 * hand: APEX3001 (×1), flattened from −2 while the prop login's socket dropped (the liquidation's
 * Buy 2 done, its answer and fill lost), unlocked by hand (forced) and flipped to +4 from where
 * mimik still had it (−2 → the leader's +2: buy 4) on a line whose copy lost its answer too, was
 * judged at the re-sync with its "+2 traded by hand" kept while the leader holds the side: left at
 * +4 beside a leader long 2, with a trader told of trades by hand never made. ProjectX's
 * closeContract names no order at all (its answer is a bare success): TSX5001 the same, its close
 * answered while its hub lagged and dropped. Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
let rig: Rig | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await rig?.close();
  rig = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alerts = (events: readonly EngineEvent[], name = "APEX3001") =>
  events.flatMap((e) => (e.type === "alert" && e.follower === name ? [e.message] : []));

describe("a flatten's fills in a re-sync's snapshot (Tradovate, against the simulator)", () => {
  it("are mimik's: the uncertain line goes to the rule, and nothing is said of trades by hand", async () => {
    const r = await startTwoLogins();
    t = r;
    await eventually(
      () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
      "connected",
    );
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => r.engine.copier.followerPosition("APEX3001", "ESZ6") === -2, "APEX3001 short 2");
    await pause(300);
    // The prop login's frames are held, then dropped: the liquidation is done, its answer and fill lost.
    r.sim.control.delaySocket("prop", 3000);
    void r.engine.flattenAndLock({ follower: "APEX3001" });
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 0, "the liquidation done at the broker");
    await r.engine.unlock("APEX3001", true);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 4);
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 4, "the flip done at the broker");
    r.sim.control.dropSockets({ user: "prop" });
    r.sim.control.delaySocket("prop", 0);
    await eventually(() => r.engine.directory.connected("APEX3001"), "APEX3001 back");
    await eventually(() => position(r.sim, "APEX3001", "ESZ6") === 2, "APEX3001 at the rule's +2", 8000);
    await pause(800);
    expect(pathAtVenue(r.sim, "APEX3001")).toEqual([-2, 0, 4, 2]);
    expect(pathAtVenue(r.sim, "DEMO1000")).toEqual([-2, 2]);
    expect(alerts(r.events).filter((m) => m.includes("by hand"))).toEqual([]);
  }, 25_000);
});

describe("a flatten's fills in a re-sync's snapshot (ProjectX, against the simulator)", () => {
  it("are mimik's: the uncertain line goes to the rule, and nothing is said of trades by hand", async () => {
    rig = await startRig(
      crossBrokerConfig(
        { DEMO1000: "sim", TSX5001: "px" },
        { name: "G", leader: "DEMO1000", followers: [follower("TSX5001")] },
      ),
    );
    const { sim, engine } = rig;
    const PX = PX_CONNECTION.username;
    await eventually(() => ["DEMO1000", "TSX5001"].every((a) => engine.directory.connected(a)), "connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => engine.copier.followerPosition("TSX5001", "ESZ6") === -2, "TSX5001 short 2");
    await pause(300);
    // The hub's events are held, then dropped: the close is answered (REST), its trade never heard.
    sim.control.delaySocket(PX, 3000);
    void engine.flattenAndLock({ follower: "TSX5001" });
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 0, "the close done at ProjectX");
    await engine.unlock("TSX5001", true);
    // The flip's answer is lost, done at ProjectX: the line is uncertain.
    sim.control.loseAnswers(1, 500, true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 4);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 4, "the flip done at ProjectX");
    sim.control.dropSockets({ user: PX });
    sim.control.delaySocket(PX, 0);
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 back");
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 2, "TSX5001 at the rule's +2", 8000);
    await pause(800);
    expect(pathAtVenue(sim, "TSX5001")).toEqual([-2, 0, 4, 2]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([-2, 2]);
    expect(alerts(rig.events, "TSX5001").filter((m) => m.includes("by hand"))).toEqual([]);
  }, 25_000);
});
