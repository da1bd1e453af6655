/**
 * Fills and what waits for them (tradovate-protocol.md §3.6, §8.4 #4, #6): fill ids seen (repeats
 * and history are never emitted twice; a snapshot's fill never had live goes out once as history),
 * busted fills (a known fill updated with `active: false`, or a snapshot's inactive fill, becomes
 * one FillBustedEvent), and the queue of fills and positions that wait for an order or a
 * contract the cache does not know yet.
 */

import { RecentIds } from "../recentIds.js";
import type { BrokerEvent, FillBustedEvent, FillEvent, HistoryFillEvent, Logger, MonoMs } from "../types.js";
import type { ContractCache } from "./contractCache.js";
import { parseFill, type RawFill, type RawPosition } from "./entities.js";
import type { OrderCache } from "./orderCache.js";

type Waiting =
  /** history: a snapshot holds it, so it is no live fill to copy (HistoryFillEvent). */
  | { kind: "fill"; fill: RawFill; receivedAt: MonoMs; history?: true }
  | { kind: "position"; position: RawPosition };

export interface FillTrackerDeps {
  connection: string;
  logger: Logger;
  now: () => number;
  orders: OrderCache;
  contracts: ContractCache;
  isAllowed(accountId: number): boolean;
  /** The position event for `p`, once its contract is known. */
  positionEvent(p: RawPosition): BrokerEvent;
}

export class FillTracker {
  private readonly fillIds: RecentIds;
  private readonly busted: RecentIds;
  private waiting: Waiting[] = [];

  constructor(
    private readonly deps: FillTrackerDeps,
    fillIdsKept: number,
  ) {
    this.fillIds = new RecentIds(fillIdsKept);
    this.busted = new RecentIds(Math.max(1, Math.floor(fillIdsKept / 10)));
  }

  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  /** What the waiting fills and positions need. */
  missing(): { orderIds: number[]; contractIds: number[] } {
    const orderIds = new Set<number>();
    const contractIds = new Set<number>();
    for (const w of this.waiting) {
      if (w.kind === "fill" && !this.deps.orders.has(w.fill.orderId)) orderIds.add(w.fill.orderId);
      const cid = w.kind === "fill" ? w.fill.contractId : w.position.contractId;
      if (!this.deps.contracts.ready(cid)) contractIds.add(cid);
    }
    return { orderIds: [...orderIds], contractIds: [...contractIds] };
  }

  /** A snapshot replaces positions (of `only` some accounts): theirs waiting go, waiting fills stay. */
  dropWaitingPositions(only?: ReadonlySet<number>): void {
    this.waiting = this.waiting.filter(
      (w) => w.kind === "fill" || (only !== undefined && !only.has(w.position.accountId)),
    );
  }

  /**
   * Snapshot fills are history: remembered so they are never emitted as live fills. One this
   * session never had live (made while it was away, or before it started) goes out once as a
   * HistoryFillEvent into `events` (or waits for its order or contract): mimik did not see it come,
   * but the journal must have every fill. An inactive one goes out as a bust (see below). Returns
   * the ids of the active fills it had had live.
   */
  history(list: unknown, events: BrokerEvent[]): number[] {
    const ids: number[] = [];
    // Waiting live fills that the snapshot holds are history now too, never emitted yet.
    const waiting = new Map<number, Waiting & { kind: "fill" }>();
    for (const w of this.waiting) if (w.kind === "fill") waiting.set(w.fill.id, w);
    for (const entity of Array.isArray(list) ? list : []) {
      const fill = parseFill(entity);
      if (!fill) continue;
      const order = this.deps.orders.get(fill.orderId);
      if (order && !this.deps.isAllowed(order.accountId)) continue;
      const had = this.fillIds.has(fill.id);
      this.fillIds.add(fill.id);
      const queued = waiting.get(fill.id);
      if (queued && fill.active) {
        queued.history = true;
        continue;
      }
      if (queued) this.waiting = this.waiting.filter((w) => w !== queued);
      if (!fill.active) {
        // Busted while the session was away: the snapshot's positions already lack it, but the
        // journal may hold it (had live here, or journaled by an earlier run: the copier's ledger
        // knows), so it goes out once as a bust. One waiting was never emitted: nothing to undo.
        if (!queued) this.bust(fill, events, true);
        this.busted.add(fill.id);
        continue;
      }
      if (!had) {
        const ev = this.tryFill(fill, 0 as MonoMs);
        if (ev === "wait") this.waiting.push({ kind: "fill", fill, receivedAt: 0 as MonoMs, history: true });
        else if (ev) events.push(historyOf(ev));
        continue;
      }
      ids.push(fill.id);
    }
    return ids;
  }

  /** A live fill: emitted, made to wait, skipped as a repeat, or reported busted. */
  live(fill: RawFill, receivedAt: MonoMs, events: BrokerEvent[]): void {
    if (this.fillIds.has(fill.id)) {
      // Seen before: a repeat, unless Tradovate now says the fill is no longer active.
      if (!fill.active) this.bust(fill, events);
      return;
    }
    this.fillIds.add(fill.id);
    if (!fill.active) {
      // Never emitted, so a repeat of it is no bust either.
      this.busted.add(fill.id);
      return;
    }
    const ev = this.tryFill(fill, receivedAt);
    if (ev === "wait") this.waiting.push({ kind: "fill", fill, receivedAt });
    else if (ev) events.push(ev);
  }

  /** A changed position: emitted, or made to wait for its contract. */
  position(p: RawPosition, events: BrokerEvent[]): void {
    if (!this.deps.contracts.ready(p.contractId)) {
      this.waiting.push({ kind: "position", position: p });
      return;
    }
    events.push(this.deps.positionEvent(p));
  }

  /** Emits what waited and can go now. */
  flush(): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    const still: Waiting[] = [];
    for (const w of this.waiting) {
      if (w.kind === "fill") {
        const ev = this.tryFill(w.fill, w.receivedAt);
        if (ev === "wait") still.push(w);
        else if (ev) events.push(w.history ? historyOf(ev) : ev);
      } else if (this.deps.contracts.ready(w.position.contractId)) {
        events.push(this.deps.positionEvent(w.position));
      } else still.push(w);
    }
    this.waiting = still;
    return events;
  }

  /** Gives up on what waits for an order or contract the broker does not have. */
  dropWaitingFor(kind: "order" | "contract", id: number): void {
    this.waiting = this.waiting.filter((w) => {
      const waits =
        kind === "order"
          ? w.kind === "fill" && w.fill.orderId === id
          : (w.kind === "fill" ? w.fill.contractId : w.position.contractId) === id;
      if (waits) this.deps.logger.warn(`event dropped: unresolvable ${kind}`, { id });
      return !waits;
    });
  }

  /**
   * A known fill came back inactive: emitted once (a fill still waiting is simply dropped).
   * `history`: a snapshot showed it busted (its positions already lack it).
   */
  private bust(fill: RawFill, events: BrokerEvent[], history?: true): void {
    if (this.busted.has(fill.id)) return;
    this.busted.add(fill.id);
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((w) => w.kind !== "fill" || w.fill.id !== fill.id);
    if (this.waiting.length !== before) return; // never emitted, so nothing to undo
    const order = this.deps.orders.get(fill.orderId);
    if (!order) {
      // A snapshot's fill of an order it no longer lists is old news: no warning for each.
      if (history) return;
      this.deps.logger.warn("busted fill of an order no longer known", {
        fillId: fill.id,
        orderId: fill.orderId,
      });
      return;
    }
    if (!this.deps.isAllowed(order.accountId)) return;
    const ev: FillBustedEvent = {
      type: "fillBusted",
      connection: this.deps.connection,
      accountId: order.accountId,
      fillId: fill.id,
      orderId: fill.orderId,
      contractId: String(fill.contractId),
      contract: this.deps.contracts.name(fill.contractId) ?? String(fill.contractId),
      side: fill.action,
      qty: fill.qty,
      price: fill.price,
      clOrdId: this.deps.orders.clOrdId(fill.orderId),
    };
    if (history) ev.history = true;
    events.push(ev);
  }

  private tryFill(fill: RawFill, receivedAt: MonoMs): FillEvent | undefined | "wait" {
    const order = this.deps.orders.get(fill.orderId);
    if (!order) return "wait";
    if (!this.deps.isAllowed(order.accountId)) return undefined;
    if (!this.deps.contracts.ready(fill.contractId)) return "wait";
    return {
      type: "fill",
      connection: this.deps.connection,
      accountId: order.accountId,
      fillId: fill.id,
      orderId: fill.orderId,
      contractId: String(fill.contractId),
      contract: this.deps.contracts.name(fill.contractId)!,
      side: fill.action,
      qty: fill.qty,
      price: fill.price,
      ts: fill.ts ?? this.deps.now(),
      receivedAt,
      clOrdId: this.deps.orders.clOrdId(fill.orderId),
    };
  }
}

/** A fill a snapshot held that the session never had live: the same fill, for the journal only. */
export function historyOf({ receivedAt: _, ...fill }: FillEvent): HistoryFillEvent {
  return { ...fill, type: "historyFill" };
}
