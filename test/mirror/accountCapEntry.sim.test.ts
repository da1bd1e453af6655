/**
 * Copy "orders": a mirrored entry passes the account's max open contracts (limits.maxOpenContracts)
 * as a copy does, on the simulator. The follower (×1, cap 3) holds 2 ESZ6 for the leader's; the
 * leader's limit entry of 3 ESH7 is mirrored as 1, what the cap leaves the account.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { closeChecked, LEADER, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
});

describe("mirror: an entry under the account's max open contracts", () => {
  it("is cut to what the account's other lines leave it", async () => {
    const capped = follower("DEMO2003", { limits: { maxOpenContracts: 3 } });
    rig = await startRig(simConfig({ copy: "orders", followers: [capped] }));
    const r = rig;
    setPrice(r, 6800);
    await eventually(() => r.engine.directory.connected("DEMO2003"), "connected");
    r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 2);
    await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 2, "the follower long 2 ESZ6");
    r.sim.control.placeOrder(LEADER, {
      symbol: "ESH7",
      action: "Buy",
      qty: 3,
      orderType: "Limit",
      price: 6700,
    });
    const entry = await eventually(
      () => working(r, "DEMO2003").find((o) => o.symbol === "ESH7"),
      "the follower's mirrored entry",
    );
    expect(entry).toMatchObject({ action: "Buy", qty: 1, orderType: "Limit" });
  }, 30_000);
});
