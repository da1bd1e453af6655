import { roundToTick } from "./market.js";
import type { Side } from "./order.js";

/**
 * The venue's rules as pure functions: when a price reaches an order, and how much trades at
 * which price when it does. `depth` is how many contracts trade at each price level (undefined =
 * as many as wanted, so every order fills in one piece).
 */

export interface Piece {
  qty: number;
  price: number;
}

/** A buy limit is reached at or below its price, a sell limit at or above. */
export function limitReached(action: Side, price: number, limit: number): boolean {
  return action === "Buy" ? price <= limit : price >= limit;
}

/** A buy stop triggers at or above its stop price, a sell stop at or below. */
export function stopReached(action: Side, price: number, stop: number): boolean {
  return action === "Buy" ? price >= stop : price <= stop;
}

/**
 * A taker's fills: `depth` contracts at `from`, then at each next tick away from the taker (up for
 * a buy, down for a sell), never past `limit`. Less than `qty` when the limit stops the walk.
 */
export function sweep(
  action: Side,
  qty: number,
  from: number,
  tick: number,
  depth: number | undefined,
  limit?: number,
): Piece[] {
  if (limit !== undefined && !limitReached(action, from, limit)) return [];
  if (depth === undefined) return qty > 0 ? [{ qty, price: from }] : [];
  const step = action === "Buy" ? tick : -tick;
  const pieces: Piece[] = [];
  let left = qty;
  for (let level = 0; left > 0; level++) {
    const price = roundToTick(from + level * step, tick);
    if (limit !== undefined && !limitReached(action, price, limit)) break;
    const take = Math.min(left, depth);
    pieces.push({ qty: take, price });
    left -= take;
  }
  return pieces;
}

/** A resting limit the market reaches trades at its own price, `depth` contracts per price event. */
export function restingFill(qty: number, limit: number, depth: number | undefined): Piece[] {
  if (qty <= 0) return [];
  return [{ qty: depth === undefined ? qty : Math.min(qty, depth), price: limit }];
}

/**
 * A trailing stop follows the market by `trail`: a sell stop (protecting a long) rises with the
 * price and never falls; a buy stop falls and never rises.
 */
export function trailedStop(action: Side, stop: number, price: number, trail: number, tick: number): number {
  const follow = roundToTick(action === "Sell" ? price - trail : price + trail, tick);
  return action === "Sell" ? Math.max(stop, follow) : Math.min(stop, follow);
}
