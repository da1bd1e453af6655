import { describe, expect, it } from "vitest";
import type { AlertEvent, SyncStatusEvent } from "../../engine/types.js";
import { world } from "./harness.js";

/** Issue 12 #6: a busted leader fill reaches the copier; followers are reported and flagged. */
describe("busted fills", () => {
  it("a busted leader fill corrects the leader, reports each follower's copy and marks it out of sync", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    const fillId = w.trade("L", "ESZ6", "Buy", 2, 77);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    w.events.length = 0;
    w.session("L").emit({
      type: "fillBusted",
      connection: w.session("L").connection,
      accountId: w.id("L"),
      fillId,
      orderId: 77,
      contractId: "1",
      contract: "ESZ6",
      side: "Buy",
      qty: 2,
      price: 100,
    });
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(0);
    const alerts = w.events.filter((e): e is AlertEvent => e.type === "alert");
    expect(alerts.map((a) => a.follower)).toEqual(["A", "B"]);
    expect(alerts[0]!.message).toContain(`busted leader fill ${fillId}`);
    expect(alerts[0]!.message).toContain(`mk-${fillId}-${w.id("A")}`);
    const statuses = w.events.filter((e): e is SyncStatusEvent => e.type === "syncStatus");
    expect(statuses).toEqual([
      expect.objectContaining({ follower: "A", contract: "ESZ6", has: 2, expects: 0, inSync: false }),
      expect.objectContaining({ follower: "B", contract: "ESZ6", has: 2, expects: 0, inSync: false }),
    ]);
    // Nothing is sent by itself: the trader decides (resync closes the copy).
    expect(w.broker.placed).toHaveLength(2);
    const outcome = w.copier.resync("A");
    await w.flush();
    expect(await outcome).toMatchObject({ status: "resynced", sent: 1 });
    expect(w.broker.placed.at(-1)).toMatchObject({ accountName: "A", action: "Sell", qty: 2, exit: true });
  });

  it("a bust seen in a snapshot (history): told once, only for a fill the ledger has, the leader's position left to the sync", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    const fillId = w.trade("L", "ESZ6", "Buy", 2, 77);
    await w.flush();
    const bust = (id: number) =>
      w.session("L").emit({
        type: "fillBusted",
        connection: w.session("L").connection,
        accountId: w.id("L"),
        fillId: id,
        orderId: 77,
        contractId: "1",
        contract: "ESZ6",
        side: "Buy",
        qty: 2,
        price: 100,
        history: true,
      });
    w.events.length = 0;
    bust(fillId + 1000); // never had, never journaled: nothing to take back
    expect(w.events).toEqual([]);
    bust(fillId);
    bust(fillId); // a later snapshot, or a restart's, shows it again
    expect(w.events.filter((e) => e.type === "bust")).toEqual([
      expect.objectContaining({ account: "L", fillId }),
    ]);
    const alerts = w.events.filter((e): e is AlertEvent => e.type === "alert");
    // The leader's own (a live bust's comes from the engine), then each follower's.
    expect(alerts.map((a) => a.follower)).toEqual([undefined, "A"]);
    expect(alerts[0]!.message).toMatch(
      `L: the broker busted fill ${fillId} (BUY 2 ESZ6 @ 100) while the login was away`,
    );
    // The snapshot's positions came with the sync: the bust does not take the fill off again.
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(2);
  });

  it("a follower's own busted fill is left to its position report (no alert from the copier), and recorded", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.events.length = 0;
    w.session("A").emit({
      type: "fillBusted",
      connection: w.session("A").connection,
      accountId: w.id("A"),
      fillId: 5,
      orderId: 6,
      contractId: "1",
      contract: "ESZ6",
      side: "Sell",
      qty: 1,
      price: 100,
    });
    expect(w.events).toEqual([
      {
        type: "bust",
        at: expect.any(Number),
        account: "A",
        fillId: 5,
        orderId: 6,
        contract: "ESZ6",
        side: "Sell",
        qty: 1,
        price: 100,
      },
    ]);
  });
});

describe("exits are marked so the broker session may use the budget kept for them", () => {
  it("openings and adds are not exits; reduces and closes are", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush(); // filled: the exits are not held for openings on their way
    w.trade("L", "ESZ6", "Sell", 1);
    w.trade("L", "ESZ6", "Sell", 2);
    await w.flush();
    expect(w.broker.placed.map((p) => [p.action, p.qty, p.exit === true])).toEqual([
      ["Buy", 2, false],
      ["Buy", 1, false],
      ["Sell", 1, true],
      ["Sell", 2, true],
    ]);
  });

  it("a flip opens the other side, so it is not an exit", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush(); // filled: the flip's closing half is not held for an opening on its way
    w.trade("L", "ESZ6", "Sell", 3);
    await w.flush();
    expect(w.broker.placed.map((p) => p.exit === true)).toEqual([false, false]);
  });
});
