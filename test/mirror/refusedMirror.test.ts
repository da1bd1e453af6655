/**
 * The copier's side of a mirror its broker refused after it had answered the leader's fills
 * (they were not copied to the follower): nothing else will make them, so the line is put right
 * from where the follower stands, exits only, once; not while another mirror of the order may
 * still fill.
 */
import { describe, expect, it } from "vitest";
import { ordersTo, world } from "./copierWorld.js";

describe("a mirror refused after it answered the leader's fills", () => {
  it("the follower's exit is made up, once", async () => {
    const covered = new Set(["F:90"]);
    const sizes = new Map([["F:90", 2]]);
    const w = world(covered, new Set(), sizes);
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 2, 90); // the leader's stop: F's own stop answers it
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(2);
    covered.delete("F:90");
    sizes.set("F:90", 0);
    w.copier.answers.refused("F", 90, "ESZ6");
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    w.copier.answers.refused("F", 90, "ESZ6");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 2],
    ]);
  });

  it("nothing while another mirror of the order may still fill, nor for one that answered nothing", async () => {
    const covered = new Set(["F:90"]);
    const w = world(covered, new Set(), new Map([["F:90", 2]]));
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.copier.answers.refused("F", 90, "ESZ6"); // refused before any fill of the leader's stop
    w.broker.trade(1, "ESZ6", "Sell", 2, 90);
    await w.broker.flush();
    w.copier.answers.refused("F", 90, "ESZ6"); // its replacement (size 2) still works
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(2);
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
  });
});
