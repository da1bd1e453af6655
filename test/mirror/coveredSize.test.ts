/**
 * A covered fill whose mirror is smaller than the step (mirror seed 28418706). The follower's exits
 * are sized to its position, so its mirror of the leader's exit can close less than the leader's
 * fill asks of it: here the leader is short 5 with an OCO of 6 (a flip to +1), and the follower's
 * mirror of that OCO is 3 (its other 2 sit on another exit). The copier copies what that mirror
 * cannot close, keeps the mirror working, and the broker's book ends where the leader's does.
 */
import { describe, expect, it } from "vitest";
import { COPY_REASONS } from "../../engine/copier/decide.js";
import { ordersTo, world } from "./copierWorld.js";

const OCO = 88;

async function shortFive() {
  const w = world(new Set([`F:${OCO}`]), new Set(), new Map([[`F:${OCO}`, 3]]));
  w.broker.trade(1, "ESZ6", "Sell", 5, 1);
  await w.broker.flush();
  expect(w.broker.position(2, "ESZ6")).toBe(-5);
  w.calls.length = 0;
  return w;
}

describe("a covered step bigger than the follower's mirror", () => {
  it("the leader's fill first: the rest of the close and the flip's opening are copied, the mirror kept", async () => {
    const w = await shortFive();
    w.broker.trade(1, "ESZ6", "Buy", 6, OCO);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([
      ["Sell", 5],
      ["Buy", 3],
    ]);
    expect(w.calls[0]).toBe("beforeExit F ESZ6 sparing 88 (orders so far: 2)");
    expect(
      w
        .copies()
        .filter((c) => c.follower === "F" && c.outcome === "sent")
        .at(-1)?.reason,
    ).toBe(COPY_REASONS.beyondMirror);
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, `mm-${OCO}-2-oco`); // its mirror fills now
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(1);
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    expect(ordersTo(w, "F")).toHaveLength(2);
  });

  it("the mirror's fill first: the leader's fill is judged from before it, and the same rest is copied", async () => {
    const w = await shortFive();
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, `mm-${OCO}-2-oco`);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Buy", 6, OCO);
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    expect(ordersTo(w, "F")).toEqual([
      ["Sell", 5],
      ["Buy", 3],
    ]);
  });

  it("the leader's order fills in parts: each copies only what the mirror has not been counted for", async () => {
    const w = await shortFive();
    w.broker.trade(1, "ESZ6", "Buy", 4, OCO); // −5 → −1: the mirror answers 3 of the 4
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Buy", 2, OCO); // −1 → +1: nothing left of it to answer
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, `mm-${OCO}-2-oco`);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([
      ["Sell", 5],
      ["Buy", 1],
      ["Buy", 2],
    ]);
    expect(w.broker.position(2, "ESZ6")).toBe(1);
  });

  it("a mirror as big as the step: only the flip's opening half is copied, as before", async () => {
    const w = world(new Set([`F:${OCO}`]), new Set(), new Map([[`F:${OCO}`, 5]]));
    w.broker.trade(1, "ESZ6", "Sell", 5, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Buy", 6, OCO);
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 5, 500, `mm-${OCO}-2-oco`);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([
      ["Sell", 5],
      ["Buy", 1],
    ]);
    expect(w.broker.position(2, "ESZ6")).toBe(1);
  });

  it("two exits the leader's fills cross (seed 82321014): the first one's mirror, not filled yet, counts for the second", async () => {
    // Leader long 5 with two sells of 3 (the second flips it); F's mirrors of them are 3 and 2.
    const w = world(
      new Set(["F:32", "F:88"]),
      new Set(),
      new Map([
        ["F:32", 3],
        ["F:88", 2],
      ]),
    );
    w.broker.trade(1, "ESZ6", "Buy", 5, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 3, 32); // 5 → 2: its mirror of 3 answers it
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 3, 88); // 2 → −1: from 2 (the first mirror's 3 still to come)
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Sell", 3, 500, "mm-32-2-a");
    w.broker.trade(2, "ESZ6", "Sell", 2, 501, "mm-88-2-b");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 5],
      ["Sell", 1],
    ]);
    expect(w.broker.position(2, "ESZ6")).toBe(-1);
  });

  it("… and an exit copied meanwhile keeps the mirrors counted on", async () => {
    const w = world(
      new Set(["F:32", "F:88"]),
      new Set(),
      new Map([
        ["F:32", 3],
        ["F:88", 1],
      ]),
    );
    w.broker.trade(1, "ESZ6", "Buy", 5, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 3, 32); // its mirror of 3 answers it, not filled yet
    await w.broker.flush();
    w.calls.length = 0;
    w.broker.trade(1, "ESZ6", "Sell", 2, 88); // 2 → 0: its mirror 1, the other 1 copied
    await w.broker.flush();
    expect(w.calls.filter((c) => c.startsWith("beforeExit F "))).toEqual([
      "beforeExit F ESZ6 sparing 88,32 (orders so far: 3)",
    ]);
    expect(ordersTo(w, "F").at(-1)).toEqual(["Sell", 1]);
  });
});
