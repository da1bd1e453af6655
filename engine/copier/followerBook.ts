import { lineCount } from "./accountCap.js";

/**
 * A follower's position per contract as the copier must see it, so that two quick leader fills
 * never double-count or over-close:
 *
 *   F = netPos of the last sync snapshot
 *     + every fill seen since (each fill id once, ours and the trader's own)
 *     + what our live orders will still add (sent, not yet filled, not dead).
 *
 * Fills are the ground truth because they are facts that add up in any order: a slow socket, a
 * duplicated or a reordered batch cannot make a sum of fills wrong. Position reports are not used
 * for F on their own: one can arrive before the fills it contains, or repeat an older state. A
 * report is only adopted when it provably covers exactly the fills seen (its bought + sold volume
 * equals ours), which heals a fill that was somehow never delivered without ever counting one twice.
 *
 * A live order is never forgotten: it leaves the book only when it is filled, dead, or folded into
 * a snapshot. What bounds the book is the copier, which sends no more to a follower that already
 * has MAX_LIVE_ORDERS live ones (see `full`). Account names are the config's spelling and
 * contracts the broker's, compared as they are.
 */

interface Line {
  /** Snapshot netPos plus every fill seen since. */
  pos: number;
  /** Snapshot volume plus every fill's size since; undefined when the broker gives no volume. */
  volume: number | undefined;
}

interface Order {
  account: string;
  contract: string;
  /** Signed contracts the order will trade (shrinks to what filled if it dies). */
  qty: number;
  /** Signed part already seen as fills. */
  filled: number;
  orderId?: number | undefined;
}

/**
 * Live orders per follower beyond which the copier refuses new copies for it ("too many orders in
 * flight"): a broker that has left this many unanswered will not be helped by more, and the
 * book must never make room by forgetting one.
 */
export const MAX_LIVE_ORDERS = 1_000;
const MAX_STRAYS = 1_000;

export interface BookPosition {
  contract: string;
  netPos: number;
  volume?: number | undefined;
}

export class FollowerBook {
  /**
   * `onChange` hears of each line after anything that may have moved its position(): the hedge
   * guard's index keeps to it (and reads the position only for the accounts it watches).
   */
  constructor(private readonly onChange?: (account: string, contract: string) => void) {}

  private readonly lines = new Map<string, Line>();
  private readonly orders = new Map<string, Order>();
  /** The same live orders by account|contract line, so a position read never scans every order. */
  private readonly byLine = new Map<string, Map<string, Order>>();
  private readonly byOrderId = new Map<number, string>();
  /** Fills by broker order id that no live order claimed yet (the ack may still be on its way). */
  private readonly strays = new Map<number, number>();
  /** Accounts with a sync snapshot: a contract missing from it is flat, nothing to look up. */
  private readonly synced = new Set<string>();
  private readonly liveCount = new Map<string, number>();
  /** Every contract each account has had a line or an order in (the account cap sums them). */
  private readonly contractsOf = new Map<string, Set<string>>();

  /** Does the book know this line (or know it is flat)? Otherwise the caller may seed it. */
  has(account: string, contract: string): boolean {
    return this.synced.has(account) || this.lines.has(key(account, contract));
  }

  /** The account has MAX_LIVE_ORDERS live orders: no more may be sent until some finish. */
  full(account: string): boolean {
    return (this.liveCount.get(account) ?? 0) >= MAX_LIVE_ORDERS;
  }

  /** Has the account had a sync snapshot (its positions are the broker's, not a guess)? */
  isSynced(account: string): boolean {
    return this.synced.has(account);
  }

  /** How many of our orders for the account are live (sent, not yet filled or dead). */
  live(account: string): number {
    return this.liveCount.get(account) ?? 0;
  }

  /** Start a line from a broker value if the copier has none yet. */
  seed(account: string, contract: string, netPos: number, volume?: number): void {
    const k = key(account, contract);
    if (this.lines.has(k)) return;
    this.lines.set(k, { pos: netPos, volume });
    this.changed(account, contract);
  }

  /**
   * A PositionEvent. Adopted only when its volume equals the fills seen: then it is the same state
   * or a correction; otherwise it is older or newer than what the fills say, and the fills win.
   */
  report(account: string, contract: string, netPos: number, volume?: number): void {
    const k = key(account, contract);
    const line = this.lines.get(k) ?? (this.synced.has(account) ? this.flatLine(k) : undefined);
    if (!line) this.lines.set(k, { pos: netPos, volume });
    else if (volume !== undefined && line.volume !== undefined && volume === line.volume) line.pos = netPos;
    else return;
    this.changed(account, contract);
  }

  /**
   * A (re)sync snapshot: everything about this account restarts from the broker's positions.
   * Returns the clOrdIds of the orders it let go of (their effect is inside the snapshot now).
   */
  resetAccount(account: string, positions: readonly BookPosition[]): string[] {
    const prefix = key(account, "");
    this.synced.add(account);
    const touched = new Set<string>();
    for (const k of [...this.lines.keys()]) {
      if (!k.startsWith(prefix)) continue;
      this.lines.delete(k);
      touched.add(k.slice(prefix.length));
    }
    const dropped: string[] = [];
    for (const [clOrdId, order] of this.orders) {
      if (order.account !== account) continue;
      dropped.push(clOrdId);
      touched.add(order.contract);
    }
    for (const clOrdId of dropped) this.forget(clOrdId);
    for (const p of positions) {
      this.lines.set(key(account, p.contract), { pos: p.netPos, volume: p.volume });
      touched.add(p.contract);
    }
    for (const contract of touched) this.changed(account, contract);
    return dropped;
  }

  sent(account: string, contract: string, clOrdId: string, delta: number): void {
    const order: Order = { account, contract, qty: delta, filled: 0 };
    this.orders.set(clOrdId, order);
    this.liveCount.set(account, (this.liveCount.get(account) ?? 0) + 1);
    const k = key(account, contract);
    let line = this.byLine.get(k);
    if (!line) {
      line = new Map();
      this.byLine.set(k, line);
    }
    line.set(clOrdId, order);
    this.changed(account, contract);
  }

  /**
   * The broker accepted our order. Fills that came before the ack without our clOrdId are the
   * order's, not extra: returns their signed quantity (0 when none).
   */
  acked(clOrdId: string, orderId: number): number {
    const order = this.orders.get(clOrdId);
    if (!order) return 0;
    order.orderId = orderId;
    this.byOrderId.set(orderId, clOrdId);
    const early = this.strays.get(orderId) ?? 0;
    this.strays.delete(orderId);
    order.filled += early;
    this.pruneIfDone(clOrdId, order);
    if (early !== 0) this.changed(order.account, order.contract);
    return early;
  }

  /** What a live order has left to trade (signed; 0 when it is not live). */
  remaining(clOrdId: string): number {
    const order = this.orders.get(clOrdId);
    return order ? order.qty - order.filled : 0;
  }

  /** The order was rejected or cancelled: only what already filled will ever count. */
  failed(clOrdId: string): void {
    const order = this.orders.get(clOrdId);
    if (!order) return;
    order.qty = order.filled;
    this.forget(clOrdId);
    this.changed(order.account, order.contract);
  }

  /** Our clOrdId for a broker order id or clOrdId, if it is one of our live orders. */
  match(clOrdId: string | undefined, orderId: number): string | undefined {
    if (clOrdId !== undefined && this.orders.has(clOrdId)) return clOrdId;
    return this.byOrderId.get(orderId);
  }

  /**
   * A fill on a follower account (each fill id once: the copier dedupes). It always moves the
   * position; if it is one of our orders it also uses up that order's remaining quantity.
   * Returns our clOrdId when it is ours.
   */
  fill(
    account: string,
    contract: string,
    signedQty: number,
    ids: { clOrdId?: string | undefined; orderId: number },
  ): string | undefined {
    const k = key(account, contract);
    const line = this.lines.get(k) ?? this.flatLine(k);
    line.pos += signedQty;
    if (line.volume !== undefined) line.volume += Math.abs(signedQty);
    const mine = this.match(ids.clOrdId, ids.orderId);
    const order = mine === undefined ? undefined : this.orders.get(mine);
    if (mine !== undefined && order) {
      order.filled += signedQty;
      this.pruneIfDone(mine, order);
      return mine;
    }
    // Not one of ours (the trader's own trade, or a fill before its ack): the position moved.
    this.changed(account, contract);
    this.strays.set(ids.orderId, (this.strays.get(ids.orderId) ?? 0) + signedQty);
    if (this.strays.size > MAX_STRAYS) {
      const oldest = this.strays.keys().next();
      if (!oldest.done) this.strays.delete(oldest.value);
    }
    return undefined;
  }

  /** What the copier believes the follower holds (or will hold once its orders fill). */
  position(account: string, contract: string): number {
    return (this.lines.get(key(account, contract))?.pos ?? 0) + this.inFlight(account, contract);
  }

  /**
   * Contracts the account holds on its lines other than `contract` (all of them without one), each
   * line counted as the account cap counts it (lineCount: an opening on its way counts, an exit
   * frees none).
   */
  elsewhere(account: string, contract?: string): number {
    let total = 0;
    for (const other of this.contractsOf.get(account) ?? []) {
      if (other === contract) continue;
      const settled = this.lines.get(key(account, other))?.pos ?? 0;
      total += lineCount(settled, settled + this.inFlight(account, other));
    }
    return total;
  }

  /** Our live orders' quantity not filled yet. */
  inFlight(account: string, contract: string): number {
    let total = 0;
    const line = this.byLine.get(key(account, contract));
    if (line) for (const order of line.values()) total += order.qty - order.filled;
    return total;
  }

  /**
   * The part of an exit of `delta` the follower surely holds: what our live orders on the line would
   * still add to the side it closes does not count (an opening on its way may yet die or fill short,
   * and an exit sized from it would sell what the follower never held). `delta` itself when none.
   */
  sureExit(account: string, contract: string, delta: number): number {
    const line = this.byLine.get(key(account, contract));
    if (!line || delta === 0) return delta;
    let unsure = 0;
    for (const order of line.values()) {
      const left = order.qty - order.filled;
      if (Math.sign(left) === -Math.sign(delta)) unsure += left;
    }
    if (unsure === 0) return delta;
    const sure = this.position(account, contract) - unsure;
    const now = Math.sign(sure) === -Math.sign(delta) ? Math.min(Math.abs(delta), Math.abs(sure)) : 0;
    return now === 0 ? 0 : Math.sign(delta) * now;
  }

  /** Is any of our orders on the line live? (A buy and a sell live at once net to 0 in inFlight.) */
  busy(account: string, contract: string): boolean {
    return this.byLine.has(key(account, contract));
  }

  /** Is this order still live (not fully filled, not dead)? */
  isPending(clOrdId: string): boolean {
    return this.orders.has(clOrdId);
  }

  private changed(account: string, contract: string): void {
    let contracts = this.contractsOf.get(account);
    if (!contracts) {
      contracts = new Set();
      this.contractsOf.set(account, contracts);
    }
    contracts.add(contract);
    this.onChange?.(account, contract);
  }

  /** Every account and contract the book has a line or a live order for (a config change re-reads them). */
  *known(): Generator<[account: string, contract: string]> {
    const seen = new Set<string>();
    for (const k of [...this.lines.keys(), ...this.byLine.keys()]) {
      if (seen.has(k)) continue;
      seen.add(k);
      const at = k.indexOf("\u0000");
      yield [k.slice(0, at), k.slice(at + 1)];
    }
  }

  private flatLine(k: string): Line {
    const line: Line = { pos: 0, volume: 0 };
    this.lines.set(k, line);
    return line;
  }

  private pruneIfDone(clOrdId: string, order: Order): void {
    if (Math.abs(order.filled) >= Math.abs(order.qty)) this.forget(clOrdId);
  }

  private forget(clOrdId: string): void {
    const order = this.orders.get(clOrdId);
    if (!order) return;
    if (order.orderId !== undefined) this.byOrderId.delete(order.orderId);
    this.orders.delete(clOrdId);
    const live = (this.liveCount.get(order.account) ?? 1) - 1;
    if (live > 0) this.liveCount.set(order.account, live);
    else this.liveCount.delete(order.account);
    const k = key(order.account, order.contract);
    const line = this.byLine.get(k);
    line?.delete(clOrdId);
    if (line?.size === 0) this.byLine.delete(k);
  }
}

function key(account: string, contract: string): string {
  return `${account}\u0000${contract}`;
}
