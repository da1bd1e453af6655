/**
 * A ProjectX leader's bracket, its hub events one per frame (as ProjectX sends them): the entry,
 * then the target leg (Pending), then the stop leg. A follower whose mirror of the entry fills
 * before the stop leg is heard (within ~40 ms of the leader placing the bracket, frames 20 ms
 * apart) got its target placed alone and its stop ~15 ms later, two orders the follower's broker
 * did not link (an OCO only once mimik saw both). The lone leg now waits a moment for its partner,
 * and the two go as one OCO, as the mirror places them otherwise. Judged on the follower's book:
 * its exits, as placed, are one linked pair.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
  position,
  type Rig,
  startRig,
} from "../support/rig.js";
import { quiet } from "./simRig.js";

const LEADER = "TSX5002";
const FOLLOWER = "DEMO2001";

let rig: Rig | undefined;
let pxSim: Simulator | undefined;
afterEach(async () => {
  await rig?.close();
  await pxSim?.close();
  rig = undefined;
  pxSim = undefined;
});

describe("mirror: a ProjectX leader's bracket heard one event a frame, the follower's entry filled at once", () => {
  for (const splitMs of [20, 40])
    it(`the follower's stop and target go out together, one OCO (frames ${splitMs} ms apart)`, async () => {
      const px = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
      pxSim = px;
      const base = crossBrokerConfig(
        { [LEADER]: "px", [FOLLOWER]: "sim" },
        { name: "X", leader: LEADER, followers: [follower(FOLLOWER)], copy: "orders" },
      );
      const config = {
        ...base,
        connections: base.connections.map((c) => (c.name === PX_CONNECTION.name ? { ...c, url: px.url } : c)),
      };
      const r = await startRig(config);
      rig = r;
      px.control.setPrice("ES", 6800);
      r.sim.control.setPrice("ES", 6794.75); // the follower's mirror of the entry fills as placed
      await eventually(
        () => [LEADER, FOLLOWER].every((a) => r.engine.directory.connected(a)),
        "both to sync",
      );
      px.control.splitFrames(LEADER, splitMs);
      px.control.placeOso(
        LEADER,
        { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
        { orderType: "Limit", price: 6810 },
        { orderType: "Stop", stopPrice: 6785 },
      );
      await eventually(() => position(r.sim, FOLLOWER, "ESZ6") === 2, "the follower's entry filled");
      const exits = () =>
        r.sim.control.records().orders.filter((o) => o.accountName === FOLLOWER && o.action === "Sell");
      await eventually(() => exits().length >= 2, "the follower's legs");
      await quiet(500);
      const placed = exits();
      expect(
        placed.map((o) => `${o.qty} ${o.orderType} ${o.price ?? o.stopPrice} ${o.status}`).sort(),
      ).toEqual(["2 Limit 6810 Working", "2 Stop 6785 Working"]);
      // Placed as one OCO: each names the other.
      expect(placed.map((o) => o.linkedId).sort()).toEqual(placed.map((o) => o.orderId).sort());
      expect(position(px, LEADER, "ESZ6")).toBe(0);
    }, 30_000);
});
