/**
 * A re-sync the copier makes after a mirror's fill, or after its broker refused a mirror, closes
 * what the follower holds beyond its leader. Sent while the mirror is cancelling the follower's
 * exits on that line (its stop, say), the close and the stop could both fill: the follower would
 * be short what it held, its leader flat. Only the re-sync after a leader order's end waited for
 * such a cancel; the others sent their close at once. Each now waits for the cancel's end
 * (mirrorEnded) and is made from where the line is then.
 */
import { describe, expect, it } from "vitest";
import { ordersTo, world } from "./copierWorld.js";

const STOP_CANCELLING = "F:ESZ6:Sell";

/** F's mirrored entry of the leader's 77 fills after its leader left (78), its stop being cancelled. */
async function entryFilledAfterLeaderLeft() {
  const cancelsOn = new Set([STOP_CANCELLING]);
  const w = world(new Set(["F:77"]), new Set(), undefined, undefined, cancelsOn);
  w.broker.trade(1, "ESZ6", "Buy", 3, 77); // the leader's entry: F's own mirror answers it
  await w.broker.flush();
  w.broker.trade(1, "ESZ6", "Sell", 3, 78); // its stop, before F's entry has filled
  await w.broker.flush();
  w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // F's entry fills now
  await w.broker.flush();
  w.clock.run(1);
  await w.broker.flush();
  expect(w.broker.position(2, "ESZ6")).toBe(3);
  expect(ordersTo(w, "F")).toEqual([]); // no close beside the stop being cancelled
  return { w, cancelsOn };
}

describe("a re-sync after a mirror's fill or refusal waits for the cancel of the follower's exits", () => {
  it("a mirrored entry filled after its leader left: its close goes at the cancel's end, once", async () => {
    const { w, cancelsOn } = await entryFilledAfterLeaderLeft();
    cancelsOn.delete(STOP_CANCELLING);
    w.copier.answers.mirrorEnded("F", "ESZ6"); // the stop is heard cancelled
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Sell", 3]]);
    expect(w.broker.position(1, "ESZ6")).toBe(0);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    w.copier.answers.mirrorEnded("F", "ESZ6"); // a second end (the other leg) closes nothing more
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Sell", 3]]);
  });

  it("… and when the stop filled before its cancel took, nothing is closed twice", async () => {
    const { w, cancelsOn } = await entryFilledAfterLeaderLeft();
    w.broker.trade(2, "ESZ6", "Sell", 3, 501, "mm-79-2-stp"); // the cancel came too late
    await w.broker.flush();
    cancelsOn.delete(STOP_CANCELLING);
    w.copier.answers.mirrorEnded("F", "ESZ6");
    await w.broker.flush();
    w.clock.run(1);
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(ordersTo(w, "F")).toEqual([]);
  });

  it("a refused mirror's fills made up: the close waits for the cancel's end too", async () => {
    const covered = new Set(["F:90"]);
    const sizes = new Map([["F:90", 2]]);
    const cancelsOn = new Set<string>();
    const w = world(covered, new Set(), sizes, undefined, cancelsOn);
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 2, 90); // the leader's stop: F's own stop answers it
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(2);
    covered.delete("F:90");
    sizes.set("F:90", 0);
    cancelsOn.add(STOP_CANCELLING); // F's target, say, is being cancelled
    w.copier.answers.refused("F", 90, "ESZ6");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
    cancelsOn.delete(STOP_CANCELLING);
    w.copier.answers.mirrorEnded("F", "ESZ6");
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 2],
    ]);
  });
});
