/**
 * Issue 14 on a follower line two leader contracts share (toMicro: the leader's ESZ6 and MESZ6
 * both come to the follower's MESZ6), against the simulator: the leader's stop on each contract
 * gives the follower a stop for that contract's part of the line, never one for the whole line
 * each (twice the position working: both filling leaves it short). Judged on the broker's records.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import { eventually, follower, pathAtVenue, position, type Rig } from "../support/rig.js";
import {
  automatedOnLeader,
  exitsBeyondPosition,
  LEADER,
  mirrorRig,
  quiet,
  setPrice,
  working,
} from "./simRig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FOLLOWER = "DEMO2003";

async function twoStopsOnOneLine(group: Partial<Group>): Promise<Rig> {
  const r = await mirrorRig({ ...group, followers: [follower(FOLLOWER, { mapping: "toMicro" })] });
  r.sim.control.manualTrade(LEADER, "ESZ6", "Buy", 1);
  r.sim.control.manualTrade(LEADER, "MESZ6", "Buy", 2);
  await eventually(() => position(r.sim, FOLLOWER, "MESZ6") === 3, "the follower long 3 MES");
  for (const [symbol, qty] of [
    ["ESZ6", 1],
    ["MESZ6", 2],
  ] as const)
    r.sim.control.placeOrder(LEADER, { symbol, action: "Sell", qty, orderType: "Stop", stopPrice: 6790 });
  return r;
}

describe("a follower line two leader contracts share: each leader stop protects its own part", () => {
  for (const group of [{ protect: true }, { copy: "orders" as const }])
    it(`${JSON.stringify(group)}: a stop of 1 and one of 2 on the long 3, and the follower flat, never short, when both fill`, async () => {
      rig = await twoStopsOnOneLine(group);
      const r = rig;
      await eventually(() => working(r, FOLLOWER).length === 2, "the follower's two stops");
      await quiet(1200); // a lone stop's pairing window and any resize
      expect(
        working(r, FOLLOWER)
          .map((o) => [o.symbol, o.action, o.orderType, o.qty])
          .sort(),
      ).toEqual([
        ["MESZ6", "Sell", "Stop", 1],
        ["MESZ6", "Sell", "Stop", 2],
      ]);
      expect(exitsBeyondPosition(r, [FOLLOWER])).toEqual([]);
      setPrice(r, 6780);
      await eventually(() => position(r.sim, LEADER, "MESZ6") === 0, "the leader's stops filled");
      await eventually(() => working(r, FOLLOWER).length === 0, "nothing working for the follower");
      await quiet(500);
      expect(position(r.sim, FOLLOWER, "MESZ6")).toBe(0);
      expect(Math.min(...pathAtVenue(r.sim, FOLLOWER))).toBeGreaterThanOrEqual(0);
      expect(automatedOnLeader(r)).toEqual([]);
    }, 20_000);
});
