/**
 * Issue 14 and a config edit, against the simulator: a follower that leaves its group (removed, or
 * made the leader of another) has what mimik mirrored on it taken away, as a group that stops
 * mirroring does. Before, its protective stop stayed working, tied to no leader order and moved by
 * no one: on an account flattened by hand it could open a position, and on a new leader its fill
 * was a leader fill, copied to that group's followers. Judged on the broker's records.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { eventually, follower, position, type Rig } from "../support/rig.js";
import { LEADER, mirrorRig, quiet, setPrice, working } from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const LEAVING = "DEMO2003";

/** DEMO2003 (×1, protect) long 1 ESZ6 with its stop at the leader's 6790. */
async function protectedFollower(): Promise<Rig> {
  const r = await mirrorRig({ protect: true, followers: [follower(LEAVING), follower("DEMO2001")] });
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 1);
  await eventually(() => position(r.sim, LEAVING, "ESZ6") === 1, "the follower long 1");
  r.sim.control.placeOrder(LEADER, {
    symbol: "ESZ6",
    action: "Sell",
    qty: 1,
    orderType: "Stop",
    stopPrice: 6790,
  });
  await eventually(() => working(r, LEAVING).length === 1, "its stop");
  // … and mimik has heard of it (a placement not answered yet has no order id to cancel).
  const route = r.engine.directory.route(LEAVING)!;
  await eventually(() => route.session.workingOrders(route.accountId).length === 1, "mimik sees its stop");
  return r;
}

function edit(r: Rig, change: (c: Config) => void): void {
  const next = structuredClone(r.engine.currentConfig());
  change(next);
  r.engine.setConfig(next);
}

const leaves = (c: Config) => {
  c.groups[0]!.followers = c.groups[0]!.followers.filter((f) => f.account !== LEAVING);
};

describe("a follower that leaves its group has its mirrored orders taken away", () => {
  it("removed from the group: its stop is cancelled, its position left to the trader", async () => {
    rig = await protectedFollower();
    const r = rig;
    edit(r, leaves);
    await eventually(() => working(r, LEAVING).length === 0, "its stop cancelled");
    expect(position(r.sim, LEAVING, "ESZ6")).toBe(1);
    expect(working(r, "DEMO2001")).toHaveLength(1); // the one still following keeps its own
  }, 20_000);

  it("made a shadow follower: its stop is cancelled (nothing is sent to, or managed on, a shadow) and the trader told", async () => {
    rig = await protectedFollower();
    const r = rig;
    edit(r, (c) => {
      const f = c.groups[0]!.followers.find((x) => x.account === LEAVING)!;
      f.shadow = true;
    });
    await eventually(() => working(r, LEAVING).length === 0, "its stop cancelled");
    expect(position(r.sim, LEAVING, "ESZ6")).toBe(1);
    expect(working(r, "DEMO2001")).toHaveLength(1);
    expect(
      r.events.some(
        (e) =>
          e.type === "alert" &&
          e.message.startsWith(`${LEAVING} is a shadow follower now`) &&
          /Stop Sell 1 ESZ6/.test(e.message),
      ),
    ).toBe(true);
  }, 20_000);

  it("made the leader of another group: its stop is cancelled before it leads, so no fill of mimik's is copied", async () => {
    rig = await protectedFollower();
    const r = rig;
    edit(r, (c) => {
      leaves(c);
      c.groups.push({
        name: "H",
        active: true,
        leader: LEAVING,
        whitelist: { enabled: false, symbols: [] },
        followers: [follower("DEMO2002")],
      });
    });
    await eventually(() => working(r, LEAVING).length === 0, "its stop cancelled");
    setPrice(r, 6780);
    await quiet(800);
    expect(position(r.sim, LEAVING, "ESZ6")).toBe(1);
    expect(position(r.sim, "DEMO2002", "ESZ6")).toBe(0);
    expect(r.events.some((e) => e.type === "alert" && /account is a leader/.test(e.message))).toBe(false);
  }, 20_000);
});
