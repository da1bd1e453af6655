import { describe, expect, it } from "vitest";
import { Clearing } from "../../engine/sim/clearing.js";
import { Links } from "../../engine/sim/links.js";
import { limitReached, restingFill, stopReached, sweep, trailedStop } from "../../engine/sim/matching.js";
import type { SimOrder } from "../../engine/sim/order.js";

describe("matching: how much trades at which price", () => {
  it("without a depth an order fills in one piece at the price", () => {
    expect(sweep("Buy", 7, 6800, 0.25, undefined)).toEqual([{ qty: 7, price: 6800 }]);
  });

  it("a taker walks the book one tick at a time, depth contracts per level, away from itself", () => {
    expect(sweep("Buy", 5, 6800, 0.25, 2)).toEqual([
      { qty: 2, price: 6800 },
      { qty: 2, price: 6800.25 },
      { qty: 1, price: 6800.5 },
    ]);
    expect(sweep("Sell", 3, 60.05, 0.01, 1)).toEqual([
      { qty: 1, price: 60.05 },
      { qty: 1, price: 60.04 },
      { qty: 1, price: 60.03 },
    ]);
  });

  it("a limit stops the walk at its price; an unreached limit takes nothing", () => {
    expect(sweep("Buy", 5, 6800, 0.25, 2, 6800.25)).toEqual([
      { qty: 2, price: 6800 },
      { qty: 2, price: 6800.25 },
    ]);
    expect(sweep("Sell", 5, 6800, 0.25, 2, 6801)).toEqual([]);
  });

  it("a resting limit trades at its own price, one level's depth per price event", () => {
    expect(restingFill(5, 6790, 2)).toEqual([{ qty: 2, price: 6790 }]);
    expect(restingFill(5, 6790, undefined)).toEqual([{ qty: 5, price: 6790 }]);
    expect(restingFill(0, 6790, 2)).toEqual([]);
  });

  it("limits are reached at or through their price, stops at or beyond theirs", () => {
    expect([limitReached("Buy", 6790, 6790), limitReached("Buy", 6791, 6790)]).toEqual([true, false]);
    expect([limitReached("Sell", 6791, 6790), limitReached("Sell", 6789, 6790)]).toEqual([true, false]);
    expect([stopReached("Buy", 6810, 6810), stopReached("Buy", 6809, 6810)]).toEqual([true, false]);
    expect([stopReached("Sell", 6789, 6790), stopReached("Sell", 6791, 6790)]).toEqual([true, false]);
  });

  it("a trailing stop follows a favourable price and never backs off", () => {
    expect(trailedStop("Sell", 6790, 6800, 5, 0.25)).toBe(6795);
    expect(trailedStop("Sell", 6795, 6797, 5, 0.25)).toBe(6795);
    expect(trailedStop("Buy", 6810, 6800, 5, 0.25)).toBe(6805);
    expect(trailedStop("Buy", 6805, 6803, 5, 0.25)).toBe(6805);
  });
});

describe("clearing: fees and busts", () => {
  const setup = () => {
    let id = 1000;
    const clearing = new Clearing(new Map([["ES", { valuePerPoint: 50, fee: 2.25 }]]), () => ++id);
    const book = (fillId: number, action: "Buy" | "Sell", qty: number, price: number) =>
      clearing.book({
        id: fillId,
        orderId: 1,
        accountId: 7,
        contractId: 4,
        product: "ES",
        action,
        qty,
        price,
      });
    return { clearing, book };
  };

  it("charges the product's fee per contract on every fill", () => {
    const { clearing, book } = setup();
    expect(book(1, "Buy", 2, 6800).fee).toBe(4.5);
    expect(book(2, "Sell", 1, 6802).realized).toBe(100);
    expect(clearing.feesPaid(7)).toBe(6.75);
    clearing.setFee("ES", 0);
    expect(book(3, "Sell", 1, 6802).fee).toBe(0);
    expect(() => clearing.setFee("ES", -1)).toThrow(/zero or more/);
  });

  it("a bust replays the other fills: position, realized P&L, fee refund and pairs are corrected", () => {
    const { clearing, book } = setup();
    book(1, "Buy", 1, 6800);
    book(2, "Buy", 1, 6810);
    const close = book(3, "Sell", 1, 6820);
    expect(close.realized).toBe(1000);
    const bust = clearing.bust(1);
    // Without fill 1, the sell closes fill 2 (+10 points) and the position is flat.
    expect(bust.position).toMatchObject({ netPos: 0, bought: 1, boughtValue: 6810, sold: 1 });
    expect(bust.realized).toBe(-500);
    expect(bust.fee).toBe(-2.25);
    expect(bust.deactivated.map((p) => [p.buyFillId, p.sellFillId])).toEqual([[1, 3]]);
    expect(bust.created.map((p) => [p.buyFillId, p.sellFillId, p.qty])).toEqual([[2, 3, 1]]);
    expect(clearing.fill(1)?.active).toBe(false);
    expect(() => clearing.bust(1)).toThrow(/already busted/);
    expect(() => clearing.bust(99)).toThrow(/unknown fill/);
  });
});

describe("links: what follows a linked order's fill or end", () => {
  const order = (id: number, patch: Partial<SimOrder>): SimOrder => ({
    id,
    accountId: 7,
    contractId: 4,
    symbol: "ESZ6",
    product: "ES",
    tickSize: 0.25,
    action: "Sell",
    type: "Limit",
    qty: 3,
    timeInForce: "Day",
    state: "Working",
    filled: 0,
    filledValue: 0,
    triggered: false,
    origin: { userId: 1, sessionId: 0, isAutomated: false },
    versionId: id,
    newRequestId: id,
    ...patch,
  });

  it("brackets wait until the entry fills, then work sized to what filled", () => {
    let next = 100;
    const links = new Links(() => next++);
    const orders = new Map<number, SimOrder>([
      [1, order(1, { action: "Buy", filled: 2 })],
      [2, order(2, { state: "Suspended" })],
      [3, order(3, { state: "Suspended", type: "Stop" })],
    ]);
    links.addBrackets(1, [2, 3]);
    expect(links.afterFill(orders.get(1)!, (id) => orders.get(id))).toEqual([
      { kind: "activate", orderId: 2, qty: 2 },
      { kind: "activate", orderId: 3, qty: 2 },
    ]);
  });

  it("an OCO leg's partial fill shrinks its partner; a complete fill cancels it", () => {
    const links = new Links(() => 100);
    const a = order(1, { filled: 1 });
    const b = order(2, {});
    const get = (id: number) => (id === 1 ? a : b);
    links.addOco([1, 2], 3);
    expect(links.afterFill(a, get)).toEqual([{ kind: "resize", orderId: 2, qty: 2 }]);
    a.filled = 3;
    a.state = "Filled";
    expect(links.afterFill(a, get)).toEqual([{ kind: "cancel", orderId: 2 }]);
  });

  it("an entry that ends unfilled takes its brackets (rejected: ParentRejected)", () => {
    const links = new Links(() => 100);
    const entry = order(1, { action: "Buy", state: "Rejected" });
    const leg = order(2, { state: "Suspended" });
    links.addBrackets(1, [2]);
    expect(links.afterEnd(entry, (id) => (id === 1 ? entry : leg))).toEqual([
      { kind: "reject", orderId: 2, reason: "ParentRejected", text: "Entry order 1 was rejected" },
    ]);
  });
});
