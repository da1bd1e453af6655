import { limitReached, type Piece, restingFill, stopReached, sweep, trailedStop } from "./matching.js";
import { isOpen, remaining, type SimOrder } from "./order.js";

/**
 * The exchange side of the simulator: the open orders (working, and brackets waiting for their
 * entry) and how much liquidity each product has per price level. It decides what trades; the
 * clearing side (clearing.ts) books it.
 */

/**
 * "entry": the order just became live (placed, modified, activated, triggered); "tick": the price
 * moved; "open": the market reopened after the halt at this price, the first trade since the close.
 */
export type Phase = "entry" | "tick" | "open";

export class Venue {
  private readonly open = new Map<number, SimOrder>();
  private readonly depths = new Map<string, number>();

  constructor(depths: Iterable<[string, number]> = []) {
    for (const [product, depth] of depths) this.depths.set(product, depth);
  }

  /** Contracts that trade at each price level of `product`; undefined = unlimited (one fill per order). */
  depth(product: string): number | undefined {
    return this.depths.get(product);
  }

  setDepth(product: string, depth: number | undefined): void {
    if (depth === undefined) this.depths.delete(product);
    else if (!Number.isInteger(depth) || depth < 1)
      throw new Error(`depth must be a whole number of contracts, at least 1 (got ${depth})`);
    else this.depths.set(product, depth);
  }

  add(order: SimOrder): void {
    this.open.set(order.id, order);
  }

  remove(orderId: number): void {
    this.open.delete(orderId);
  }

  has(orderId: number): boolean {
    return this.open.has(orderId);
  }

  /** Open orders, oldest first; a copy, so callers may change the set while iterating. */
  orders(filter: (o: SimOrder) => boolean = () => true): SimOrder[] {
    return [...this.open.values()].filter((o) => isOpen(o) && filter(o));
  }

  /** Same-side working quantity not yet filled (for the liquidation-only exposure rule). */
  pending(accountId: number, contractId: number, action: SimOrder["action"], except?: number): number {
    let sum = 0;
    for (const o of this.open.values())
      if (
        o.id !== except &&
        o.accountId === accountId &&
        o.contractId === contractId &&
        o.action === action &&
        o.state === "Working"
      )
        sum += remaining(o);
    return sum;
  }

  /**
   * What trades now for a working order at `price`. Market orders and orders that just became
   * live take liquidity level by level; a limit already resting trades at its own price, up to
   * one level's depth per price event, unless the market reopens through it: no trade printed
   * between, so it trades from the opening price as a new order would. A StopLimit whose stop is
   * reached is marked triggered.
   */
  due(o: SimOrder, price: number, phase: Phase): Piece[] {
    if (o.state !== "Working") return [];
    const depth = this.depth(o.product);
    const left = remaining(o);
    switch (o.type) {
      case "Market":
        return sweep(o.action, left, price, o.tickSize, depth);
      case "Stop":
      case "TrailingStop":
        return stopReached(o.action, price, o.stopPrice!)
          ? sweep(o.action, left, price, o.tickSize, depth)
          : [];
      case "StopLimit": {
        if (!o.triggered) {
          if (!stopReached(o.action, price, o.stopPrice!)) return [];
          o.triggered = true;
          phase = "entry";
        }
        return this.limitDue(o, left, price, phase, depth);
      }
      case "Limit":
        return this.limitDue(o, left, price, phase, depth);
    }
  }

  private limitDue(
    o: SimOrder,
    left: number,
    price: number,
    phase: Phase,
    depth: number | undefined,
  ): Piece[] {
    if (!limitReached(o.action, price, o.price!)) return [];
    return phase === "tick"
      ? restingFill(left, o.price!, depth)
      : sweep(o.action, left, price, o.tickSize, depth, o.price);
  }

  /** Trailing stops follow the price; returns the orders whose stop moved. */
  trail(product: string, price: number): SimOrder[] {
    const moved: SimOrder[] = [];
    for (const o of this.open.values()) {
      if (o.product !== product || o.type !== "TrailingStop" || o.state !== "Working") continue;
      const next = trailedStop(o.action, o.stopPrice!, price, o.trail!, o.tickSize);
      if (next !== o.stopPrice) {
        o.stopPrice = next;
        moved.push(o);
      }
    }
    return moved;
  }
}
