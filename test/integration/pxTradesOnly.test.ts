import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../engine/types.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  pathAtVenue,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";

/**
 * projectx-protocol.md "Real time": some fills arrive only as GatewayUserTrade [community], with
 * no GatewayUserOrder saying the order filled. The simulator's fillsAsTradesOnly does that; the
 * follower's filled copies must not stay "working" in mimik's view of it.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a ProjectX follower whose fills come as trades alone", () => {
  it("lists no filled copy as working, and its flatten and lock goes without a 'flatten failed'", async () => {
    rig = await startRig(
      crossBrokerConfig(
        { DEMO1000: "sim", TSX5001: "px" },
        { name: "X", leader: "DEMO1000", followers: [follower("TSX5001")] },
      ),
    );
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 synced");
    sim.control.fillsAsTradesOnly(true);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    const route = await eventually(() => engine.directory.route("TSX5001"), "route");
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.netPos === 1),
      "TSX5001 +1 heard",
    );
    expect(pathAtVenue(sim, "TSX5001")).toEqual([2, 1]);
    await eventually(
      () => route.session.workingOrders(route.accountId).length === 0,
      "no copy listed as working",
    );

    await engine.flattenAndLock({ follower: "TSX5001" });
    await eventually(() => engine.risk.snapshot("TSX5001")?.state === "LOCKED", "TSX5001 locked", 10_000);
    expect(position(sim, "TSX5001", "ESZ6")).toBe(0);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(1);
    const alerts = rig.events.filter((e): e is AlertEvent => e.type === "alert").map((e) => e.message);
    expect(alerts.filter((m) => /flatten failed/.test(m))).toEqual([]);
  }, 20_000);
});
