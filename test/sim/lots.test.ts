import { describe, expect, it } from "vitest";
import { applyFill, type Lot, netPos, netPrice, openPoints } from "../../engine/sim/lots.js";

const fill = (id: number, action: "Buy" | "Sell", qty: number, price: number) => ({ id, action, qty, price });

describe("FIFO lots", () => {
  it("opens, adds and averages the entry price", () => {
    let lots: Lot[] = applyFill([], fill(1, "Buy", 2, 100)).lots;
    lots = applyFill(lots, fill(2, "Buy", 1, 103)).lots;
    expect(netPos(lots)).toBe(3);
    expect(netPrice(lots)).toBe(101);
    expect(openPoints(lots, 104)).toBe(9);
  });

  it("closes the oldest lot first and pairs each closed piece", () => {
    let lots = applyFill([], fill(1, "Buy", 2, 100)).lots;
    lots = applyFill(lots, fill(2, "Buy", 2, 110)).lots;
    const r = applyFill(lots, fill(3, "Sell", 3, 120));
    expect(r.pairs).toEqual([
      { buyFillId: 1, sellFillId: 3, qty: 2, buyPrice: 100, sellPrice: 120 },
      { buyFillId: 2, sellFillId: 3, qty: 1, buyPrice: 110, sellPrice: 120 },
    ]);
    expect(r.realizedPoints).toBe(2 * 20 + 10);
    expect(netPos(r.lots)).toBe(1);
    expect(netPrice(r.lots)).toBe(110);
  });

  it("flips through zero: closes everything and opens the rest on the other side", () => {
    const lots = applyFill([], fill(1, "Buy", 1, 100)).lots;
    const r = applyFill(lots, fill(2, "Sell", 3, 98));
    expect(r.realizedPoints).toBe(-2);
    expect(netPos(r.lots)).toBe(-2);
    expect(netPrice(r.lots)).toBe(98);
    expect(openPoints(r.lots, 95)).toBe(6);
  });

  it("short then cover realizes sell minus buy", () => {
    const lots = applyFill([], fill(1, "Sell", 2, 50)).lots;
    const r = applyFill(lots, fill(2, "Buy", 2, 45));
    expect(r.realizedPoints).toBe(10);
    expect(r.lots).toEqual([]);
    expect(netPrice(r.lots)).toBeUndefined();
  });
});
