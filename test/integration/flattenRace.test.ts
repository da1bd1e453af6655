import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { type CopyEvent, SKIP_REASONS } from "../../engine/types.js";
import {
  eventually,
  follower,
  pathAtVenue,
  position,
  type Rig,
  simConfig,
  startRig,
} from "../support/rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The leader on the "sim" login, its follower APEX3001 on a login of its own ("prop"). */
function twoLogins(): Config {
  const base = simConfig();
  return {
    ...base,
    connections: [
      ...base.connections,
      {
        name: "prop",
        env: "sim",
        username: "prop",
        password: { env: "MIMIK_TEST_PROP_PASSWORD" },
        appId: "mimik",
        appVersion: "test",
      },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "APEX3001", connection: "prop" },
    ],
    groups: [
      {
        name: "G",
        active: true,
        leader: "DEMO1000",
        whitelist: { enabled: false, symbols: [] },
        followers: [follower("APEX3001")],
      },
    ],
  };
}

describe("a leader's exit while the follower's flatten is on its way", () => {
  it("is not copied beside the flatten: the follower goes flat once, never to the other side", async () => {
    rig = await startRig(twoLogins());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("APEX3001"), "the follower's login");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await eventually(() => {
      const route = engine.directory.route("APEX3001");
      return route?.session.positions(route.accountId).some((p) => p.netPos === 3);
    }, "APEX3001 long 3, heard");

    // The follower's login answers late: its flatten is done at the broker, mimik has not heard.
    sim.control.delaySocket("prop", 1000);
    const flattened = engine.flattenAndLock({ follower: "APEX3001" });
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "the liquidation at the broker");
    // The leader closes on its own login, heard at once.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3);
    await eventually(
      () =>
        rig!.events.some(
          (e): e is CopyEvent =>
            e.type === "copy" && e.follower === "APEX3001" && e.fillId > 0 && e.kind === "close",
        ),
      "the copier's word on the leader's close",
    );
    expect(
      rig.events.filter(
        (e): e is CopyEvent => e.type === "copy" && e.follower === "APEX3001" && e.kind === "close",
      ),
    ).toEqual([expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.flattening })]);
    sim.control.delaySocket("prop", 0);
    await flattened;
    await eventually(() => engine.risk.snapshot("APEX3001")?.state === "LOCKED", "APEX3001 locked");
    await new Promise((r) => setTimeout(r, 300));
    expect(pathAtVenue(sim, "APEX3001")).toEqual([3, 0]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
  });
});

describe("a follower's flatten while its own exit is on its way", () => {
  it("a liquidation the exit made needless is no failure: sold once, flatten 'locked', no error", async () => {
    rig = await startRig(twoLogins());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("APEX3001"), "the follower's login");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => {
      const route = engine.directory.route("APEX3001");
      return route?.session.positions(route.accountId).some((p) => p.netPos === 2);
    }, "APEX3001 long 2, heard");

    // The leader closes; the follower's copy of it fills at once, heard a second later.
    sim.control.delaySocket("prop", 1000);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "the copied exit filled at the broker");
    // The trader flattens it meanwhile: mimik still sees it long 2, and the broker has nothing to liquidate.
    const [outcome] = await engine.flattenAndLock({ follower: "APEX3001" });

    expect(outcome).toMatchObject({ target: "APEX3001", status: "locked" });
    expect(engine.risk.snapshot("APEX3001")).toMatchObject({ state: "LOCKED", lockKind: "manual" });
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0]);
    expect(position(sim, "DEMO1000", "ESZ6")).toBe(0);
    const alerts = rig.events.flatMap((e) => (e.type === "alert" && e.follower === "APEX3001" ? [e] : []));
    expect(alerts.filter((a) => a.level === "error")).toEqual([]);
  });
});

describe("a follower's flatten whose cancel is on its way when its order fills", () => {
  it("is not locked 'flat' on the cancel's answer: the fill is liquidated, then it locks", async () => {
    rig = await startRig(twoLogins());
    const { sim, engine } = rig;
    await eventually(() => engine.directory.route("APEX3001"), "the follower's login");
    sim.control.setPrice("ES", 6800);
    // The trader's own buy limit works on the follower; Tradovate's cancels land 1.5 s after their answer.
    sim.control.placeOrder("APEX3001", {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6795,
    });
    await eventually(() => {
      const route = engine.directory.route("APEX3001");
      return route && route.session.workingOrders(route.accountId).length === 1;
    }, "the limit heard working");
    sim.control.slowCancels("APEX3001", 1500);
    const flattened = engine.flattenAndLock({ follower: "APEX3001" });
    await new Promise((r) => setTimeout(r, 300));
    // The market reaches the limit while its cancel is on the way.
    sim.control.setPrice("ES", 6794);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1, "the limit filled at the broker");
    await flattened;
    await eventually(
      () => engine.risk.snapshot("APEX3001")?.state === "LOCKED" && position(sim, "APEX3001", "ESZ6") === 0,
      "APEX3001 flat and locked",
      10_000,
    );
    expect(pathAtVenue(sim, "APEX3001")).toEqual([1, 0]);
    expect(sim.control.records().workingOrders.filter((o) => o.accountName === "APEX3001")).toEqual([]);
  });
});
