import { describe, expect, it } from "vitest";
import { RECONCILE_REASON, SKIP_REASONS } from "../../engine/types.js";
import { type GroupSpec, groupLAB, world } from "./harness.js";

/**
 * New leader steps on a follower's line while one of its orders had its answer lost (it may have
 * filled unheard, the account's events lagging): they wait for the account's next snapshot, as
 * the exit's retry does, and are settled from where the follower stands then. A carries the lost
 * answer; B (half) and A's other contract go on untouched.
 */

/** L and A long `qty` ESZ6 (B half); L sells `sold`: A's sell is carried out, its answer lost, A's events muted. */
async function lostSell(qty: number, sold: number, reconcile?: GroupSpec["reconcile"]) {
  const w = world([groupLAB(reconcile ? { reconcile } : {})]);
  w.trade("L", "ESZ6", "Buy", qty);
  await w.flush();
  w.broker.unheard.set("A", "answerLost");
  w.session("A").muted = true; // its fill is not heard: the book still has A long `qty`
  w.trade("L", "ESZ6", "Sell", sold);
  await w.flush();
  w.broker.unheard.delete("A");
  return { w, placed: w.broker.placed.length };
}

/** A's account snapshot comes (the ProjectX re-read, a reconnect): its events heard again. */
async function snapshotA(w: ReturnType<typeof world>) {
  w.session("A").muted = false;
  w.session("A").sync(false);
  await w.flush();
}

const heldA = (w: ReturnType<typeof world>, fillId: number) =>
  w.copies({ follower: "A", fillId, outcome: "skipped" }).map((c) => c.reason);

describe("a new leader step on a line whose order lost its answer waits for the account's snapshot", () => {
  it("L closes the rest: A is not sold again from its stale long 2 (short 1); the snapshot closes the 1 it holds", async () => {
    const { w, placed } = await lostSell(2, 1);
    expect(w.position("A", "ESZ6")).toBe(1); // carried out; mimik still believes long 2
    const fillId = w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.broker.placed.slice(placed).map((o) => o.accountName)).toEqual(["B"]);
    expect(w.position("A", "ESZ6")).toBe(1);
    expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
    w.clock.run(10_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(1); // nothing went for A before its snapshot
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(0);
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([
      expect.objectContaining({ action: "Sell", qty: 1 }),
    ]);
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.copier.exitsPending()).toBe(0);
  });

  it("L buys back what it sold: the snapshot finds A long 1 and buys the 1 back (mimik thought it was there)", async () => {
    const { w, placed } = await lostSell(2, 1);
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush();
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(2);
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(2);
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
  });

  it("L closes then opens short: the opening waits too, and goes after the snapshot from flat (not doubled)", async () => {
    const { w, placed } = await lostSell(1, 1);
    expect(w.position("A", "ESZ6")).toBe(0); // carried out; mimik still believes long 1
    const fillId = w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0); // sold 2 from "long 1" would have left it short 2
    expect(heldA(w, fillId)).toEqual([SKIP_REASONS.lostAnswer]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-1);
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(-1);
    expect(w.copies({ follower: "A", outcome: "sent" }).at(-1)).toEqual(
      expect.objectContaining({ side: "Sell", qty: 1, reason: RECONCILE_REASON }),
    );
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toHaveLength(1);
    w.clock.run(60_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(-1);
  });

  it("… and when the lost close did not fill, the snapshot flips A from long 1 to short 1 in one order", async () => {
    const w = world([groupLAB()]);
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush();
    w.broker.unheard.set("A", "timedOut"); // left working at the broker…
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.broker.unheard.delete("A");
    w.broker.working.splice(0); // …then dropped by it: never filled
    const placed = w.broker.placed.length;
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-1);
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([
      expect.objectContaining({ action: "Sell", qty: 2 }),
    ]);
  });

  it("A's other contract and the other follower are copied at once meanwhile", async () => {
    const { w, placed } = await lostSell(2, 2);
    w.trade("L", "ESZ6", "Buy", 2);
    w.trade("L", "NQZ6", "Buy", 1);
    await w.flush();
    const sent = w.broker.placed.slice(placed).map((o) => [o.accountName, o.symbol, o.action, o.qty]);
    expect(sent).toEqual([
      ["B", "ESZ6", "Buy", 1],
      ["A", "NQZ6", "Buy", 1],
      ["B", "NQZ6", "Buy", 1],
    ]);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(2); // its lost close was carried out: the re-entry goes late
    expect(w.position("A", "NQZ6")).toBe(1);
  });

  it("with no snapshot within the backoff's cap (30 s), the held close goes from the position as known, the held opening does not", async () => {
    const { w, placed } = await lostSell(1, 1);
    w.trade("L", "ESZ6", "Sell", 1); // a close, then an opening short 1, both held
    await w.flush();
    w.clock.run(29_000);
    await w.flush();
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([]);
    w.clock.run(2_000);
    await w.flush();
    // As known, A is long 1: its exit goes (b09cd5f's bound); the opening, sized from a position
    // that may be stale, is not sent: late or never, not doubled.
    expect(w.broker.placed.slice(placed).filter((o) => o.accountName === "A")).toEqual([
      expect.objectContaining({ action: "Sell", qty: 1 }),
    ]);
  });
});

/** What the trader was told of a held opening that did not go. */
const alerts = (w: ReturnType<typeof world>, follower: string) =>
  w.events.flatMap((e) =>
    e.type === "alert" && e.follower === follower && e.message.includes("opening") ? [e.message] : [],
  );

/** A (group g, follows L) and C (group h, follows M) at one firm: the hedge guard judges them together. */
function firmWorld(reconcile?: GroupSpec["reconcile"]) {
  const w = world([groupLAB({ reconcile }), { name: "h", leader: "M", followers: [{ account: "C" }] }]);
  const next = structuredClone(w.config);
  for (const a of next.accounts) if (a.name === "A" || a.name === "C") a.firm = "Apex";
  w.setConfig(next);
  w.copier.setConfig(next);
  return w;
}

describe("a held opening is an opening: the day's trades and the hedge guard judge it, and it counts", () => {
  it("sent at the snapshot, it counts as one of A's trades today", async () => {
    const { w } = await lostSell(1, 1);
    w.openings.splice(0);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-1);
    expect(w.openings.map(([name]) => name)).toEqual(["B", "A"]);
  });

  it("A's last trade of the day went meanwhile: the held opening is not sent, and the trader is told why", async () => {
    const { w } = await lostSell(1, 1);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.risk.set("A", { state: "ACTIVE", tradesLeft: 0 });
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(alerts(w, "A")).toEqual([expect.stringContaining(SKIP_REASONS.maxTrades)]);
  });

  it("another follower of A's firm went long meanwhile: the held short is not sent (hedge guard)", async () => {
    const w = firmWorld();
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush();
    w.broker.unheard.set("A", "answerLost");
    w.session("A").muted = true;
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.broker.unheard.delete("A");
    w.trade("L", "ESZ6", "Sell", 1); // A's opening short 1 waits for its snapshot
    await w.flush();
    w.trade("M", "ESZ6", "Buy", 1);
    await w.flush();
    expect(w.position("C", "ESZ6")).toBe(1);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(alerts(w, "A")).toEqual([expect.stringContaining(SKIP_REASONS.hedgeGuard)]);
  });

  it('reconcile "full": an opening made up counts as a trade, and the hedge guard holds one back', async () => {
    const w = firmWorld("full");
    w.down.add("A");
    w.session("A").muted = true;
    w.trade("L", "NQZ6", "Buy", 1);
    w.trade("L", "ESZ6", "Sell", 1);
    w.trade("M", "ESZ6", "Buy", 1);
    await w.flush();
    w.openings.splice(0);
    w.down.delete("A");
    w.session("A").muted = false;
    w.session("A").sync(false);
    await w.flush();
    expect(w.position("A", "NQZ6")).toBe(1);
    expect(w.position("A", "ESZ6")).toBe(0); // C is long ES at the same firm
    expect(w.openings.map(([name]) => name)).toEqual(["A"]);
  });
});

describe("the leader's re-sync while a line waits for the follower's snapshot", () => {
  it.each([
    ["the leader where mimik saw it: the held opening still goes at A's snapshot", undefined],
    ['reconcile "full": nothing is sent from A\'s stale long 1 (it would end short 2)', "full" as const],
  ])("%s", async (_, reconcile) => {
    const { w } = await lostSell(1, 1, reconcile);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.session("L").sync(false);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-1);
  });

  it("the leader covered while mimik could not see it: the opening is dropped at A's snapshot, and the trader is told", async () => {
    const { w } = await lostSell(1, 1);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.session("L").muted = true;
    w.trade("L", "ESZ6", "Buy", 1);
    w.session("L").muted = false;
    w.session("L").sync(false);
    await w.flush();
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(alerts(w, "A")).toEqual([expect.stringContaining("opening")]);
  });
});

describe("a held opening never goes stale", () => {
  /** reconcile off: A's opening short 1 held, its snapshot settles nothing. */
  async function heldWhileOff() {
    const { w } = await lostSell(1, 1, "off");
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
    return w;
  }
  function reconcile(w: ReturnType<typeof world>, mode: GroupSpec["reconcile"]) {
    const next = structuredClone(w.config);
    next.groups[0]!.reconcile = mode;
    w.setConfig(next);
    w.copier.setConfig(next);
  }

  it("the leader's login down at A's snapshot and back a minute later: the opening is not sent then, the trader told", async () => {
    const { w } = await lostSell(1, 1);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    w.down.add("L");
    await snapshotA(w); // the leader's position unknown: nothing is settled yet
    w.clock.run(60_000);
    await w.flush();
    w.down.delete("L");
    w.session("L").sync(false);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(alerts(w, "A")).toEqual([expect.stringContaining("no re-sync within 30 s")]);
  });

  it('reconcile "off", then "exits" an hour later: A\'s re-sync opens nothing', async () => {
    const w = await heldWhileOff();
    reconcile(w, "exits");
    w.clock.run(3_600_000);
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it('… nor, after the leader moved on and A followed it live, "full": A keeps what it copied', async () => {
    const w = await heldWhileOff();
    w.trade("L", "ESZ6", "Buy", 1);
    w.trade("L", "ESZ6", "Sell", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(-2);
    reconcile(w, "full");
    await snapshotA(w);
    expect(w.position("A", "ESZ6")).toBe(-2);
  });
});
