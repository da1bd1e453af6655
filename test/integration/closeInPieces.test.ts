import { afterEach, describe, expect, it } from "vitest";
import type { CopyEvent } from "../../engine/types.js";
import { eventually, pathAtVenue, position } from "../support/rig.js";
import { startTwoLogins, type TwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * A follower's close that fills in pieces (its micro contract trades 1 lot a price level) while
 * the leader keeps trading: the copier sizes each later step from where the follower will stand
 * once its close is done, so it never sells past flat or opens beside a close still filling. Read
 * on the simulator's book: APEX3001 (×1) and APEX3002 (×0.5) mapped to MES.
 */
const done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of done.splice(0).reverse()) await d();
});

async function longFour(): Promise<TwoLogins> {
  const config = twoLoginConfig();
  for (const f of config.groups[0]!.followers) f.mapping = "toMicro";
  const r = await startTwoLogins(config);
  done.push(() => r.close());
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => r.engine.directory.connected(a)),
    "connected",
  );
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 4);
  await eventually(
    () => position(r.sim, "APEX3001", "MESZ6") === 4 && position(r.sim, "APEX3002", "MESZ6") === 2,
    "the copies",
  );
  await new Promise((res) => setTimeout(res, 300));
  r.sim.control.setDepth("MES", 1);
  return r;
}

const settled = (r: TwoLogins, a1: number, a2: number) =>
  eventually(
    () => position(r.sim, "APEX3001", "MESZ6") === a1 && position(r.sim, "APEX3002", "MESZ6") === a2,
    `APEX3001 ${a1}, APEX3002 ${a2}`,
  );

const rejected = (r: TwoLogins) =>
  r.events.filter((e): e is CopyEvent => e.type === "copy" && e.outcome === "rejected");

describe("a follower's close filling in pieces while the leader trades on", () => {
  it("the leader closes and opens again at once: each follower ends on the rule's new side", async () => {
    const r = await longFour();
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 4);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await settled(r, 2, 1);
    await new Promise((res) => setTimeout(res, 500));
    // APEX3001's close of 4 filled in four pieces of 1, each in a frame of its own.
    const sells = r.sim.control
      .records()
      .fills.filter((f) => f.accountName === "APEX3001" && f.action === "Sell");
    expect(sells.map((f) => f.qty)).toEqual([1, 1, 1, 1]);
    expect(pathAtVenue(r.sim, "APEX3001").at(-1)).toBe(2);
    expect(Math.min(...pathAtVenue(r.sim, "APEX3001"))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...pathAtVenue(r.sim, "APEX3002"))).toBeGreaterThanOrEqual(0);
    expect(rejected(r)).toEqual([]);
  }, 30_000);

  it("the leader steps down 4 → 2 → 1 → 0 and back to 3: the reduces follow the rule, never past flat", async () => {
    const r = await longFour();
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 2);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1);
    await settled(r, 0, 0);
    r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
    await settled(r, 3, 2);
    await new Promise((res) => setTimeout(res, 500));
    for (const a of ["APEX3001", "APEX3002"])
      expect(Math.min(...pathAtVenue(r.sim, a))).toBeGreaterThanOrEqual(0);
    expect(position(r.sim, "APEX3001", "MESZ6")).toBe(3);
    expect(position(r.sim, "APEX3002", "MESZ6")).toBe(2);
    expect(rejected(r)).toEqual([]);
  }, 30_000);
});
