import { describe, expect, it } from "vitest";
import type { Clock } from "../../engine/clock.js";
import {
  CancelRefusals,
  cancelRetry,
  mayBeLate,
  TOO_LATE_BELIEVED,
} from "../../engine/mirror/cancelRefusals.js";
import { FollowerOrders } from "../../engine/mirror/followerOrders.js";
import type { Held } from "../../engine/mirror/types.js";
import type { AccountRoute, EngineEvent, WorkingOrder } from "../../engine/types.js";

/** Timers run only when the test says how much time passed. */
class ManualClock implements Clock {
  at = 1_000_000;
  private timers: { due: number; fn: () => void }[] = [];
  now = () => this.at;
  mono = () => this.at;
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { due: this.at + ms, fn };
    this.timers.push(t);
    return t;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((t) => t !== h);
  }
  advance(ms: number): void {
    this.at += ms;
    const due = this.timers.filter((t) => t.due <= this.at);
    this.timers = this.timers.filter((t) => t.due > this.at);
    for (const t of due) t.fn();
  }
}

const STOP = "mm-77-2-a";

function world(route = { accountId: 2 } as AccountRoute) {
  const clock = new ManualClock();
  const events: EngineEvent[] = [];
  const orders = new FollowerOrders();
  const asked: Held[] = [];
  const touched: string[] = [];
  const refusals = new CancelRefusals({
    touch: (f) => touched.push(f),
    clock,
    emit: (e) => events.push(e),
    accounts: { route: () => route },
    orders,
    // As the sender does: the order is marked as being cancelled again (a new cancel).
    sender: {
      cancel: (_t, h) => {
        asked.push(h);
        orders.setBusy("F", h.clOrdId, "cancelling", h);
      },
    },
  });
  orders.setBusy("F", STOP, "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
  const stop = (commandId: number, status = "Working"): WorkingOrder => ({
    ...{ orderId: 5, accountId: 2, contractId: "1", contract: "ESZ6", side: "Sell", orderType: "Stop" },
    ...{ qty: 2, filledQty: 0, stopPrice: 6790, clOrdId: STOP, status },
    cancelRefused: { commandId, reason: "RiskRejected: not now" },
  });
  return { clock, events, orders, asked, touched, refusals, stop };
}

describe("cancelRetry: a cancel refused while its order works is asked again, further apart", () => {
  it("0.5 s, 1 s, 2 s, 4 s, then every 5 s; a warning at the first refusal, an error at the fifth", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => cancelRetry(n).delayMs)).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => cancelRetry(n).alert)).toEqual([
      "warn",
      undefined,
      undefined,
      undefined,
      "error",
      undefined,
    ]);
  });
});

describe("CancelRefusals: the order still counts as being cancelled while its cancel is asked again", () => {
  it("asks again after the delay, tells each refusal once, and the exit keeps waiting meanwhile", () => {
    const w = world();
    w.refusals.refused("main", "F", w.stop(81));
    w.refusals.refused("main", "F", w.stop(81)); // the same report, with another update of the order
    expect(w.events.filter((e) => e.type === "mirror" && e.outcome === "rejected")).toHaveLength(1);
    expect(w.events.filter((e) => e.type === "alert").map((e) => e.type === "alert" && e.level)).toEqual([
      "warn",
    ]);
    expect(w.orders.cancellingOn("F", "ESZ6", "Sell")).toBe(true);
    w.clock.advance(499);
    expect(w.asked).toEqual([]);
    w.clock.advance(1);
    expect(w.asked.map((h) => [h.clOrdId, h.orderId, h.busy])).toEqual([[STOP, 5, undefined]]);
    expect(w.orders.cancellingOn("F", "ESZ6", "Sell")).toBe(true);
    // Refused four times more: the trader is asked, at error level, to flatten by hand.
    for (const id of [82, 83, 84, 85]) {
      w.refusals.refused("main", "F", w.stop(id));
      w.clock.advance(5_000);
    }
    const errors = w.events.filter((e) => e.type === "alert" && e.level === "error");
    expect(errors.map((e) => e.type === "alert" && e.message)).toEqual([
      expect.stringMatching(/refused 5 times to cancel F's Stop order 5 .* flatten F by hand/),
    ]);
    expect(w.asked).toHaveLength(5);
  });

  it("asks nothing once the order ended, nor for a refusal of an order not being cancelled", () => {
    const w = world();
    w.refusals.refused("main", "F", w.stop(81));
    w.orders.update("F", { ...w.stop(81, "Filled"), filledQty: 2 });
    w.clock.advance(10_000);
    expect(w.asked).toEqual([]);
    // A cancel refused too late (TooLate on a filled order) is no cancel to ask again.
    w.refusals.refused("main", "F", w.stop(82, "Filled"));
    w.clock.advance(10_000);
    expect(w.asked).toEqual([]);
    expect(w.events.filter((e) => e.type === "mirror")).toHaveLength(1);
  });

  it("a snapshot lets the cancel go: nothing is asked over it, nor over a cancel sent after it", () => {
    const w = world();
    w.refusals.refused("main", "F", w.stop(81));
    w.orders.synced("F");
    w.orders.setBusy("F", STOP, "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
    w.clock.advance(10_000);
    expect(w.asked).toEqual([]);
  });
});

describe("mayBeLate: which cancels refused in their answer wait for the order's report first", () => {
  const no = (failureReason: string, written = true) => ({
    ok: false as const,
    failureReason,
    ackAt: 0 as never,
    ...(written && { writtenAt: 0 as never }),
  });
  it("Tradovate's TooLate and a lost answer may be late; its other refusals are of an order that works", () => {
    expect(mayBeLate("tradovate", no("TooLate"))).toBe(true);
    expect(mayBeLate("tradovate", no("Timeout"))).toBe(true);
    expect(mayBeLate("tradovate", no("UnknownReason"))).toBe(false);
    expect(mayBeLate("tradovate", no("Disconnected", false))).toBe(false);
  });
  it("ProjectX's codes do not tell: each waits for the report (its fill comes on the hub)", () => {
    expect(mayBeLate("projectx", no("OrderRejected"))).toBe(true);
    expect(mayBeLate("projectx", no("OrderNotFound"))).toBe(true);
  });
});

describe("CancelRefusals: refusals in the answer and in the report count together", () => {
  it("a report told again with the order's later updates, after a refusal in an answer, is not a new refusal", () => {
    const w = world();
    const route = {
      accountId: 2,
      session: { broker: "tradovate", workingOrders: () => [] },
    } as unknown as AccountRoute;
    const t = { group: "main", follower: "F", route, contract: "ESZ6" };
    w.refusals.refused("main", "F", w.stop(81));
    w.clock.advance(500);
    const held = w.asked[0]!;
    w.refusals.refusedInAnswer(t, held, {
      ok: false,
      failureReason: "UnknownReason",
      failureText: "not now",
      ackAt: 0 as never,
    });
    w.refusals.refused("main", "F", w.stop(81)); // the order changed; its report of 81 is told again
    const refused = w.events.filter((e) => e.type === "mirror" && e.outcome === "rejected");
    expect(refused.map((e) => e.type === "mirror" && e.reason)).toEqual([
      expect.stringMatching(/^cancel rejected: RiskRejected: not now; .* asked again in 0.5 s/),
      expect.stringMatching(/^cancel rejected: UnknownReason: not now; .* asked again in 1 s/),
    ]);
    w.clock.advance(1_000);
    expect(w.asked).toHaveLength(2);
  });
});

describe("CancelRefusals: a cancel refused as too late while the order still reads as working", () => {
  const tooLate = {
    ok: false as const,
    failureReason: "TooLate",
    failureText: "Order is Filled",
    ackAt: 0 as never,
  };
  const setUp = (broker: string, readAgain?: (id: number) => void) => {
    const listed = world().stop(0);
    const route = {
      accountId: 2,
      session: { broker, workingOrders: () => [listed], ...(readAgain && { readAgain }) },
    } as unknown as AccountRoute;
    const w = world(route);
    const t = { group: "main", follower: "F", route, contract: "ESZ6" };
    const held: Held = {
      ...{ orderId: 5, clOrdId: STOP, leaderId: 77, contract: "ESZ6", set: "a", side: "Sell" },
      ...{ orderType: "Stop", qty: 2, filled: 0 },
    };
    return { w, t, held };
  };

  it("Tradovate (its end never heard): asked a few times more, then the cancel is over, not asked for good", () => {
    const { w, t, held } = setUp("tradovate");
    w.refusals.refusedInAnswer(t, held, tooLate);
    // No report: asked again (a report may be slow), TooLate each time, until TOO_LATE_BELIEVED.
    for (let asked = 1; asked <= TOO_LATE_BELIEVED; asked++) {
      w.clock.advance(2_000);
      w.clock.advance(cancelRetry(asked).delayMs);
      expect(w.asked).toHaveLength(asked);
      w.refusals.refusedInAnswer(t, held, tooLate);
      expect(w.orders.cancellingOn("F", "ESZ6", "Sell")).toBe(true);
    }
    expect(w.clock.at - 1_000_000).toBeGreaterThan(15_000); // past the watchdog's 10 s of silence
    w.clock.advance(2_000);
    expect(w.orders.cancellingOn("F", "ESZ6", "Sell")).toBe(false); // what waits on it goes
    w.clock.advance(60_000);
    expect(w.asked).toHaveLength(TOO_LATE_BELIEVED);
    // Told as refused each time, never at error level ("mimik keeps asking" would not be true).
    expect(w.events.filter((e) => e.type === "alert" && e.level === "error")).toEqual([]);
  });

  it("a session that can read the account again reads it before asking again", () => {
    const reads: number[] = [];
    const { w, t, held } = setUp("projectx", (id) => reads.push(id));
    w.refusals.refusedInAnswer(t, held, tooLate);
    w.clock.advance(2_000);
    expect(reads).toEqual([2]);
    expect(w.asked).toEqual([]);
    w.orders.synced("F"); // the read's snapshot: the cancel is over, nothing asked over it
    w.clock.advance(10_000);
    expect(w.asked).toEqual([]);
    expect(w.orders.cancellingOn("F", "ESZ6", "Sell")).toBe(false);
  });
});

describe("FollowerOrders.forget: the cancels let go of are told over", () => {
  it("what waits on them (a re-sync of the line) hears their end", async () => {
    const ended: string[] = [];
    const orders = new FollowerOrders(undefined, (f, c) => ended.push(`${f} ${c}`));
    orders.setBusy("F", STOP, "cancelling", { leaderId: 77, contract: "ESZ6", side: "Sell" });
    orders.forget("F");
    await Promise.resolve();
    expect(ended).toEqual(["F ESZ6"]);
  });
});
