/**
 * A ProjectX leader's bracket, mirrored (`copy: "orders"`), against the simulator. ProjectX shows
 * an entry's stop and target legs as orders of their own, status 6 (Pending), until the entry
 * fills: they cannot fill before it. Mirrored as live orders, a flat follower's copies of them
 * were openings its leader never had: on `mimik sim`, the price touched the target first and the
 * follower went short 2 while the leader stayed flat, its entry still working ("sync ok").
 * Judged on the simulator's book.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MIRROR_REASONS } from "../../engine/mirror/reasons.js";
import { crossBrokerConfig, eventually, follower, position, type Rig, startRig } from "../support/rig.js";
import { quiet, setPrice } from "./simRig.js";

const LEADER = "TSX5002";
const FOLLOWER = "DEMO2001";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const workingAt = (r: Rig, account: string) =>
  r.sim.control
    .records()
    .workingOrders.filter((o) => o.accountName === account && o.status === "Working")
    .map((o) => `${o.action} ${o.qty} ${o.orderType} ${o.price ?? o.stopPrice}`)
    .sort();

async function bracketPlaced(): Promise<Rig> {
  const config = crossBrokerConfig(
    { [LEADER]: "px", [FOLLOWER]: "sim" },
    { name: "X", leader: LEADER, followers: [follower(FOLLOWER)], copy: "orders" },
  );
  const r = await startRig(config);
  rig = r;
  setPrice(r, 6800);
  await eventually(() => [LEADER, FOLLOWER].every((a) => r.engine.directory.connected(a)), "both to sync");
  r.sim.control.placeOso(
    LEADER,
    { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
    { orderType: "Limit", price: 6810 },
    { orderType: "Stop", stopPrice: 6785 },
  );
  await eventually(() => workingAt(r, FOLLOWER).includes("Buy 2 Limit 6795"), "the entry mirrored");
  return r;
}

describe("mirror: a ProjectX leader's bracket legs waiting for their entry", () => {
  it("are not placed on the follower before the entry fills: the price at the target opens nothing", async () => {
    const r = await bracketPlaced();
    await quiet(500);
    expect(workingAt(r, FOLLOWER)).toEqual(["Buy 2 Limit 6795"]);
    // Each leg waits, and the follower's row says why.
    const waiting = r.events.filter(
      (e) => e.type === "mirror" && e.follower === FOLLOWER && e.reason === MIRROR_REASONS.notWorkingYet,
    );
    expect(waiting).toHaveLength(2);
    setPrice(r, 6810.25); // through the target's price, not the entry's
    await quiet(500);
    expect(position(r.sim, LEADER, "ESZ6")).toBe(0);
    expect(position(r.sim, FOLLOWER, "ESZ6")).toBe(0);
  });

  it("follow once the entry fills, sized to the follower's position", async () => {
    const r = await bracketPlaced();
    setPrice(r, 6794.75);
    await eventually(() => position(r.sim, FOLLOWER, "ESZ6") === 2, "the follower's entry filled");
    await eventually(
      () => workingAt(r, FOLLOWER).join(", ") === "Sell 2 Limit 6810, Sell 2 Stop 6785",
      "the legs mirrored as the follower's exits",
    );
    expect(position(r.sim, LEADER, "ESZ6")).toBe(2);
  });
});
