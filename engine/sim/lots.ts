/**
 * FIFO position keeping, as Tradovate pairs fills: an opposite fill closes the oldest open lots
 * first; each closed piece is a fill pair. Pure functions so the P&L arithmetic has unit tests.
 */

export interface Lot {
  fillId: number;
  /** Signed: positive = long lot, negative = short lot. */
  qty: number;
  price: number;
}

export interface Pair {
  buyFillId: number;
  sellFillId: number;
  qty: number;
  buyPrice: number;
  sellPrice: number;
}

export interface LotResult {
  lots: Lot[];
  pairs: Pair[];
  /** Price points × contracts realized by this fill (multiply by the product's valuePerPoint). */
  realizedPoints: number;
}

export function applyFill(
  lots: readonly Lot[],
  fill: { id: number; action: "Buy" | "Sell"; qty: number; price: number },
): LotResult {
  const sign = fill.action === "Buy" ? 1 : -1;
  let remaining = fill.qty;
  const next: Lot[] = [];
  const pairs: Pair[] = [];
  let realizedPoints = 0;
  for (const lot of lots) {
    if (remaining > 0 && Math.sign(lot.qty) === -sign) {
      const closed = Math.min(remaining, Math.abs(lot.qty));
      remaining -= closed;
      const buy = sign > 0 ? { id: fill.id, price: fill.price } : { id: lot.fillId, price: lot.price };
      const sell = sign > 0 ? { id: lot.fillId, price: lot.price } : { id: fill.id, price: fill.price };
      pairs.push({
        buyFillId: buy.id,
        sellFillId: sell.id,
        qty: closed,
        buyPrice: buy.price,
        sellPrice: sell.price,
      });
      realizedPoints += (sell.price - buy.price) * closed;
      const left = Math.abs(lot.qty) - closed;
      if (left > 0) next.push({ ...lot, qty: Math.sign(lot.qty) * left });
    } else {
      next.push(lot);
    }
  }
  if (remaining > 0) next.push({ fillId: fill.id, qty: sign * remaining, price: fill.price });
  return { lots: next, pairs, realizedPoints };
}

export function netPos(lots: readonly Lot[]): number {
  return lots.reduce((sum, l) => sum + l.qty, 0);
}

/** Average entry price of the open lots; undefined when flat. */
export function netPrice(lots: readonly Lot[]): number | undefined {
  const qty = lots.reduce((sum, l) => sum + Math.abs(l.qty), 0);
  if (qty === 0) return undefined;
  return lots.reduce((sum, l) => sum + Math.abs(l.qty) * l.price, 0) / qty;
}

/** Open P&L in price points × contracts at `price`. */
export function openPoints(lots: readonly Lot[], price: number): number {
  return lots.reduce((sum, l) => sum + l.qty * (price - l.price), 0);
}
