import { afterEach, describe, expect, it } from "vitest";
import type { Config, Limits } from "../../data/schema.js";
import type { CopyEvent } from "../../engine/types.js";
import { eventually, follower, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * The trader's resync (`r`) judged like every opening, on the simulator's book. Two groups, one
 * firm: G (DEMO1000 leads DEMO2001) and H (DEMO2003 leads DEMO2002), both followers at Apex, ×1.
 * A resync awaits the answers of what it sent, so once its outcome is in, the simulator has
 * every order it wrote.
 */

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function oneFirmTwoGroups(limits: Limits = {}): Config {
  const config = simConfig();
  config.accounts = [
    { name: "DEMO1000", connection: "sim" },
    { name: "DEMO2001", connection: "sim", firm: "Apex" },
    { name: "DEMO2002", connection: "sim", firm: "Apex" },
    { name: "DEMO2003", connection: "sim" },
  ];
  const g = config.groups[0]!;
  g.followers = [follower("DEMO2001", { limits })];
  config.groups.push({ ...g, name: "H", leader: "DEMO2003", followers: [follower("DEMO2002")] });
  return config;
}

/** mimik's orders for the account at the simulator (a trade by hand is not automated). */
const ordersOf = (r: Rig, account: string) =>
  r.sim.control.records().orders.filter((o) => o.accountName === account && o.isAutomated);
const alerts = (r: Rig) => r.events.flatMap((e) => (e.type === "alert" ? [e.message] : []));
const resync = async (r: Rig, name: string) => (await r.engine.execute({ cmd: "resync", follower: name }))[0];

/** The engine knows DEMO2001 at `netPos` in ESZ6 (after a copy or a trade by hand). */
const known = (r: Rig, netPos: number) =>
  eventually(() => r.engine.copier.followerPosition("DEMO2001", "ESZ6") === netPos, `DEMO2001 at ${netPos}`);

/** H's follower short ES, then G's leader long 1: DEMO2001's copy is held back by the hedge guard. */
async function heldByHedge(): Promise<Rig> {
  const r = await startRig(oneFirmTwoGroups());
  await eventually(() => r.engine.directory.connected("DEMO2001"), "connected");
  r.sim.control.manualTrade("DEMO2003", "ESZ6", "Sell", 1);
  await eventually(() => position(r.sim, "DEMO2002", "ESZ6") === -1, "DEMO2002 short 1");
  await eventually(() => r.engine.copier.followerPosition("DEMO2002", "ESZ6") === -1, "DEMO2002 known short");
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  await eventually(
    () => r.events.some((e): e is CopyEvent => e.type === "copy" && e.reason === "hedge guard"),
    "DEMO2001's copy held by the hedge guard",
  );
  return r;
}

describe("r: a resync's opening passes the hedge guard", () => {
  it("another follower of the firm, in another group, holds the other side: nothing that opens is sent", async () => {
    rig = await heldByHedge();
    const outcome = await resync(rig, "DEMO2001");
    expect(outcome).toMatchObject({ target: "DEMO2001", status: "refused", sent: 0 });
    expect(outcome?.reason).toBe("would open: ESZ6: hedge guard");
    expect(alerts(rig)).toContain("DEMO2001: resync refused to open ESZ6: hedge guard");
    expect(ordersOf(rig, "DEMO2001")).toEqual([]);
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(0);

    // The other side closes with its leader: the same resync now opens.
    rig.sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
    await eventually(() => rig!.engine.copier.followerPosition("DEMO2002", "ESZ6") === 0, "DEMO2002 flat");
    expect(await resync(rig, "DEMO2001")).toMatchObject({ status: "resynced", sent: 1 });
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(1);
  });

  it("a resync that only reduces still goes, whatever the hedge guard says", async () => {
    rig = await heldByHedge();
    rig.sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 3); // by hand: holds 3, its rule says 1
    await known(rig, 3);
    expect(await resync(rig, "DEMO2001")).toMatchObject({ status: "resynced", sent: 1 });
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(1);
    expect(ordersOf(rig, "DEMO2001").map((o) => [o.action, o.qty])).toEqual([["Sell", 2]]);
  });
});

describe("r: a resync's opening is a trade of the day", () => {
  /** DEMO2001 copied its leader's opening of 1, then sold it by hand: OUT OF SYNC, has 0, expects 1. */
  async function soldByHand(maxTradesPerDay: number): Promise<Rig> {
    const r = await startRig(oneFirmTwoGroups({ maxTradesPerDay }));
    await eventually(() => r.engine.directory.connected("DEMO2001"), "connected");
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(r.sim, "DEMO2001", "ESZ6") === 1, "DEMO2001 long 1");
    await known(r, 1);
    r.sim.control.manualTrade("DEMO2001", "ESZ6", "Sell", 1);
    await known(r, 0);
    return r;
  }

  it("with the day's trades used up, it is refused and sends nothing", async () => {
    rig = await soldByHand(1);
    const outcome = await resync(rig, "DEMO2001");
    expect(outcome).toMatchObject({ status: "refused", reason: "would open: ESZ6: max trades per day" });
    expect(alerts(rig)).toContain("DEMO2001: resync refused to open ESZ6: max trades per day");
    expect(ordersOf(rig, "DEMO2001")).toHaveLength(1); // the copy of the leader's opening only
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(0);
  });

  it("one that opens counts: the leader's next add is then past the day's limit", async () => {
    rig = await soldByHand(2);
    expect(await resync(rig, "DEMO2001")).toMatchObject({ status: "resynced", sent: 1 });
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(1);
    expect(rig.engine.risk.snapshot("DEMO2001")?.tradesToday).toBe(2);

    rig.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const add = await eventually(
      () => rig!.events.find((e): e is CopyEvent => e.type === "copy" && e.outcome === "skipped"),
      "the add decided",
    );
    expect(add.reason).toBe("max trades per day");
    expect(position(rig.sim, "DEMO2001", "ESZ6")).toBe(1);
    expect(ordersOf(rig, "DEMO2001")).toHaveLength(2);
  });
});
