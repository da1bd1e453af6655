import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, CopyEvent } from "../../engine/types.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";

/**
 * A ProjectX leader and its ProjectX follower on one login: the hub's reconnect re-syncs both at
 * once, and what the re-sync makes up for the follower goes out while that sync is being told.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a ProjectX login's re-sync after its hub dropped", () => {
  it("makes up the follower's missed close at once, without a refusal or a failed exit", async () => {
    rig = await startRig(
      crossBrokerConfig(
        { TSX5001: "px", TSX5002: "px" },
        { name: "P", leader: "TSX5001", followers: [follower("TSX5002")] },
      ),
    );
    const { sim, engine } = rig;
    await eventually(() => engine.directory.connected("TSX5002"), "synced");
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "TSX5002", "ESZ6") === 2, "TSX5002 +2");
    sim.control.dropSockets({ user: PX_CONNECTION.username });
    await eventually(() => !engine.directory.connected("TSX5002"), "the hub's drop seen");
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "TSX5002", "ESZ6") === 0, "TSX5002 flat after the re-sync", 10_000);

    const copies = rig.events.filter((e): e is CopyEvent => e.type === "copy" && e.follower === "TSX5002");
    expect(copies.filter((c) => c.outcome === "rejected")).toEqual([]);
    const alerts = rig.events.filter((e): e is AlertEvent => e.type === "alert").map((e) => e.message);
    expect(alerts.filter((m) => /rejected|failed/.test(m))).toEqual([]);
    const sells = sim.control
      .records()
      .orders.filter((o) => o.accountName === "TSX5002" && o.action === "Sell");
    expect(sells.map((o) => [o.qty, o.failureReason])).toEqual([[2, undefined]]);
    expect(position(sim, "TSX5001", "ESZ6")).toBe(0);
  }, 20_000);
});
