/**
 * Leader orders that ended without filling all of them (cancelled, expired, rejected), for the
 * mirrors that filled beyond them (MirrorAnswers.settle): each one's contract, and whether every
 * fill the broker counted for it at its end has reached the copier. ProjectX can tell an order
 * Cancelled with a fill whose trade comes up to 300 ms later: judged before that fill, a follower's
 * mirror of it looked like one beyond its leader, was closed, and the fill was then skipped for it
 * (its own mirror answered it), leaving the follower flat beside a long leader.
 */
export class EndedLeaderOrders {
  private readonly ended = new Map<number, { contract: string; filledQty: number | undefined }>();
  /** Leader order → contracts of its fills the copier has handled. */
  private readonly fills = new Map<number, number>();

  constructor(private readonly kept: number) {}

  /** The order ended; `filledQty`: what of it filled, as the broker said then (undefined: not said). */
  end(orderId: number, contract: string, filledQty: number | undefined): void {
    this.ended.set(orderId, { contract, filledQty });
    trim(this.ended, this.kept);
  }

  /** A fill of a leader order was handled by the copier. */
  filled(orderId: number, qty: number): void {
    this.fills.set(orderId, (this.fills.get(orderId) ?? 0) + qty);
    trim(this.fills, this.kept);
  }

  has(orderId: number): boolean {
    return this.ended.has(orderId);
  }

  contractOf(orderId: number): string | undefined {
    return this.ended.get(orderId)?.contract;
  }

  /** It ended, and every fill its broker counted then has been handled (or the broker did not say). */
  complete(orderId: number): boolean {
    const end = this.ended.get(orderId);
    if (end === undefined) return false;
    return end.filledQty === undefined || (this.fills.get(orderId) ?? 0) >= end.filledQty;
  }
}

/** The oldest entries go past `kept`: more than a day's leader orders. */
function trim<K, V>(map: Map<K, V>, kept: number): void {
  if (map.size > kept) map.delete(map.keys().next().value as K);
}
