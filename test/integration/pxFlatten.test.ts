import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../engine/types.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const config = () =>
  crossBrokerConfig(
    { DEMO1000: "sim", TSX5001: "px" },
    { name: "X", leader: "DEMO1000", followers: [follower("TSX5001")] },
  );

describe("flatten and lock of a ProjectX follower whose hub lags", () => {
  it("closes it once at ProjectX and locks it without a 'flatten failed' alert", async () => {
    rig = await startRig(config());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    const route = await eventually(() => engine.directory.route("TSX5001"), "route");
    await eventually(
      () => route.session.positions(route.accountId).some((p) => p.netPos === 2),
      "TSX5001 +2 heard",
    );
    sim.control.delaySocket("topstep", 2500);
    await engine.flattenAndLock({ follower: "TSX5001" });
    await eventually(() => position(sim, "TSX5001", "ESZ6") === 0, "flat at ProjectX");
    await eventually(() => engine.risk.snapshot("TSX5001")?.state === "LOCKED", "TSX5001 locked", 15_000);
    const alerts = rig.events.filter((e): e is AlertEvent => e.type === "alert").map((e) => e.message);
    expect(alerts.filter((m) => /flatten failed/.test(m))).toEqual([]);
    const closes = sim.control
      .records()
      .orders.filter((o) => o.accountName === "TSX5001" && o.action === "Sell");
    expect(closes.map((o) => o.qty)).toEqual([2]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(2);
  }, 25_000);
});

describe("flatten and lock of a ProjectX follower with a working order, its hub lagging", () => {
  it("cancels the order and closes the position without a 'flatten failed' alert", async () => {
    rig = await startRig(config());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("TSX5001"), "TSX5001 synced");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    const price = sim.control.price("ESZ6")!;
    const placed = sim.control.placeOrder("TSX5001", {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: price - 50,
    });
    const route = await eventually(() => engine.directory.route("TSX5001"), "route");
    await eventually(
      () =>
        route.session.positions(route.accountId).some((p) => p.netPos === 2) &&
        route.session.workingOrders(route.accountId).length === 1,
      "TSX5001 +2 and its limit heard",
    );
    sim.control.delaySocket("topstep", 2500);
    await engine.flattenAndLock({ follower: "TSX5001" });
    await eventually(() => engine.risk.snapshot("TSX5001")?.state === "LOCKED", "TSX5001 locked", 15_000);
    const alerts = rig.events.filter((e): e is AlertEvent => e.type === "alert").map((e) => e.message);
    expect(alerts.filter((m) => /flatten failed/.test(m))).toEqual([]);
    expect(position(sim, "TSX5001", "ESZ6")).toBe(0);
    expect(placed).toHaveProperty("orderId");
    expect(sim.control.records().workingOrders.filter((o) => o.accountName === "TSX5001")).toEqual([]);
  }, 25_000);
});
