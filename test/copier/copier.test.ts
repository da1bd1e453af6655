import { describe, expect, it } from "vitest";
import { Copier } from "../../engine/copier/copier.js";
import { COPY_REASONS, closeOnlyReason } from "../../engine/copier/decide.js";
import { MAX_LIVE_ORDERS } from "../../engine/copier/followerBook.js";
import { REFUSALS } from "../../engine/outcome.js";
import type { FillEvent } from "../../engine/types.js";
import { DEFAULT_MAX_CONTRACTS, SKIP_REASONS } from "../../engine/types.js";
import { timedOutClose, world } from "./harness.js";

const half = { mode: "multiplier", value: 0.5 } as const;

describe("copying leader fills", () => {
  it("a leader fill sends every follower its order, then reports; the broker ends where the rule says", async () => {
    const w = world([
      {
        name: "g",
        leader: "L",
        followers: [{ account: "A" }, { account: "B", sizing: { mode: "multiplier", value: 2 } }],
      },
    ]);
    let placedWhenReported = -1;
    const emit = w.events.push.bind(w.events);
    w.events.push = (...items) => {
      if (placedWhenReported < 0 && items.some((e) => e.type === "leaderFill")) {
        placedWhenReported = w.broker.placed.length;
      }
      return emit(...items);
    };
    const fillId = w.trade("L", "ESZ6", "Buy", 2);
    // Orders for every follower were written before the first event went out.
    expect(placedWhenReported).toBe(2);
    expect(w.broker.placed.map((p) => [p.accountName, p.symbol, p.action, p.qty, p.clOrdId])).toEqual([
      ["A", "ESZ6", "Buy", 2, `mk-${fillId}-${w.id("A")}`],
      ["B", "ESZ6", "Buy", 4, `mk-${fillId}-${w.id("B")}`],
    ]);
    const kinds = w.events.map((e) => (e.type === "copy" ? `${e.follower}:${e.outcome}` : e.type));
    expect(kinds.slice(0, 3)).toEqual(["leaderFill", "A:sent", "B:sent"]);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    expect(w.position("B", "ESZ6")).toBe(4);
    expect(w.copies({ follower: "A", outcome: "accepted" })).toHaveLength(1);
    expect(w.copies({ follower: "A", outcome: "filled" })).toEqual([
      expect.objectContaining({ qty: 2, fillId, clOrdId: `mk-${fillId}-${w.id("A")}` }),
    ]);
  });

  it("a bug met on one follower's copy costs the other followers nothing", async () => {
    const w = world([
      { name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }, { account: "C" }] },
    ]);
    // B's risk gate throws when read: a stand-in for any bug on one follower's path.
    const broken = {};
    Object.defineProperty(broken, "state", {
      get() {
        throw new Error("boom");
      },
    });
    w.risk.set("B", broken as never);
    const fillId = w.trade("L", "ESZ6", "Buy", 2);
    expect(w.copies({ follower: "B" })).toEqual([
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.internalError, fillId }),
    ]);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    expect(w.position("B", "ESZ6")).toBe(0);
    expect(w.position("C", "ESZ6")).toBe(2);
    // A and C were recorded as usual: the leader's close is copied to them and not to B.
    w.risk.delete("B");
    w.trade("L", "ESZ6", "Sell", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("C", "ESZ6")).toBe(0);
  });

  it("m=0.5, leader buys 5 in fills 1+3+1 → follower +1, +1, +1", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A", sizing: half }] }]);
    w.trade("L", "ESZ6", "Buy", 1, 7);
    w.trade("L", "ESZ6", "Buy", 3, 7);
    w.trade("L", "ESZ6", "Buy", 1, 7);
    expect(w.broker.placed.map((p) => p.qty)).toEqual([1, 1, 1]);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(3);
  });

  it("quick leader exits before the follower's opening filled: they wait for it, nothing over-closes", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 3);
    w.trade("L", "ESZ6", "Sell", 1); // reduce 3 → 2 while +3 is still in flight
    w.trade("L", "ESZ6", "Sell", 2); // flat
    // The +3 may yet die: nothing is sold before it fills, then the exit goes whole.
    expect(w.broker.placed.map((p) => `${p.action} ${p.qty}`)).toEqual(["Buy 3"]);
    await w.flush();
    expect(w.broker.placed.map((p) => `${p.action} ${p.qty}`)).toEqual(["Buy 3", "Sell 3"]);
    expect(w.position("A", "ESZ6")).toBe(0);
    // once more: a close right after an open, nothing filled in between
    w.trade("L", "ESZ6", "Sell", 2);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it("an exit held for an add on its way is not tried while that add and our sell are both live (they net to 0)", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    w.broker.unheard.set("A", "lost"); // the add: accepted, never filled (its rejection yet to come)
    w.trade("L", "ESZ6", "Buy", 2);
    w.trade("L", "ESZ6", "Sell", 4); // the 2 it holds go now; the rest waits for the add
    await w.broker.step(); // the add's acceptance: +2 and −2 live, nothing settled yet
    w.broker.unheard.delete("A");
    await w.broker.step();
    // Before, the held rest was tried at the acceptance (live quantity summed to 0) and sold 2 more.
    expect(w.broker.placed.map((p) => `${p.action} ${p.qty}`)).toEqual(["Buy 2", "Buy 2", "Sell 2"]);
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it("a fill that arrives before the ack and without our clOrdId is still matched", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.broker.fillBeforeAck = true;
    w.broker.hideClOrdId = true;
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(2);
    w.trade("L", "ESZ6", "Sell", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(0);
  });

  it("reduces keep the follower's fraction (F=3, L 4→2 → 2) and the flat leader closes it all", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A", sizing: half }] }]);
    w.trade("L", "ESZ6", "Buy", 5); // T(5) = 3
    await w.flush();
    w.trade("L", "ESZ6", "Sell", 1); // L 5→4: round(3·4/5)=2.4 → 2
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    w.trade("L", "ESZ6", "Sell", 4);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it("flip: F=+2, L +4 → −2, m=0.5 → one sell of 3; and back from the short side", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A", sizing: half }] }]);
    w.trade("L", "ESZ6", "Buy", 4);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    w.trade("L", "ESZ6", "Sell", 6);
    expect(w.broker.placed.at(-1)).toEqual(expect.objectContaining({ action: "Sell", qty: 3 }));
    expect(w.copies({ outcome: "sent" }).at(-1)).toEqual(expect.objectContaining({ kind: "flip" }));
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(-1);
    w.trade("L", "ESZ6", "Buy", 8); // −2 → +6: close 1, open T(6)=3
    expect(w.broker.placed.at(-1)).toEqual(expect.objectContaining({ action: "Buy", qty: 4 }));
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(3);
  });

  it("manual trades on a follower are not copied, and the next close flattens them too", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.trade("L", "ESZ6", "Buy", 1);
    await w.flush();
    w.trade("A", "ESZ6", "Buy", 2); // the trader clicks on A
    expect(w.broker.placed).toHaveLength(2);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
  });

  it("fixed size: N on the first fill of each opening order, nothing on its later fills", async () => {
    const w = world([
      { name: "g", leader: "L", followers: [{ account: "A", sizing: { mode: "fixed", contracts: 2 } }] },
    ]);
    w.trade("L", "ESZ6", "Buy", 1, 100);
    w.trade("L", "ESZ6", "Buy", 2, 100);
    w.trade("L", "ESZ6", "Buy", 1, 101);
    expect(w.broker.placed.map((p) => p.qty)).toEqual([2, 2]);
    expect(w.copies({ outcome: "skipped" })).toEqual([
      expect.objectContaining({ reason: SKIP_REASONS.fixedLaterFill, kind: "add" }),
    ]);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(4);
  });

  it("max contracts caps an add (cap 3, follower 2 → +1) and never a close", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A", maxContracts: 3 }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    w.trade("L", "ESZ6", "Buy", 2);
    expect(w.copies({ outcome: "sent" }).map((c) => [c.qty, c.reason])).toEqual([
      [2, COPY_REASONS.copied],
      [1, COPY_REASONS.capped],
    ]);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.copies({ outcome: "skipped" }).at(-1)?.reason).toBe(SKIP_REASONS.maxContracts);
    w.trade("L", "ESZ6", "Sell", 5);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it("maps NQ to MNQ for a micro follower, same month, size from the rule", async () => {
    const w = world([
      {
        name: "g",
        leader: "L",
        followers: [
          { account: "A", mapping: "toMicro", sizing: { mode: "multiplier", value: 3 } },
          { account: "B", mapping: "toMini" },
        ],
      },
    ]);
    w.trade("L", "NQZ6", "Buy", 1);
    w.trade("L", "MESH7", "Sell", 2);
    expect(w.broker.placed.map((p) => `${p.accountName} ${p.symbol} ${p.action} ${p.qty}`)).toEqual([
      "A MNQZ6 Buy 3",
      "B NQZ6 Buy 1",
      "A MESH7 Sell 6",
      "B ESH7 Sell 2",
    ]);
    await w.flush();
    w.trade("L", "NQZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MNQZ6")).toBe(0);
    expect(w.position("B", "NQZ6")).toBe(0);
  });
});

describe("two leader contracts on one follower line (toMicro: ESZ6 and MESZ6 both to MESZ6)", () => {
  const merged = (whitelist?: string[]) =>
    world([
      {
        name: "g",
        leader: "L",
        ...(whitelist ? { whitelist: { enabled: true, symbols: whitelist } } : {}),
        followers: [{ account: "A", mapping: "toMicro" }],
      },
    ]);

  it("the leader's MES scalp, never let open by the whitelist, closes nothing A holds for ES", async () => {
    const w = merged(["ES"]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    w.trade("L", "MESZ6", "Buy", 1);
    await w.flush();
    w.trade("L", "MESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(2);
    w.trade("L", "ESZ6", "Sell", 2);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(0);
  });

  it("each leader contract's exit takes its own part; the last one leaves A flat", async () => {
    const w = merged();
    w.trade("L", "ESZ6", "Buy", 1);
    w.trade("L", "MESZ6", "Buy", 2);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(3);
    w.trade("L", "MESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(2);
    w.trade("L", "ESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(1);
    w.trade("L", "MESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(0);
  });
});

describe("a sanity bound on size", () => {
  it("a 100 000-lot leader fill is copied up to the default cap; re-sync and resync expect no more", async () => {
    const w = world([
      { name: "g", leader: "L", followers: [{ account: "A" }, { account: "B", maxContracts: 200 }] },
    ]);
    w.trade("L", "ESZ6", "Buy", 100_000);
    expect(w.broker.placed.map((p) => [p.accountName, p.qty])).toEqual([
      ["A", DEFAULT_MAX_CONTRACTS],
      ["B", 200],
    ]);
    expect(w.copies({ follower: "A", outcome: "sent" })[0]?.reason).toBe(COPY_REASONS.defaultCapped);
    await w.flush();
    w.session("A").sync(false);
    expect(w.events.filter((e) => e.type === "syncStatus")).toEqual([]);
    expect(await w.copier.resync("A")).toEqual({ target: "A", status: "in sync" });
    w.trade("L", "ESZ6", "Sell", 100_000);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
  });
});

describe("orders in flight", () => {
  it(`a follower whose broker leaves ${MAX_LIVE_ORDERS} orders unanswered is refused new copies, never forgets one`, async () => {
    const w = world([
      {
        name: "g",
        leader: "L",
        followers: [
          { account: "A", maxContracts: 5000 },
          { account: "B", maxContracts: 5000 },
        ],
      },
    ]);
    w.session("A").muted = true; // A's fills never arrive: its orders stay live
    for (let n = 0; n < MAX_LIVE_ORDERS; n++) {
      w.trade("L", "ESZ6", "Buy", 1);
      if (n % 100 === 99) await w.flush();
    }
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(MAX_LIVE_ORDERS);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.copies({ follower: "A" }).at(-1)).toEqual(
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.ordersBacklog }),
    );
    expect(w.copies({ follower: "B" }).at(-1)?.outcome).toBe("sent");
    expect(await w.copier.resync("A")).toEqual(
      expect.objectContaining({ status: "refused", reason: REFUSALS.ordersBacklog }),
    );
    // A's login comes back: the snapshot holds what its orders did, and copying resumes.
    w.session("A").muted = false;
    w.session("A").sync(false);
    w.trade("L", "ESZ6", "Sell", MAX_LIVE_ORDERS + 1);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
  });
});

describe("gates with their reasons, and exits never blocked", () => {
  it("group inactive skips everyone with the reason; live reload applies on the next fill", () => {
    const w = world([
      { name: "g", leader: "L", active: false, followers: [{ account: "A" }, { account: "B" }] },
    ]);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.broker.placed).toEqual([]);
    expect(w.copies({ outcome: "skipped" }).map((c) => [c.follower, c.reason])).toEqual([
      ["A", SKIP_REASONS.groupPaused],
      ["B", SKIP_REASONS.groupPaused],
    ]);
    const next = structuredClone(w.config);
    next.groups[0]!.active = true;
    w.setConfig(next);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.broker.placed).toHaveLength(2);
  });

  it("a disabled follower is skipped, the others are unaffected", () => {
    const w = world([
      { name: "g", leader: "L", followers: [{ account: "A", enabled: false }, { account: "B" }] },
    ]);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.broker.placed.map((p) => p.accountName)).toEqual(["B"]);
    expect(w.copies({ follower: "A" })).toEqual([
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.followerDisabled }),
    ]);
  });

  it("a pause or a disable stops openings only: the close of a held position still follows", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.trade("L", "ESZ6", "Buy", 3);
    await w.flush();
    const next = structuredClone(w.config);
    next.groups[0]!.active = false;
    next.groups[0]!.followers[1]!.enabled = false;
    w.setConfig(next);
    w.trade("L", "ESZ6", "Buy", 1); // an add: held back for both
    w.trade("L", "ESZ6", "Sell", 2); // a reduce: followed
    w.trade("L", "ESZ6", "Sell", 4); // a flip to -2: the close half only
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
    expect(w.copies({ follower: "A", outcome: "skipped" }).map((c) => c.reason)).toEqual([
      SKIP_REASONS.groupPaused,
    ]);
    expect(w.copies({ follower: "A", outcome: "sent" }).map((c) => [c.kind, c.qty, c.reason])).toEqual([
      ["open", 3, "copied"],
      ["reduce", 1, "copied"],
      ["close", 2, closeOnlyReason(SKIP_REASONS.groupPaused)],
    ]);
  });

  it("a disconnected follower is skipped and never replayed", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.down.add("A");
    w.trade("L", "ESZ6", "Buy", 2);
    w.down.delete("A");
    await w.flush();
    expect(w.copies({ follower: "A" })).toEqual([
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.disconnected }),
    ]);
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(2);
  });

  it("LIQUIDATE_ONLY: openings skipped as 'liquidate only', exits left to the flatten under way", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    w.risk.set("A", { state: "LIQUIDATE_ONLY", brokerLocked: false });
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.copies({ outcome: "skipped" }).at(-1)?.reason).toBe(SKIP_REASONS.liquidateOnly);
    w.trade("L", "ESZ6", "Sell", 3);
    await w.flush();
    expect(w.copies({ outcome: "skipped" }).at(-1)?.reason).toBe(SKIP_REASONS.flattening);
    expect(w.position("A", "ESZ6")).toBe(2);
  });

  it.each([
    ["LOCKED", false, SKIP_REASONS.locked],
    ["ACTIVE", true, SKIP_REASONS.brokerLocked],
  ] as const)(
    "%s (broker lock %s): openings skipped as '%s', closes still go out",
    async (state, brokerLocked, reason) => {
      const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
      w.trade("L", "ESZ6", "Buy", 2);
      await w.flush();
      w.risk.set("A", { state, brokerLocked });
      w.trade("L", "ESZ6", "Buy", 1);
      expect(w.copies({ outcome: "skipped" }).at(-1)?.reason).toBe(reason);
      w.trade("L", "ESZ6", "Sell", 1);
      w.trade("L", "ESZ6", "Sell", 2);
      await w.flush();
      expect(w.position("A", "ESZ6")).toBe(0);
    },
  );

  it("whitelist ES holds back MES openings (MESZ6 is MES, not ES) but never their close", async () => {
    const w = world([
      {
        name: "g",
        leader: "L",
        whitelist: { enabled: true, symbols: ["ES"] },
        followers: [{ account: "A" }],
      },
    ]);
    w.trade("L", "ESZ6", "Buy", 1);
    w.trade("L", "MESZ6", "Buy", 1);
    expect(w.broker.placed.map((p) => p.symbol)).toEqual(["ESZ6"]);
    expect(w.copies({ contract: "MESZ6" })).toEqual([
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.notWhitelisted }),
    ]);
    await w.flush();
    w.trade("A", "MESZ6", "Buy", 1); // the trader opens MES by hand
    w.trade("L", "MESZ6", "Sell", 1);
    await w.flush();
    expect(w.position("A", "MESZ6")).toBe(0);
  });

  it("max trades per day: risk hears once per leader order; a later fill of a counted order passes", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 1, 500);
    w.risk.set("A", { state: "ACTIVE", tradesLeft: 0 });
    w.trade("L", "ESZ6", "Buy", 1, 500);
    w.trade("L", "ESZ6", "Buy", 1, 501);
    expect(w.openings).toEqual([["A", 500]]);
    expect(w.broker.placed).toHaveLength(2);
    expect(w.copies({ outcome: "skipped" }).at(-1)?.reason).toBe(SKIP_REASONS.maxTrades);
  });

  it("a follower's reject does not touch the others; the broker's reason is reported", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.broker.rejecting.add("A");
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    expect(w.copies({ follower: "A", outcome: "rejected" })).toEqual([
      expect.objectContaining({ reason: "RiskCheckFailed: simulated reject" }),
    ]);
    expect(w.events).toContainEqual(expect.objectContaining({ type: "alert", level: "warn", follower: "A" }));
    expect(w.position("B", "ESZ6")).toBe(2);
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(0);
  });

  it("an order rejected after it was accepted frees its in-flight quantity", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    const clOrdId = w.broker.placed[0]!.clOrdId;
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(2);
    w.session("A").emit({
      type: "orderStatus",
      connection: w.session("A").connection,
      accountId: w.id("A"),
      orderId: 1,
      contractId: "1",
      status: "Rejected",
      clOrdId,
      rejectReason: "Insufficient margin",
    });
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(0);
    expect(w.copies({ outcome: "rejected" })).toEqual([
      expect.objectContaining({ reason: "Insufficient margin" }),
    ]);
  });
});

describe("at most once, ever", () => {
  it("a repeated fill event is copied once", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    let last: FillEvent | undefined;
    w.session("L").on((e) => {
      if (e.type === "fill") last = e;
    });
    w.trade("L", "ESZ6", "Buy", 1);
    w.copier.onBrokerEvent(last!);
    expect(w.broker.placed).toHaveLength(1);
    expect(w.events.filter((e) => e.type === "leaderFill")).toHaveLength(1);
  });

  it("a fill already in the ledger (a restart) is not copied", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.ledger.add(`${w.session("L").connection}:10000`);
    const fillId = w.trade("L", "ESZ6", "Buy", 1);
    expect(fillId).toBe(10000);
    expect(w.broker.placed).toEqual([]);
    expect(w.ledger.keys.size).toBe(1);
  });

  it("the ledger hears every fill acted on, keyed connection:fillId", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    const fillId = w.trade("L", "ESZ6", "Buy", 1);
    expect([...w.ledger.keys]).toEqual([`${w.session("L").connection}:${fillId}`]);
  });

  it("fills in a sync snapshot are history, even if the same fill shows up later as an event", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.session("L").sync(false, [10000]);
    w.trade("L", "ESZ6", "Buy", 1);
    expect(w.broker.placed).toEqual([]);
  });
});

describe("reconnects: nothing replayed, differences shown, resync on request", () => {
  it("a follower back from a disconnect is marked OUT OF SYNC and resync sends the difference", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    w.down.add("A");
    w.session("A").muted = true;
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    w.down.delete("A");
    w.session("A").muted = false;
    w.session("A").sync(false);
    expect(w.events.filter((e) => e.type === "syncStatus")).toEqual([
      expect.objectContaining({ follower: "A", contract: "ESZ6", has: 0, expects: 2, inSync: false }),
    ]);
    // B was never away: nothing is announced for it, and it holds what the rule expects.
    expect(w.copier.followerPosition("A", "ESZ6")).toBe(0);
    expect(w.copier.followerPosition("B", "ESZ6")).toBe(2);
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(2);
    const pending = w.copier.resync("A");
    expect(w.broker.placed.at(-1)).toEqual(
      expect.objectContaining({ accountName: "A", action: "Buy", qty: 2 }),
    );
    expect(w.broker.placed.at(-1)?.clOrdId).toMatch(/^mk-rs-/);
    await w.flush();
    expect(await pending).toEqual(expect.objectContaining({ status: "resynced", sent: 1 }));
    expect(w.position("A", "ESZ6")).toBe(2);
    expect(w.events.filter((e) => e.type === "syncStatus").at(-1)).toEqual(
      expect.objectContaining({ follower: "A", inSync: true }),
    );
    expect(await w.copier.resync("A")).toEqual({ target: "A", status: "in sync" });
  });

  it("resync refuses a line with a close whose answer timed out while the broker still works it", async () => {
    const { w, placed } = await timedOutClose();
    w.session("A").sync(false);
    await w.flush();
    expect(await w.copier.resync("A")).toEqual(
      expect.objectContaining({ status: "refused", reason: `${REFUSALS.answerLost} ESZ6` }),
    );
    expect(w.broker.placed).toHaveLength(placed);
    w.broker.fillWorking();
    await w.flush();
    expect(await w.copier.resync("A")).toEqual({ target: "A", status: "in sync" });
    expect(w.position("A", "ESZ6")).toBe(0);
  });

  it("resync refuses a locked follower (it follows exits only, and owes none) and a disconnected one", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.down.add("A");
    w.trade("L", "ESZ6", "Buy", 2);
    expect(await w.copier.resync("A")).toEqual(
      expect.objectContaining({ status: "refused", reason: REFUSALS.disconnected }),
    );
    w.down.delete("A");
    w.risk.set("A", { state: "LOCKED" });
    const result = await w.copier.resync("A");
    expect(result.status).toBe("refused");
    expect(result.reason).toBe(`locked: ${REFUSALS.standsAside}`);
    expect(w.broker.placed).toEqual([]);
    expect(await w.copier.resync("nobody")).toEqual(expect.objectContaining({ status: "refused" }));
  });

  it("leader reconnect: what it did while down is not copied, every follower is flagged for a look", async () => {
    const w = world([
      { name: "g", leader: "L", followers: [{ account: "A" }, { account: "B", sizing: half }] },
    ]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    w.session("L").muted = true;
    const missed = w.trade("L", "ESZ6", "Buy", 2);
    w.session("L").muted = false;
    w.session("L").sync(false, [missed]);
    expect(w.broker.placed).toHaveLength(2);
    expect(w.events).toContainEqual(expect.objectContaining({ type: "alert", level: "warn", group: "g" }));
    expect(w.events.filter((e) => e.type === "syncStatus")).toEqual([
      expect.objectContaining({ follower: "A", has: 2, expects: 4, inSync: false }),
      expect.objectContaining({ follower: "B", has: 1, expects: 2, inSync: false }),
    ]);
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(4);
    // later fills follow the rule from the new leader position
    w.trade("L", "ESZ6", "Sell", 4);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
    expect(w.position("B", "ESZ6")).toBe(0);
  });
});

describe("the leader is never traded", () => {
  it("a follower that resolves to the leader's account is refused at the gateway, loudly", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }, { account: "B" }] }]);
    // A broken wiring: A's name resolves to the leader's id on the leader's connection.
    const copier = new Copier({
      clock: w.clock,
      emit: (e) => w.events.push(e),
      gateway: w.gateway,
      accounts: {
        ...w.accounts,
        route: (name) =>
          name === "A"
            ? { session: w.session("L"), accountId: w.id("L") }
            : { session: w.session(name), accountId: w.id(name) },
        connected: () => true,
      },
      gate: () => ({ state: "ACTIVE" }),
      ledger: w.ledger,
    });
    w.session("L").sync(true);
    copier.onBrokerEvent({
      type: "fill",
      connection: w.session("L").connection,
      accountId: w.id("L"),
      fillId: 1,
      orderId: 1,
      contractId: "1",
      contract: "ESZ6",
      side: "Buy",
      qty: 1,
      price: 1,
      ts: 0,
      receivedAt: 0,
    });
    expect(w.broker.placed.filter((p) => p.accountId === w.id("L"))).toEqual([]);
    expect(w.broker.placed.map((p) => p.accountName)).toContain("B");
    expect(w.events).toContainEqual(expect.objectContaining({ type: "alert", level: "error" }));
    expect(w.copies({ follower: "A", fillId: 1 })).toEqual([
      expect.objectContaining({ outcome: "skipped", reason: SKIP_REASONS.leaderGuard }),
    ]);
  });
});

describe("latency", () => {
  it("reports fill → written → ack → follower fill over every follower, and each copy's own", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 1);
    w.clock.advance(3);
    await w.flush();
    expect(w.gateway.latency("written")).toEqual({ p50: 3, p99: 3, count: 1 });
    expect(w.gateway.latency("ack").count).toBe(1);
    expect(w.gateway.latency("filled")).toEqual({ p50: 3, p99: 3, count: 1 });
    expect(w.copies({ outcome: "filled" })[0]?.latencyMs).toBe(3);
  });
});

describe("bad input", () => {
  it("a malformed fill is ignored without a crash", () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.copier.onBrokerEvent({
      type: "fill",
      connection: w.session("L").connection,
      accountId: w.id("L"),
      fillId: 5,
      orderId: 5,
      contractId: "1",
      contract: "ESZ6",
      side: "Buy",
      qty: -3,
      price: 1,
      ts: 0,
      receivedAt: 0,
    });
    expect(w.broker.placed).toEqual([]);
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(0);
  });
});
