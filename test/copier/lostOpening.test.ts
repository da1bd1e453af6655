import { describe, expect, it } from "vitest";
import { RECONCILE_REASON, SKIP_REASONS } from "../../engine/types.js";
import { type FollowerSpec, world } from "./harness.js";

/**
 * A follower's opening copy whose answer was lost (carried out or not, the follower's events
 * lagging): the line's later leader steps wait for the account's snapshot and are then sized from
 * it, as they would have been live. Judged on the broker's book.
 */

type World = ReturnType<typeof world>;

/**
 * L buys 1 (order 1); A's copy (B ×1 beside it) goes out and its answer is lost, A's events muted:
 * carried out at the broker, or (`carriedOut` false) left working, then dropped by it unfilled.
 */
async function lostOpening(a: Partial<FollowerSpec> = {}, carriedOut = true) {
  const w = world([{ name: "g", leader: "L", followers: [{ account: "A", ...a }, { account: "B" }] }]);
  w.broker.unheard.set("A", carriedOut ? "answerLost" : "timedOut");
  w.session("A").muted = true;
  w.trade("L", "ESZ6", "Buy", 1, 1);
  await w.flush();
  w.broker.unheard.delete("A");
  w.broker.working.splice(0);
  return w;
}

async function snapshotA(w: World) {
  w.session("A").muted = false;
  w.session("A").sync(false);
  await w.flush();
}

const heldA = (w: World, fillId: number) =>
  w.copies({ follower: "A", fillId, outcome: "skipped" }).map((c) => c.reason);

describe("a later leader step on a line whose opening lost its answer waits for the account's snapshot", () => {
  it("max contracts 1, the lost opening stood: the add is not sent from the stale flat, A ends at 1", async () => {
    const w = await lostOpening({ maxContracts: 1 });
    expect(w.position("A", "ESZ6")).toBe(1); // carried out; mimik's book still has A flat
    const fillId = w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
    expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(1);
    expect(w.position("B", "ESZ6")).toBe(2);
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
  });

  it("max contracts 1, the lost opening never reached the broker: the add goes at the snapshot from flat, A ends at 1", async () => {
    const w = await lostOpening({ maxContracts: 1 }, false);
    expect(w.position("A", "ESZ6")).toBe(0);
    const fillId = w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(1);
    expect(w.copies({ follower: "A", outcome: "sent" }).at(-1)).toEqual(
      expect.objectContaining({ side: "Buy", qty: 1, reason: RECONCILE_REASON }),
    );
  });

  it("×1, the lost opening stood: the add goes late, once (A 2, not 3); had it not, the add alone (A 1: openings are never retried)", async () => {
    const stood = await lostOpening();
    stood.trade("L", "ESZ6", "Buy", 1, 2);
    await stood.flush();
    await snapshotA(stood);
    expect(stood.position("A", "ESZ6")).toBe(2);
    const lost = await lostOpening({}, false);
    lost.trade("L", "ESZ6", "Buy", 1, 2);
    await lost.flush();
    await snapshotA(lost);
    expect(lost.position("A", "ESZ6")).toBe(1);
    expect(lost.position("B", "ESZ6")).toBe(2);
  });

  it("fixed 1: a later fill of the lost opening's order is not copied at the snapshot, a new order's fill is (A 2)", async () => {
    const w = await lostOpening({ sizing: { mode: "fixed", contracts: 1 } });
    w.trade("L", "ESZ6", "Buy", 1, 1); // order 1's second fill: fixed sizing copies nothing
    w.trade("L", "ESZ6", "Buy", 1, 2); // a new order: N again
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(2);
  });

  it("the leader closes and no snapshot comes: the close waits at most the backoff's cap (30 s), then goes", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.broker.unheard.set("A", "timedOut");
    w.trade("L", "ESZ6", "Buy", 1, 1);
    await w.flush();
    w.broker.unheard.delete("A");
    w.broker.fillWorking(); // the lost opening fills later, heard: the book has A long 1
    await w.flush();
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(1);
    w.trade("L", "ESZ6", "Sell", 1, 2);
    await w.flush();
    w.clock.run(29_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
    w.clock.run(3_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
  });

  it("an add held with no snapshot in 30 s is not sent from a stale position, and the trader is told", async () => {
    const w = await lostOpening();
    w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
    const alerts = w.events.flatMap((e) =>
      e.type === "alert" && e.follower === "A" && e.message.includes("opening") ? [e.message] : [],
    );
    expect(alerts).toEqual([expect.stringContaining("no snapshot within 30 s")]);
  });

  it.each(["exits", "full"] as const)(
    "the lost opening still working at the snapshot (reconcile %s): nothing is sent beside it, and the trader is told what waited",
    async (reconcile) => {
      const w = world([
        { name: "g", leader: "L", reconcile, followers: [{ account: "A" }, { account: "B" }] },
      ]);
      w.broker.unheard.set("A", "timedOut"); // A's copy left working at the broker, its answer lost
      w.trade("L", "ESZ6", "Buy", 1, 1);
      await w.flush();
      w.broker.unheard.delete("A");
      const fillId = w.trade("L", "ESZ6", "Buy", 1, 2);
      await w.flush();
      expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
      await snapshotA(w);
      w.clock.run(60_000);
      await w.flush();
      expect(w.position("A", "ESZ6")).toBe(0);
      expect(w.broker.working.map((o) => [o.side, o.qty])).toEqual([["Buy", 1]]); // the lost one, alone
      const alerts = w.events.flatMap((e) =>
        e.type === "alert" && e.follower === "A" && e.message.includes("opening") ? [e.message] : [],
      );
      expect(alerts).toEqual([
        "A: the opening on ESZ6 that waited is not sent: our order for it whose answer was lost is still working at the broker and may yet fill (the held leader steps would take A from 0 to +1); cancel it or let it fill, then resync",
      ]);
      w.broker.fillWorking(); // it fills after all: A long 1, never 3
      await w.flush();
      expect(w.position("A", "ESZ6")).toBe(1);
      expect(w.position("B", "ESZ6")).toBe(2);
    },
  );

  it("the leader's re-sync meanwhile (reconcile full) sends nothing from A's stale flat: the snapshot settles it", async () => {
    const w = world([
      { name: "g", leader: "L", reconcile: "full", followers: [{ account: "A", maxContracts: 1 }] },
    ]);
    w.broker.unheard.set("A", "answerLost");
    w.session("A").muted = true;
    w.trade("L", "ESZ6", "Buy", 1, 1);
    await w.flush();
    w.broker.unheard.delete("A");
    w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    w.session("L").sync(false);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(1);
  });
});

describe("a held opening belongs to its leader order: one trade, and that order's later fills are the same trade", () => {
  it("after a lost close, L's order 7 opens short in two fills: the held first and the live second count one trade", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 1, 5);
    await w.flush();
    w.broker.unheard.set("A", "answerLost");
    w.session("A").muted = true;
    w.trade("L", "ESZ6", "Sell", 1, 6); // A's close carried out, its answer lost
    await w.flush();
    w.broker.unheard.delete("A");
    w.trade("L", "ESZ6", "Sell", 1, 7); // order 7's first fill: A's opening short waits
    await w.flush();
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-1);
    w.risk.set("A", { state: "ACTIVE", tradesLeft: 0 }); // that trade was A's last of the day
    w.trade("L", "ESZ6", "Sell", 1, 7); // order 7's second fill: the same trade
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(-2);
    expect(w.openings.filter(([name]) => name === "A")).toEqual([
      ["A", 5],
      ["A", 7],
    ]);
  });

  it("after a lost opening, the held add of order 2 and order 2's later fill count one trade", async () => {
    const w = await lostOpening();
    w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    await snapshotA(w);
    w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(3);
    expect(w.openings.filter(([name]) => name === "A")).toEqual([
      ["A", 1],
      ["A", 2],
    ]);
  });
});

/**
 * A line the leader's ESZ6 and MESZ6 share (toMicro): L long 1 MES and 1 ES (A copied both), then
 * L adds 1 ES, whose copy to A is carried out with its answer lost (A's events muted): A long 3
 * MES at the broker, 2 for the ES. The MES close held for A's snapshot is the MES's step, not the
 * lost ES order's: it sells the MES part alone.
 */
describe("a held MES close on a shared toMicro line after a lost ES copy", () => {
  async function sharedLineLost() {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A", mapping: "toMicro" }] }]);
    w.trade("L", "MESZ6", "Buy", 1, 1);
    w.trade("L", "ESZ6", "Buy", 1, 2);
    await w.flush();
    w.broker.unheard.set("A", "answerLost");
    w.session("A").muted = true;
    w.trade("L", "ESZ6", "Buy", 1, 3);
    await w.flush();
    w.broker.unheard.delete("A");
    expect(w.position("A", "MESZ6")).toBe(3);
    const fillId = w.trade("L", "MESZ6", "Sell", 1, 4);
    await w.flush();
    expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
    return w;
  }

  it("no snapshot in 30 s: A is sold 1 MES, not the 2 it holds for L's ES (A long 2)", async () => {
    const w = await sharedLineLost();
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(2);
    await snapshotA(w); // A's events heard again: the reconnect's re-sync keeps it there
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(2);
    expect(w.position("L", "ESZ6")).toBe(2);
  });

  it("the snapshot comes: A is sold the 1 MES, and keeps 2 for L's ES", async () => {
    const w = await sharedLineLost();
    await snapshotA(w);
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(2);
  });
});
