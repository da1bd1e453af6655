/**
 * The copier's two issue-14 hooks: a leader fill a follower's own mirrored order answers is not
 * copied to it (a flip's opening half still is), and the follower's exits are cancelled before an
 * exit is copied (asked before the exit order is written).
 */
import { describe, expect, it } from "vitest";
import type { Sizing } from "../../data/schema.js";
import { MIRROR_FILL_REASONS } from "../../engine/copier/mirrorAnswers.js";
import { contractId } from "../copier/fakeBroker.js";
import { ordersTo, world } from "./copierWorld.js";

describe("copier hooks for the mirror", () => {
  it("a fill the follower's own order answers is skipped for it, copied to the others", async () => {
    const w = world(new Set(["F:77"]));
    w.broker.trade(1, "ESZ6", "Buy", 2, 77);
    await w.broker.flush();
    expect(
      w
        .copies()
        .filter((c) => c.outcome === "skipped" || c.outcome === "sent")
        .map((c) => [c.follower, c.outcome, c.reason]),
    ).toEqual([
      ["F", "skipped", "its own mirrored order answers it"],
      ["G2", "sent", "copied"],
    ]);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(w.broker.position(3, "ESZ6")).toBe(2);
  });

  it("a covered flip sends only its opening half (the follower's own exit closes)", async () => {
    const w = world(new Set(["F:88"]));
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Sell", 2, 500); // the follower's own stop filled
    w.broker.trade(1, "ESZ6", "Sell", 4, 88); // the leader's stop-and-reverse
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(-2);
    expect(w.broker.position(3, "ESZ6")).toBe(-2);
  });

  it("… and its mirrored exit filling after the copy of the opening half is not taken for a double", async () => {
    const w = world(new Set(["F:88"]));
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 4, 88); // the leader's stop-and-reverse; F's own stop still working
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Sell", 2, 500, "mm-88-2-st"); // F's stop fills now
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(-2);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 2],
    ]);
  });

  it("a mirrored exit's part fill after the leader went flat is left to the mirror (its rest still works)", async () => {
    const w = world(new Set(["F:90"]));
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 2, 90); // the leader's stop: F's own stop answers it
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Sell", 1, 500, "mm-90-2-st"); // one of F's two fills
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
  });

  it("a mirrored entry that fills after its leader left the position is closed at once", async () => {
    const w = world(new Set(["F:77"]));
    w.broker.trade(1, "ESZ6", "Buy", 3, 77); // the leader's entry: F's own mirror answers it
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 3, 78); // its stop, before F's entry has filled
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // F's entry fills now
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(0);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(ordersTo(w, "F")).toEqual([["Sell", 3]]);
  });

  it("… and one that fills while the leader still holds the position is left as it is", async () => {
    const w = world(new Set(["F:77"]));
    w.broker.trade(1, "ESZ6", "Buy", 3, 77);
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc");
    w.broker.trade(2, "ESZ6", "Buy", 1, 501, "mm-99-2-abd"); // a mirror of an order it never answered
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(4);
    expect(w.broker.placed.filter((p) => p.accountName === "F")).toEqual([]);
  });

  it("… and one that fills after the leader only reduced makes up that reduce (F flat when it came)", async () => {
    const w = world(new Set(["F:77"]), new Set(), new Map([["F:77", 3]]));
    w.broker.trade(1, "ESZ6", "Buy", 3, 77); // the leader's entry: F's own mirror answers it
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 1, 78); // a partial exit, before F's entry has filled
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // F's entry fills now
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(2);
    expect(w.broker.position(2, "ESZ6")).toBe(2);
    expect(ordersTo(w, "F")).toEqual([["Sell", 1]]);
    expect(
      w
        .copies()
        .filter((c) => c.outcome === "sent")
        .map((c) => [c.follower, c.reason]),
    ).toEqual([
      ["G2", "copied"],
      ["G2", "copied"],
      ["F", "reconcile"],
    ]);
  });

  it("… also when the leader added again, copied to F, before F's entry filled", async () => {
    const w = await owedThenAdded();
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // F's entry fills now
    await w.broker.flush();
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(4);
    expect(w.broker.position(2, "ESZ6")).toBe(4);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 1],
    ]);
  });

  it("… and when F's entry fills in parts, the exit stays owed until its last part", async () => {
    const w = await owedThenAdded();
    w.broker.trade(2, "ESZ6", "Buy", 1, 500, "mm-77-2-abc"); // F holds 3, the rule 4: nothing to exit
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
    w.broker.trade(2, "ESZ6", "Buy", 2, 500, "mm-77-2-abc");
    await w.broker.flush();
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(4);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 1],
    ]);
  });

  it("… and a fixed-size F's owed reduce is its own rule's, made up once its entry has filled", async () => {
    // Had F's entry of 2 filled in time, the reduce would have kept 1 of it (2 × 2/3, rounded);
    // the add is a new order: 2 more for F.
    const w = await owedThenAdded(2, { mode: "fixed", contracts: 2 });
    w.broker.trade(2, "ESZ6", "Buy", 2, 500, "mm-77-2-abc");
    await w.broker.flush();
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 2],
      ["Sell", 1],
    ]);
    expect(
      w
        .copies()
        .filter((c) => c.outcome === "sent" && c.follower === "F")
        .map((c) => c.reason),
    ).toEqual(["copied", MIRROR_FILL_REASONS.owed]);
  });

  it("… but a reduce while F's mirror was already gone unfilled is acted on: nothing made up later", async () => {
    const w = world(new Set(["F:77"]), new Set(), new Map([["F:77", 0]]));
    w.broker.trade(1, "ESZ6", "Buy", 3, 77);
    await w.broker.flush();
    w.broker.trade(1, "ESZ6", "Sell", 1, 78);
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // say, a late market order of the mirror's
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
  });

  it("a mirror whose cancel came too late fills as well as the copy of its leader's fill: the double is undone", async () => {
    const w = world(new Set(), new Set(["F:77"])); // F's mirror of 77 is being cancelled: 77's fill is copied
    const fillId = w.broker.trade(1, "ESZ6", "Buy", 3, 77);
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-77-2-abc"); // the cancel was too late
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 3],
      ["Sell", 3],
    ]);
    expect(w.copies().filter((c) => c.reason === MIRROR_FILL_REASONS.double)).toMatchObject([
      { follower: "F", outcome: "sent", fillId },
    ]);
    expect(w.events.filter((e) => e.type === "alert").map((e) => e.message)).toEqual([
      expect.stringMatching(/^F: its mirrored order on ESZ6 filled as well as the copy .*; 3 sent back$/),
    ]);
    // Undone once: a second fill of that mirror is more than was copied, so no double. But 77 is
    // done and the copy rule never counted on that fill: the line is reconciled by the rule.
    w.broker.trade(2, "ESZ6", "Buy", 1, 500, "mm-77-2-abc");
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    expect(w.copies().filter((c) => c.reason === MIRROR_FILL_REASONS.double)).toHaveLength(1);
    expect(
      w
        .copies()
        .filter((c) => c.outcome === "sent" && c.follower === "F")
        .map((c) => c.reason),
    ).toEqual(["copied", MIRROR_FILL_REASONS.double, "reconcile"]);
  });

  it("a mirror the copy rule did not count on fills after its leader's order is done: the line is put right once our orders are answered", async () => {
    // Seed 44411519 of the mirror property test: F (×0.5) holds 1 against the leader's 2.
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 1]]), { mode: "multiplier", value: 0.5 });
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    w.broker.trade(1, "ESZ6", "Sell", 1, 90); // its stop: F's rule stays at 1, so nothing is counted on F's mirror
    w.broker.trade(1, "ESZ6", "Sell", 2, 91); // a flip, sized to the 1 F held before its mirror filled
    w.broker.trade(1, "ESZ6", "Buy", 1, 92); // the leader is flat
    w.broker.trade(2, "ESZ6", "Sell", 1, 500, "mm-90-2-st"); // F's mirror of 90 filled all the same
    await w.broker.flush();
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(0);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    // The leader's close came while F's flip was on its way: F's exit waited for it, then closed
    // what F held by then (the mirror's fill included) in one order; nothing was left to reconcile.
    expect(ordersTo(w, "F")).toEqual([
      ["Buy", 1],
      ["Sell", 2],
      ["Buy", 2],
    ]);
  });

  it("… and not while its leader's order is still open: its fills to come are the mirror's to answer", async () => {
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 2]]), { mode: "multiplier", value: 0.5 });
    w.broker.trade(1, "ESZ6", "Buy", 1, 1);
    await w.broker.flush();
    w.broker.working.push({
      ...{ orderId: 90, accountId: 1, contractId: contractId("ESZ6"), contract: "ESZ6" },
      ...{ side: "Buy", orderType: "Limit", qty: 4, filledQty: 1, status: "Working" },
    });
    w.broker.trade(1, "ESZ6", "Buy", 1, 90); // a part fill: F's rule stays at 1
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 2, 500, "mm-90-2-lm"); // F's mirror fills ahead of the leader's rest
    await w.broker.flush();
    w.broker.working.splice(0);
    w.broker.trade(1, "ESZ6", "Buy", 3, 90); // the rest: F's mirror answers it
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(5);
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    expect(ordersTo(w, "F")).toEqual([["Buy", 1]]);
  });

  it("a mirror that filled where the leader's order then ended unfilled is closed: the follower never keeps what its leader never had", async () => {
    // On mimik sim: the leader's limit moved just as the price touched the follower's, then cancelled.
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 2]]));
    w.broker.trade(2, "ESZ6", "Sell", 2, 500, "mm-90-2-lm"); // F's mirror of 90 fills, the leader's does not
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(-2);
    w.broker.ended(1, 90, "ESZ6", "Canceled", 0); // the leader cancels it
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]); // after the mirror's own pass, not within the frame
    w.clock.run(1);
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(0);
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(w.broker.position(3, "ESZ6")).toBe(0);
    expect(ordersTo(w, "F")).toEqual([["Buy", 2]]);
    const resync = w.events.find((e) => e.type === "resync");
    expect(resync).toMatchObject({ cause: MIRROR_FILL_REASONS.leaderEnded("F") });
  });

  it("… also when the mirror's fill is heard after the leader's order ended (its cancel came too late)", async () => {
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 2]]));
    w.broker.ended(1, 90, "ESZ6", "Expired");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]); // its mirror still works: it may fill, nothing to settle yet
    w.broker.trade(2, "ESZ6", "Buy", 2, 500, "mm-90-2-lm");
    await w.broker.flush();
    w.clock.run(1);
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(0);
    expect(ordersTo(w, "F")).toEqual([["Sell", 2]]);
  });

  it("… and only what it filled beyond the leader's own fills of the order: a part fill copied stays", async () => {
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 3]]));
    w.broker.trade(1, "ESZ6", "Buy", 1, 90); // the leader's order fills 1 of 3: F's mirror answers it
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 3, 500, "mm-90-2-lm"); // F's fills all 3
    await w.broker.flush();
    w.broker.ended(1, 90, "ESZ6", "Canceled", 1);
    await w.broker.flush();
    w.clock.run(1);
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(1);
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    expect(ordersTo(w, "F")).toEqual([["Sell", 2]]);
  });

  it("… and not before the leader's own fills of it are in: ProjectX tells a Cancelled order ahead of its trade", async () => {
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 1]]));
    w.broker.trade(2, "ESZ6", "Buy", 1, 500, "mm-90-2-lm"); // F's mirror fills 1
    await w.broker.flush();
    w.broker.ended(1, 90, "ESZ6", "Canceled", 1); // the leader's filled 1 too, its trade told later
    await w.broker.flush();
    w.clock.run(1);
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
    w.broker.trade(1, "ESZ6", "Buy", 1, 90); // the leader's fill: F's mirror answers it
    await w.broker.flush();
    w.clock.run(1);
    await w.broker.flush();
    expect(w.broker.position(1, "ESZ6")).toBe(1);
    expect(w.broker.position(2, "ESZ6")).toBe(1);
    expect(ordersTo(w, "F")).toEqual([]);
  });

  it("… but a leader order that ends with nothing of the follower's mirror filled changes nothing", async () => {
    const w = world(new Set(["F:90"]), new Set(), new Map([["F:90", 0]]));
    w.broker.ended(1, 90, "ESZ6");
    await w.broker.flush();
    expect(ordersTo(w, "F")).toEqual([]);
    expect(w.events.filter((e) => e.type === "resync")).toEqual([]);
  });

  it("a fill copied with no mirror of its order at all: a mirror placed later is no double", async () => {
    const w = world(new Set());
    w.broker.trade(1, "ESZ6", "Buy", 1, 77); // copied: F had no mirror of 77 (say, held back)
    await w.broker.flush();
    w.broker.trade(2, "ESZ6", "Buy", 2, 500, "mm-77-2-abc"); // a mirror of 77's rest, placed since
    await w.broker.flush();
    expect(w.broker.position(2, "ESZ6")).toBe(3);
    expect(ordersTo(w, "F")).toEqual([["Buy", 1]]);
  });

  it("asks for the follower's exits to be cancelled before the exit is written, never before an opening", async () => {
    const w = world(new Set());
    w.broker.trade(1, "ESZ6", "Buy", 2, 1);
    await w.broker.flush();
    expect(w.calls).toEqual([]);
    w.broker.trade(1, "ESZ6", "Sell", 2, 2);
    expect(w.calls).toEqual([
      "beforeExit F ESZ6 (orders so far: 2)",
      "beforeExit G2 ESZ6 (orders so far: 3)",
    ]);
  });
});

/**
 * The leader's entry 77 (3) answered by F's own mirror (of `entrySize`); 1 taken off while F's
 * entry had not filled (F owes that exit); then 2 added at market, copied to F.
 */
async function owedThenAdded(entrySize = 3, sizing?: Sizing) {
  const w = world(new Set(["F:77"]), new Set(), new Map([["F:77", entrySize]]), sizing);
  w.broker.trade(1, "ESZ6", "Buy", 3, 77);
  await w.broker.flush();
  w.broker.trade(1, "ESZ6", "Sell", 1, 78);
  await w.broker.flush();
  w.broker.trade(1, "ESZ6", "Buy", 2, 79);
  await w.broker.flush();
  return w;
}
