/**
 * A follower's position per contract as the copier must see it: what the broker last reported,
 * plus fills seen since that report, plus what the copier has sent and the broker has not filled
 * yet. Two quick leader fills therefore never double-count or over-close.
 *
 * Assumes the broker reports an execution as fill then position (Tradovate's props order), so a
 * PositionEvent covers every fill seen before it on that account and contract.
 */

interface Line {
  reported: number;
  filledSinceReport: number;
}

interface Pending {
  account: string;
  contract: string;
  /** Signed contracts sent and not filled yet. */
  remaining: number;
  orderId?: number | undefined;
}

const MAX_UNMATCHED = 1000;

export class FollowerBook {
  private readonly lines = new Map<string, Line>();
  private readonly pending = new Map<string, Pending>();
  private readonly byOrderId = new Map<number, string>();
  /** Fills whose order id we could not match yet (the ack may come after the fill). */
  private readonly unmatched = new Map<number, number>();

  has(account: string, contract: string): boolean {
    return this.lines.has(key(account, contract));
  }

  /** Start a line from a broker snapshot value if the copier has none yet. */
  seed(account: string, contract: string, netPos: number): void {
    const k = key(account, contract);
    if (!this.lines.has(k)) this.lines.set(k, { reported: netPos, filledSinceReport: 0 });
  }

  /** A PositionEvent: the broker's word replaces the fills seen since the last one. */
  report(account: string, contract: string, netPos: number): void {
    this.lines.set(key(account, contract), { reported: netPos, filledSinceReport: 0 });
  }

  /** A (re)sync snapshot: everything about this account restarts from the broker's positions. */
  resetAccount(account: string, positions: ReadonlyArray<{ contract: string; netPos: number }>): void {
    const prefix = `${account.toUpperCase()}|`;
    for (const k of [...this.lines.keys()]) if (k.startsWith(prefix)) this.lines.delete(k);
    for (const [clOrdId, p] of [...this.pending])
      if (p.account === account.toUpperCase()) this.forget(clOrdId);
    for (const p of positions) this.report(account, p.contract, p.netPos);
  }

  sent(account: string, contract: string, clOrdId: string, delta: number): void {
    this.pending.set(clOrdId, {
      account: account.toUpperCase(),
      contract: contract.toUpperCase(),
      remaining: delta,
    });
  }

  /**
   * The broker accepted our order; apply a fill that arrived before the ack, if any.
   * Returns the signed quantity of such early fills (0 when none).
   */
  acked(clOrdId: string, orderId: number): number {
    const p = this.pending.get(clOrdId);
    if (!p) return 0;
    p.orderId = orderId;
    this.byOrderId.set(orderId, clOrdId);
    const early = this.unmatched.get(orderId);
    if (early === undefined) return 0;
    this.unmatched.delete(orderId);
    this.consume(clOrdId, p, early);
    return early;
  }

  /** Is this order still waiting for (part of) its fill? */
  isPending(clOrdId: string): boolean {
    return this.pending.has(clOrdId);
  }

  /** The order was rejected or cancelled: nothing more will fill. */
  failed(clOrdId: string): void {
    this.forget(clOrdId);
  }

  /** Pending clOrdId for a broker order id or clOrdId, if it is ours. */
  match(clOrdId: string | undefined, orderId: number): string | undefined {
    if (clOrdId !== undefined && this.pending.has(clOrdId)) return clOrdId;
    return this.byOrderId.get(orderId);
  }

  /**
   * A fill on a follower account (ours or manual). Returns the clOrdId it belongs to when it is
   * one of our pending orders.
   */
  fill(
    account: string,
    contract: string,
    signedQty: number,
    ids: { clOrdId?: string | undefined; orderId: number },
  ): string | undefined {
    const k = key(account, contract);
    const line = this.lines.get(k) ?? { reported: 0, filledSinceReport: 0 };
    line.filledSinceReport += signedQty;
    this.lines.set(k, line);
    const mine = this.match(ids.clOrdId, ids.orderId);
    const p = mine === undefined ? undefined : this.pending.get(mine);
    if (mine !== undefined && p) {
      this.consume(mine, p, signedQty);
      return mine;
    }
    if (this.unmatched.size >= MAX_UNMATCHED) {
      const oldest = this.unmatched.keys().next().value;
      if (oldest !== undefined) this.unmatched.delete(oldest);
    }
    this.unmatched.set(ids.orderId, (this.unmatched.get(ids.orderId) ?? 0) + signedQty);
    return undefined;
  }

  /** Broker-reported + filled since + in flight. */
  position(account: string, contract: string): number {
    const line = this.lines.get(key(account, contract));
    return (line ? line.reported + line.filledSinceReport : 0) + this.inFlight(account, contract);
  }

  inFlight(account: string, contract: string): number {
    const a = account.toUpperCase();
    const c = contract.toUpperCase();
    let total = 0;
    for (const p of this.pending.values()) if (p.account === a && p.contract === c) total += p.remaining;
    return total;
  }

  /** Contracts this account has a line for (reported or filled). */
  contracts(account: string): string[] {
    const prefix = `${account.toUpperCase()}|`;
    return [...this.lines.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  pendingCount(): number {
    return this.pending.size;
  }

  private consume(clOrdId: string, p: Pending, signedQty: number): void {
    // Move remaining toward zero by the fill; a fill never pushes it past zero.
    if (Math.sign(signedQty) === Math.sign(p.remaining)) {
      const step = Math.min(Math.abs(signedQty), Math.abs(p.remaining));
      p.remaining -= Math.sign(p.remaining) * step;
    }
    if (p.remaining === 0) this.forget(clOrdId);
  }

  private forget(clOrdId: string): void {
    const p = this.pending.get(clOrdId);
    if (p?.orderId !== undefined) this.byOrderId.delete(p.orderId);
    this.pending.delete(clOrdId);
  }
}

function key(account: string, contract: string): string {
  return `${account.toUpperCase()}|${contract.toUpperCase()}`;
}
