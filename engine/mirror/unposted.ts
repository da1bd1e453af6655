/**
 * A follower's mirrored order filled, and its broker told of the order before the position it
 * moved (a separate frame: Tradovate batches only sometimes, ProjectX sends order, trade, position
 * one by one). Until the position comes the follower still reads as holding what that fill closed,
 * so exits sized on it would be placed again (the filled leg looks missing) or grown: a fresh stop
 * for a flat follower, under a market already through it. Exits may only shrink meanwhile; the
 * wait ends when a position of that contract is told, or after a while.
 *
 * The position often comes first: a Tradovate frame carries the fill and the position together,
 * and an order's update is built once its frame is handled. Waiting then held the legs of every
 * bracket back a second after its entry filled, and for as long as an entry kept filling in
 * pieces less than a second apart the follower held a position with no stop at all. So the fills
 * are counted per order as they are told, and an order's fill the position has already counted
 * holds nothing.
 */
import type { EpochMs } from "../types.js";

/** Longer than a broker takes between an order's report and its position's. */
export const UNPOSTED_WAIT_MS = 1_000;

/** Orders whose fills are counted, per follower: far more than can fill between two positions. */
const KEPT_ORDERS = 500;

interface Counted {
  contract: string;
  /** Contracts its fills have told. */
  told: number;
  /** Of those, contracts a position of its contract told since. */
  posted: number;
}

export class UnpostedFills {
  /** follower → contract → until when exits there may not grow. */
  private readonly until = new Map<string, Map<string, EpochMs>>();
  /** follower → broker order id → its fills, oldest order first. */
  private readonly counted = new Map<string, Map<number, Counted>>();
  /**
   * follower → the orders told a fill its position has not counted yet: a position comes with
   * every fill, so it walks these few, never the follower's whole history of orders.
   */
  private readonly unposted = new Map<string, Set<Counted>>();

  /** One of the follower's fills was told (its position comes with it or after it). */
  fill(follower: string, contract: string, orderId: number, qty: number): void {
    let orders = this.counted.get(follower);
    let waiting = this.unposted.get(follower);
    if (!orders || !waiting) {
      orders = new Map();
      waiting = new Set();
      this.counted.set(follower, orders);
      this.unposted.set(follower, waiting);
    }
    let c = orders.get(orderId);
    if (!c) {
      c = { contract, told: 0, posted: 0 };
      orders.set(orderId, c);
      if (orders.size > KEPT_ORDERS) {
        const oldest = orders.keys().next().value as number;
        const gone = orders.get(oldest);
        if (gone) waiting.delete(gone);
        orders.delete(oldest);
      }
    }
    c.told += qty;
    waiting.add(c);
  }

  /** A mirror of the follower's in `contract` reported `filledQty` filled, more than before. */
  filled(follower: string, contract: string, orderId: number, filledQty: number, now: EpochMs): void {
    if ((this.counted.get(follower)?.get(orderId)?.posted ?? 0) >= filledQty) return;
    let mine = this.until.get(follower);
    if (!mine) {
      mine = new Map();
      this.until.set(follower, mine);
    }
    mine.set(contract, now + UNPOSTED_WAIT_MS);
  }

  /** The follower's position in `contract` was told: the fills before it are in it. */
  posted(follower: string, contract: string): void {
    this.until.get(follower)?.delete(contract);
    const waiting = this.unposted.get(follower);
    if (!waiting) return;
    for (const c of waiting)
      if (c.contract === contract) {
        c.posted = c.told;
        waiting.delete(c);
      }
  }

  /** Until when exits in `contract` may not grow; undefined when they may. */
  waitUntil(follower: string, contract: string, now: EpochMs): EpochMs | undefined {
    const at = this.until.get(follower)?.get(contract);
    if (at === undefined || at > now) return at;
    this.until.get(follower)?.delete(contract);
    return undefined;
  }

  /** A snapshot of the follower's login (its positions are the truth again), or it left. */
  forget(follower: string): void {
    this.until.delete(follower);
    this.counted.delete(follower);
    this.unposted.delete(follower);
  }
}
