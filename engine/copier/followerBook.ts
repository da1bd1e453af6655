/**
 * A follower's position per contract as the copier must see it, so that two quick leader fills
 * never double-count or over-close:
 *
 *   F = broker-reported netPos
 *     + what our orders will still add beyond that report (sent, not yet in a position report)
 *     + manual fills seen that no report covers yet.
 *
 * A position report may come before or after the fill events it covers (the broker client holds a
 * fill back until it knows the order; a batch may be reordered), so a report's change is explained
 * first by the fills already seen and then by our orders that still have room; only what is left
 * is someone else's trade. Fill events of our orders never move F by themselves.
 */

interface Line {
  reported: number;
  /** Manual (not ours) fills seen since the last report. */
  manualUnseen: number;
  /** Change in a report that no seen fill explained yet: its fill event should not count again. */
  manualAhead: number;
}

interface Order {
  account: string;
  contract: string;
  /** Signed contracts that will trade (shrinks to what filled if the order dies). */
  qty: number;
  /** Signed part already inside a position report. */
  inReport: number;
  /** Signed part seen as fill events. */
  filledSeen: number;
  orderId?: number | undefined;
}

/** A fill we could not tie to an order yet (no clOrdId, ack not back): counted as manual meanwhile. */
interface Stray {
  key: string;
  qty: number;
  reported: boolean;
}

const MAX_ORDERS = 10_000;
const MAX_STRAYS = 1_000;

export class FollowerBook {
  private readonly lines = new Map<string, Line>();
  private readonly orders = new Map<string, Order>();
  /** The same live orders by account|contract line, so a position read never scans every order. */
  private readonly byLine = new Map<string, Map<string, Order>>();
  private readonly byOrderId = new Map<number, string>();
  private readonly strays = new Map<number, Stray>();

  has(account: string, contract: string): boolean {
    return this.lines.has(key(account, contract));
  }

  /** Start a line from a broker snapshot value if the copier has none yet. */
  seed(account: string, contract: string, netPos: number): void {
    const k = key(account, contract);
    if (!this.lines.has(k)) this.lines.set(k, { reported: netPos, manualUnseen: 0, manualAhead: 0 });
  }

  /** A PositionEvent for a follower account. */
  report(account: string, contract: string, netPos: number): void {
    const k = key(account, contract);
    const line = this.lines.get(k);
    if (!line) {
      this.seed(account, contract, netPos);
      return;
    }
    let change = netPos - line.reported;
    const mine = this.ordersOn(k);
    // 1. Everything already seen as a fill is inside this report.
    for (const [, order] of mine) {
      const seen = order.filledSeen - order.inReport;
      if (seen !== 0 && Math.sign(seen) === Math.sign(order.qty)) {
        order.inReport = clampTo(order.qty, order.inReport + seen);
        change -= seen;
      }
    }
    change -= line.manualUnseen;
    line.manualUnseen = 0;
    for (const stray of this.strays.values()) if (stray.key === k) stray.reported = true;
    // 2. The rest is fills not seen yet: ours first, in the order they were sent.
    for (const [, order] of mine) {
      if (change === 0) break;
      const room = order.qty - order.inReport;
      if (room !== 0 && Math.sign(room) === Math.sign(change)) {
        const take = Math.sign(change) * Math.min(Math.abs(room), Math.abs(change));
        order.inReport += take;
        change -= take;
      }
    }
    line.manualAhead += change;
    line.reported = netPos;
    for (const [clOrdId, order] of mine) this.pruneIfDone(clOrdId, order);
  }

  /** A (re)sync snapshot: everything about this account restarts from the broker's positions. */
  resetAccount(account: string, positions: ReadonlyArray<{ contract: string; netPos: number }>): void {
    const a = account.toUpperCase();
    const prefix = `${a}|`;
    for (const k of [...this.lines.keys()]) if (k.startsWith(prefix)) this.lines.delete(k);
    for (const [clOrdId, order] of [...this.orders]) if (order.account === a) this.forget(clOrdId);
    for (const [id, stray] of [...this.strays]) if (stray.key.startsWith(prefix)) this.strays.delete(id);
    for (const p of positions) this.seed(account, p.contract, p.netPos);
  }

  sent(account: string, contract: string, clOrdId: string, delta: number): void {
    const order: Order = {
      account: account.toUpperCase(),
      contract: contract.toUpperCase(),
      qty: delta,
      inReport: 0,
      filledSeen: 0,
    };
    this.orders.set(clOrdId, order);
    const k = key(account, contract);
    let line = this.byLine.get(k);
    if (!line) {
      line = new Map();
      this.byLine.set(k, line);
    }
    line.set(clOrdId, order);
    if (this.orders.size > MAX_ORDERS) {
      const oldest = this.orders.keys().next();
      if (!oldest.done) this.forget(oldest.value);
    }
  }

  /**
   * The broker accepted our order. A fill that came before the ack without our clOrdId was
   * counted as manual; it is moved to the order now. Returns its signed quantity (0 when none).
   */
  acked(clOrdId: string, orderId: number): number {
    const order = this.orders.get(clOrdId);
    if (!order) return 0;
    order.orderId = orderId;
    this.byOrderId.set(orderId, clOrdId);
    const stray = this.strays.get(orderId);
    if (!stray) return 0;
    this.strays.delete(orderId);
    const line = this.lines.get(stray.key);
    order.filledSeen += stray.qty;
    if (stray.reported) order.inReport = clampTo(order.qty, order.inReport + stray.qty);
    else if (line) line.manualUnseen -= stray.qty;
    this.pruneIfDone(clOrdId, order);
    return stray.qty;
  }

  /** The order was rejected or cancelled: only what already filled will ever count. */
  failed(clOrdId: string): void {
    const order = this.orders.get(clOrdId);
    if (!order) return;
    order.qty = order.filledSeen;
    order.inReport = clampTo(order.qty, order.inReport);
    this.pruneIfDone(clOrdId, order);
  }

  /** Our clOrdId for a broker order id or clOrdId, if it is one of our live orders. */
  match(clOrdId: string | undefined, orderId: number): string | undefined {
    if (clOrdId !== undefined && this.orders.has(clOrdId)) return clOrdId;
    return this.byOrderId.get(orderId);
  }

  /** A fill on a follower account. Returns our clOrdId when it belongs to one of our orders. */
  fill(
    account: string,
    contract: string,
    signedQty: number,
    ids: { clOrdId?: string | undefined; orderId: number },
  ): string | undefined {
    const mine = this.match(ids.clOrdId, ids.orderId);
    const order = mine === undefined ? undefined : this.orders.get(mine);
    if (mine !== undefined && order) {
      order.filledSeen += signedQty;
      this.pruneIfDone(mine, order);
      return mine;
    }
    const k = key(account, contract);
    this.seed(account, contract, 0);
    const line = this.lines.get(k)!;
    let rest = signedQty;
    if (line.manualAhead !== 0 && Math.sign(line.manualAhead) === Math.sign(rest)) {
      const take = Math.sign(rest) * Math.min(Math.abs(rest), Math.abs(line.manualAhead));
      line.manualAhead -= take;
      rest -= take;
    }
    line.manualUnseen += rest;
    if (rest !== 0) {
      const stray = this.strays.get(ids.orderId);
      if (stray && !stray.reported) stray.qty += rest;
      else this.strays.set(ids.orderId, { key: k, qty: rest, reported: false });
      if (this.strays.size > MAX_STRAYS) {
        const oldest = this.strays.keys().next();
        if (!oldest.done) this.strays.delete(oldest.value);
      }
    }
    return undefined;
  }

  /** What the copier believes the follower holds (or will hold once its orders fill). */
  position(account: string, contract: string): number {
    const k = key(account, contract);
    const line = this.lines.get(k);
    return (line ? line.reported + line.manualUnseen : 0) + this.inFlight(account, contract);
  }

  /** Our orders' quantity not yet in a position report. */
  inFlight(account: string, contract: string): number {
    let total = 0;
    const line = this.byLine.get(key(account, contract));
    if (line) for (const order of line.values()) total += order.qty - order.inReport;
    return total;
  }

  /** Is this order still being tracked (not yet fully reported and filled, nor dead)? */
  isPending(clOrdId: string): boolean {
    return this.orders.has(clOrdId);
  }

  /** Our live orders on one account and contract, in the order they were sent. */
  private ordersOn(k: string): Array<[string, Order]> {
    const line = this.byLine.get(k);
    return line ? [...line] : [];
  }

  private pruneIfDone(clOrdId: string, order: Order): void {
    const reported = Math.abs(order.inReport) >= Math.abs(order.qty);
    const seen = Math.abs(order.filledSeen) >= Math.abs(order.qty);
    if (reported && seen) this.forget(clOrdId);
  }

  private forget(clOrdId: string): void {
    const order = this.orders.get(clOrdId);
    if (order?.orderId !== undefined) this.byOrderId.delete(order.orderId);
    this.orders.delete(clOrdId);
    if (order) {
      const k = key(order.account, order.contract);
      const line = this.byLine.get(k);
      line?.delete(clOrdId);
      if (line?.size === 0) this.byLine.delete(k);
    }
  }
}

function key(account: string, contract: string): string {
  return `${account.toUpperCase()}|${contract.toUpperCase()}`;
}

/** Keep `value` between 0 and `limit` on limit's side. */
function clampTo(limit: number, value: number): number {
  if (limit >= 0) return Math.min(Math.max(value, 0), limit);
  return Math.max(Math.min(value, 0), limit);
}
