/**
 * A leader's bracket whose mirrored entry fills on the follower first, on the simulator. Leader
 * and follower trade on two simulators (one the Tradovate login's, the other the ProjectX
 * login's), so their books have prices of their own: only the follower's is moved through the
 * entry's price. Its entry fills, the leader's does not, and the leader's stop and target still
 * wait for theirs (ProjectX: status 6, Pending; Tradovate: Suspended). A ProjectX leader's legs
 * name no entry: the follower held 2 with no stop and no target until the leader's entry filled,
 * which may be never. Then the leader cancels its entry: the follower ends flat with nothing
 * working. Judged on the simulators' books. Once more with the ProjectX leader's hub events one per
 * frame, as ProjectX sends them: the legs' pairing then has to outlive the frames between the
 * entry's fill and each leg's turn to Open, or the follower's stop and target are placed again.
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

let rig: Rig | undefined;
let pxSim: Simulator | undefined;
afterEach(async () => {
  await rig?.close();
  await pxSim?.close();
  rig = undefined;
  pxSim = undefined;
});

interface Books {
  r: Rig;
  leaderBook: Simulator;
  followerBook: Simulator;
  entry: number;
}

const workingAt = (sim: Simulator, account: string) =>
  sim.control
    .records()
    .workingOrders.filter((o) => o.accountName === account && o.status === "Working")
    .map((o) => `${o.action} ${o.qty} ${o.orderType} ${o.price ?? o.stopPrice}`)
    .sort();

async function followerFilledFirst(
  leader: string,
  at: "px" | "sim",
  name: string,
  splitMs: number,
): Promise<Books> {
  const px = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  pxSim = px;
  const base = crossBrokerConfig(
    { [leader]: at, [name]: at === "px" ? "sim" : "px" },
    { name: "X", leader, followers: [follower(name)], copy: "orders" },
  );
  const config = {
    ...base,
    connections: base.connections.map((c) => (c.name === PX_CONNECTION.name ? { ...c, url: px.url } : c)),
  };
  const r = await startRig(config);
  rig = r;
  const leaderBook = at === "px" ? px : r.sim;
  const followerBook = at === "px" ? r.sim : px;
  for (const book of [leaderBook, followerBook]) book.control.setPrice("ES", 6800);
  await eventually(() => [leader, name].every((a) => r.engine.directory.connected(a)), "both to sync");
  if (splitMs > 0) leaderBook.control.splitFrames(leader, splitMs);
  const oso = leaderBook.control.placeOso(
    leader,
    { symbol: "ESZ6", action: "Buy", qty: 2, orderType: "Limit", price: 6795 },
    { orderType: "Limit", price: 6810 },
    { orderType: "Stop", stopPrice: 6785 },
  );
  if (!("orderId" in oso)) throw new Error("refused");
  await eventually(() => workingAt(followerBook, name).includes("Buy 2 Limit 6795"), "the entry mirrored");
  followerBook.control.setPrice("ES", 6794.75); // the leader's book stays at 6800
  await eventually(() => position(followerBook, name, "ESZ6") === 2, "the follower's entry filled");
  return { r, leaderBook, followerBook, entry: oso.orderId };
}

// ProjectX sends each order update as a hub message of its own (split: 20 ms apart): the mirror
// looks after each, and sees the entry filled while its legs are still Pending, then one leg Open.
describe.each([
  ["ProjectX", "TSX5002", "px", "DEMO2001", 0],
  ["ProjectX (one event a frame)", "TSX5002", "px", "DEMO2001", 20],
  ["Tradovate", "DEMO1000", "sim", "TSX5001", 0],
] as const)(
  "mirror: a %s leader's bracket, the follower's entry filled first",
  (_, leader, at, name, split) => {
    it("the follower's stop and target work at once, sized to what it holds; the leader's cancel leaves it flat", async () => {
      const { leaderBook, followerBook, entry } = await followerFilledFirst(leader, at, name, split);
      await eventually(
        () => workingAt(followerBook, name).join(", ") === "Sell 2 Limit 6810, Sell 2 Stop 6785",
        "the follower's legs",
      );
      // One OCO: either leg's fill takes the other away (linked at a Tradovate follower's broker).
      const legs = followerBook.control.records().workingOrders.filter((o) => o.accountName === name);
      if (name === "DEMO2001")
        expect(legs.map((o) => o.linkedId).sort()).toEqual(legs.map((o) => o.orderId).sort());
      expect(position(leaderBook, leader, "ESZ6")).toBe(0);
      expect(leaderBook.control.cancelOrder(entry)).toHaveProperty("commandId");
      await eventually(
        () => position(followerBook, name, "ESZ6") === 0 && workingAt(followerBook, name).length === 0,
        "the follower flat with nothing working",
      );
      await quiet(500);
      expect(position(followerBook, name, "ESZ6")).toBe(0);
      expect(workingAt(followerBook, name)).toEqual([]);
    });
    it("the follower's legs stay as they are when the leader's entry fills after all", async () => {
      const { r, leaderBook, followerBook } = await followerFilledFirst(leader, at, name, split);
      const legs = () =>
        followerBook.control
          .records()
          .workingOrders.filter((o) => o.accountName === name && o.status === "Working")
          .map((o) => o.orderId)
          .sort();
      await eventually(() => legs().length === 2, "the follower's legs");
      const placed = legs();
      const since = r.events.length; // what the leader's fill does, not how the legs were first placed
      leaderBook.control.setPrice("ES", 6794.75);
      await eventually(() => position(leaderBook, leader, "ESZ6") === 2, "the leader's entry filled");
      await quiet(1500); // past the pairing window of a lone exit
      expect(legs()).toEqual(placed);
      expect(workingAt(followerBook, name)).toEqual(["Sell 2 Limit 6810", "Sell 2 Stop 6785"]);
      expect(r.events.slice(since).filter((e) => e.type === "mirror" && e.action === "cancel")).toEqual([]);
    });
  },
);
