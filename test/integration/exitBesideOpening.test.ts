import { afterEach, describe, expect, it } from "vitest";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins } from "../support/twoLogins.js";

/**
 * The leader closes while a follower's opening copy is still on its way, and that opening then
 * dies (the broker accepts it, then rejects it). An exit sized from the opening would sell what
 * the follower never held: at the simulator APEX3001 went 0 → −2 and was bought back a second
 * later by the exit's retry, short 2 in between, on an account that should never have traded.
 * Now an exit sells only what the follower surely holds; the part an opening on its way would
 * bring waits (a pending exit) and goes once that opening is answered, or never if it dies.
 * Judged on the simulator's book.
 */
let t: TwoLogins | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connected(): Promise<TwoLogins> {
  const r = await startTwoLogins();
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  return r;
}

/** APEX3001's next order is accepted then rejected; mimik hears of it only `lateMs` later. */
function nextOrderDiesUnheard(r: TwoLogins, lateMs: number) {
  r.sim.control.delaySocket("prop", lateMs);
  r.sim.control.rejectOrders("APEX3001", "RiskRejected", "test: refused after acceptance", "event");
  const before = r.sim.control.records().orders.filter((o) => o.accountName === "APEX3001").length;
  return async () => {
    await eventually(
      () => r.sim.control.records().orders.filter((o) => o.accountName === "APEX3001").length > before,
      "APEX3001's order at the broker",
    );
    r.sim.control.rejectOrders("APEX3001", null);
  };
}

/** The leader buys 2; APEX3001's opening fills at the broker, heard only 300 ms later. */
async function openingFilledUnheard(r: TwoLogins): Promise<void> {
  r.sim.control.delaySocket("prop", 300);
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
  await eventually(
    () => position(r.sim, "APEX3001", "ESZ6") === 2,
    "APEX3001's opening filled at the broker",
  );
}

describe("an exit decided while the follower's opening is on its way (against the simulator)", () => {
  it("the opening dies unheard, the leader closes: the follower never trades the close", async () => {
    t = await connected();
    const { sim } = t;
    const reached = nextOrderDiesUnheard(t, 400);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await reached();
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(
      () => position(sim, "APEX3002", "ESZ6") === 0 && pathAtVenue(sim, "APEX3002").length === 2,
      "APEX3002 in and out",
    );
    const { events, engine } = t;
    await eventually(
      () => events.some((e) => e.type === "copy" && e.follower === "APEX3001" && e.outcome === "rejected"),
      "APEX3001's opening heard as rejected",
    );
    await pause(1500); // a sale of what it never held would be bought back by a retry after 1 s
    expect(pathAtVenue(sim, "APEX3001")).toEqual([]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([1, 0]);
    expect(engine.copier.exitsPending()).toBe(0);
  });

  it("an add dies unheard, the leader closes: the follower sells what it held, never more", async () => {
    t = await connected();
    const { sim } = t;
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    await eventually(() => t!.engine.copier.followerPosition("APEX3001", "ESZ6") === 2, "mimik sees it");
    await pause(100);
    const reached = nextOrderDiesUnheard(t, 400);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await reached();
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 4);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat");
    await pause(1500); // an over-sale would be bought back by a retry after 1 s
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0]);
    expect(position(sim, "APEX3002", "ESZ6")).toBe(0);
  });

  it("the opening dies unheard, the leader flips: the follower opens the new side only, never past it", async () => {
    t = await connected();
    const { sim } = t;
    const reached = nextOrderDiesUnheard(t, 400);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await reached();
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 4); // +2 → −2
    await eventually(() => position(sim, "APEX3001", "ESZ6") === -2, "APEX3001 short 2");
    await pause(1500); // a sale past the rule would be bought back by a retry after 1 s
    expect(pathAtVenue(sim, "APEX3001")).toEqual([-2]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([1, 0, -1]); // its opening filled, heard late: the closing half followed
  });

  it("the opening fills, only late heard, and the leader flips: the closing half follows it", async () => {
    t = await connected();
    const { sim } = t;
    await openingFilledUnheard(t);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 4);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === -2, "APEX3001 short 2", 5000);
    await eventually(() => position(sim, "APEX3002", "ESZ6") === -1, "APEX3002 short 1", 5000);
    await pause(800);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0, -2]);
    expect(position(sim, "APEX3002", "ESZ6")).toBe(-1);
  });

  it("switched off while the rest of its close waits for the opening: the rest still goes", async () => {
    t = await connected();
    const { sim, engine } = t;
    const config = engine.currentConfig();
    await openingFilledUnheard(t);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    const off = structuredClone(config);
    for (const f of off.groups[0]!.followers) if (f.account === "APEX3001") f.enabled = false;
    engine.setConfig(off);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 5000);
    await pause(800);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0]);
  });

  it("the opening fills, only late heard: the rest of the exit follows it", async () => {
    t = await connected();
    const { sim } = t;
    await openingFilledUnheard(t);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat", 5000);
    await eventually(() => position(sim, "APEX3002", "ESZ6") === 0, "APEX3002 flat", 5000);
    await pause(800);
    expect(pathAtVenue(sim, "APEX3001")).toEqual([2, 0]);
    expect(pathAtVenue(sim, "APEX3002")).toEqual([1, 0]);
    expect(sim.control.records().orders.filter((o) => o.accountName === "DEMO1000" && o.isAutomated)).toEqual(
      [],
    );
  });
});
