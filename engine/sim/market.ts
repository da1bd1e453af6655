import { familyOf, rootOf } from "../symbols.js";
import type { Random } from "./random.js";

/**
 * One last-trade price per product (every contract month of a product trades at it), moved by a
 * seeded random walk in whole ticks. Listeners hear about every change. A micro trades at its
 * mini's price (MES at ES's, MNQ at NQ's): they are one index at one tenth of the size, so a
 * toMicro copy fills where the leader did and a mirrored limit rests where the leader's does.
 */

export interface ProductPrice {
  product: string;
  tickSize: number;
  price: number;
}

export type PriceListener = (product: string, price: number) => void;

/** Snap to the tick grid and strip float noise (60.07 stays 60.07, not 60.07000000000001). */
export function roundToTick(price: number, tick: number): number {
  const steps = Math.round(price / tick);
  const decimals = Math.max(0, Math.ceil(-Math.log10(tick)) + 1);
  return Number((steps * tick).toFixed(decimals));
}

export class Market {
  private readonly prices = new Map<string, ProductPrice>();
  private readonly listeners = new Set<PriceListener>();
  /** A micro → the mini whose price it trades at. */
  private readonly pricedAs = new Map<string, string>();
  /** A mini → its micros. */
  private readonly micros = new Map<string, ProductPrice[]>();

  constructor(
    products: Iterable<{ name: string; tickSize: number; price: number }>,
    private readonly random: Random,
  ) {
    for (const p of products)
      this.prices.set(p.name, { product: p.name, tickSize: p.tickSize, price: p.price });
    for (const entry of this.prices.values()) {
      const mini = this.prices.get(familyOf(entry.product));
      if (!mini || mini === entry || mini.tickSize !== entry.tickSize) continue;
      this.pricedAs.set(entry.product, mini.product);
      this.micros.set(mini.product, [...(this.micros.get(mini.product) ?? []), entry]);
      entry.price = mini.price;
    }
  }

  onChange(listener: PriceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Product root for a product or contract name (ES, ESZ6 → ES); undefined if unknown. */
  productOf(symbol: string): string | undefined {
    const upper = symbol.toUpperCase();
    if (this.prices.has(upper)) return upper;
    const root = rootOf(upper);
    return this.prices.has(root) ? root : undefined;
  }

  price(symbol: string): number | undefined {
    const product = this.productOf(symbol);
    return product ? this.prices.get(product)!.price : undefined;
  }

  tickSize(symbol: string): number | undefined {
    const product = this.productOf(symbol);
    return product ? this.prices.get(product)!.tickSize : undefined;
  }

  /** Set a price (snapped to the tick grid, at least one tick). Returns the price set. */
  set(symbol: string, price: number): number {
    const product = this.productOf(symbol);
    if (!product) throw new Error(`unknown symbol ${symbol}`);
    if (!Number.isFinite(price)) throw new Error(`price must be a number, got ${price}`);
    const entry = this.prices.get(this.pricedAs.get(product) ?? product)!;
    const next = Math.max(entry.tickSize, roundToTick(price, entry.tickSize));
    if (next === entry.price) return next;
    for (const moved of [entry, ...(this.micros.get(entry.product) ?? [])]) {
      moved.price = next;
      for (const l of this.listeners) l(moved.product, next);
    }
    return next;
  }

  jump(symbol: string, delta: number): number {
    const current = this.price(symbol);
    if (current === undefined) throw new Error(`unknown symbol ${symbol}`);
    return this.set(symbol, current + delta);
  }

  /** Off: prices move only when told (tests that compare fills at one price). */
  walking = true;

  /** One random-walk step for every product: -2..+2 ticks, mostly small. */
  step(): void {
    if (!this.walking) return;
    for (const entry of this.prices.values()) {
      if (this.pricedAs.has(entry.product)) continue;
      const r = this.random();
      const ticks = r < 0.1 ? -2 : r < 0.35 ? -1 : r < 0.65 ? 0 : r < 0.9 ? 1 : 2;
      if (ticks !== 0) this.set(entry.product, entry.price + ticks * entry.tickSize);
    }
  }
}
