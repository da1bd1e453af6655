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

/**
 * handTradeUncertain.test.ts on ProjectX: a trade the trader made by hand on a ProjectX follower
 * while mimik was away from it, on a line whose last order of ours lost its answer (uncertain). The
 * snapshot tells trades by hand from mimik's by their order's customTag; Order/searchOpen lists
 * working orders only, so the hand trade's order (filled, ended) was unknown, not counted as the
 * trader's, and the re-sync sold it: TSX5001 (×1) went 5 → 3 with its leader DEMO1000 still long 3,
 * and not a word said. Judged on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PX = PX_CONNECTION.username;

const alerts = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === "alert" && e.follower === "TSX5001" ? [e.message] : []));

describe("a trade by hand on a ProjectX follower's uncertain line while mimik was away (against the simulator)", () => {
  it("the leader still long: the 2 bought by hand stay, and the trader is told why", async () => {
    rig = await startRig(
      crossBrokerConfig(
        { DEMO1000: "sim", TSX5001: "px" },
        { name: "G", leader: "DEMO1000", followers: [follower("TSX5001")] },
      ),
    );
    const { sim, engine } = rig;
    await eventually(() => ["DEMO1000", "TSX5001"].every((a) => engine.directory.connected(a)), "connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => engine.copier.followerPosition("TSX5001", "ESZ6") === 2, "TSX5001 long 2");
    await pause(300);
    // The add's answer is lost (done at the broker); the trader buys 2 by hand while the hub is away.
    sim.control.loseAnswers(1, 500, true);
    sim.control.delaySocket(PX, 2000);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 3, "the add done at the broker");
    sim.control.dropSockets({ user: PX });
    sim.control.delaySocket(PX, 0);
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 back");
    await eventually(
      () => alerts(rig!.events).some((m) => m.includes("by hand")) || position(sim, "TSX5001", "ESZ6") !== 5,
      "the re-sync's judgement of the line",
      8000,
    );
    await pause(800);
    expect(pathAtVenue(sim, "TSX5001")).toEqual([2, 3, 5]);
    expect(pathAtVenue(sim, "DEMO1000")).toEqual([2, 3]);
    expect(alerts(rig.events).filter((m) => m.includes("by hand"))).toEqual([
      "TSX5001: ESZ6 held +5 at its re-sync, +2 of them traded by hand while mimik was away: left as they are while the leader holds the side (only its close takes them); nothing sold",
    ]);
  }, 20_000);
});
