/**
 * What the model knows about orders (tradovate-protocol.md §3.6, §4): the orders themselves (fills
 * carry no accountId, so `fill.orderId → order.accountId` goes through here), our clOrdIds, the
 * command → order links that let a report find its order, reject reasons, and the last status
 * reported for each order.
 *
 * Bounded (design.md §9): finished orders beyond the most recent `finishedOrders` are forgotten
 * with their clOrdId, status and reject reason (working orders never are), and only the most
 * recent `commands` links are kept.
 */
import type { WorkingOrder } from "../types.js";
import type { RawCommand, RawOrder, RawReport } from "./entities.js";
import { FifoKeys } from "./fifo.js";

const WORKING = new Set(["Working", "PendingNew", "PendingReplace", "PendingCancel", "Suspended"]);
/** Orders that can change no more: kept a while for late fills and reports, then forgotten. */
const FINISHED = new Set(["Filled", "Canceled", "Rejected", "Expired", "Completed"]);

export function isWorking(ordStatus: string): boolean {
  return WORKING.has(ordStatus);
}

export class OrderCache {
  private readonly orders = new Map<number, RawOrder>();
  private readonly clOrdIds = new Map<number, string>();
  private readonly commandOrders = new Map<number, number>();
  private readonly rejectReasons = new Map<number, string>();
  private readonly statusKeys = new Map<number, string>();
  /** Ids of finished orders, and the same ids oldest first. */
  private readonly finished = new Set<number>();
  private readonly finishedOldestFirst = new FifoKeys();
  private readonly commandsOldestFirst = new FifoKeys();

  constructor(private readonly limits: { finishedOrders: number; commands: number }) {}

  get(orderId: number): RawOrder | undefined {
    return this.orders.get(orderId);
  }

  has(orderId: number): boolean {
    return this.orders.has(orderId);
  }

  clOrdId(orderId: number): string | undefined {
    return this.clOrdIds.get(orderId);
  }

  rejectReason(orderId: number): string | undefined {
    return this.rejectReasons.get(orderId);
  }

  working(accountId: number): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.accountId === accountId && WORKING.has(o.ordStatus) && o.contractId !== undefined) {
        out.push({ orderId: o.id, accountId: o.accountId, contractId: String(o.contractId) });
      }
    }
    return out;
  }

  /** A snapshot is the truth now: orders it does not list are gone (links and clOrdIds stay). */
  clearOrders(): void {
    this.orders.clear();
  }

  store(o: RawOrder): void {
    this.orders.set(o.id, o);
    if (!FINISHED.has(o.ordStatus) || this.finished.has(o.id)) return;
    this.finished.add(o.id);
    this.finishedOldestFirst.push(o.id);
  }

  /** Our own order: its fills and status events carry our clOrdId. */
  rememberClOrdId(orderId: number, clOrdId: string): void {
    this.clOrdIds.set(orderId, clOrdId);
  }

  applyCommand(c: RawCommand): void {
    if (!this.commandOrders.has(c.id)) this.commandsOldestFirst.push(c.id);
    this.commandOrders.set(c.id, c.orderId);
    while (this.commandOrders.size > this.limits.commands) {
      const oldest = this.commandsOldestFirst.shift();
      if (oldest === undefined) break;
      this.commandOrders.delete(oldest);
    }
    // An order we did not place this run may still carry one of our clOrdIds (restart).
    if (c.clOrdId && !this.clOrdIds.has(c.orderId)) this.clOrdIds.set(c.orderId, c.clOrdId);
  }

  /** Records a report's reject reason; returns the order it is about, when known. */
  applyReport(r: RawReport): number | undefined {
    const orderId =
      r.orderId ?? (r.commandId !== undefined ? this.commandOrders.get(r.commandId) : undefined);
    if (orderId !== undefined && r.rejectReason) this.rejectReasons.set(orderId, r.rejectReason);
    return orderId;
  }

  /** Whether the order's status (with its reject reason) differs from the last one reported; records it. */
  statusChanged(o: RawOrder): boolean {
    const k = this.statusKey(o);
    if (this.statusKeys.get(o.id) === k) return false;
    this.statusKeys.set(o.id, k);
    return true;
  }

  /** After a snapshot: its statuses count as reported. */
  markStatusesReported(): void {
    for (const o of this.orders.values()) this.statusKeys.set(o.id, this.statusKey(o));
  }

  /**
   * Forgets the oldest finished orders beyond the limit (by when they first finished). Never an
   * order that is working again; the caller does not call this while fills wait for an order.
   */
  forgetFinished(): void {
    while (this.finished.size > this.limits.finishedOrders) {
      const id = this.finishedOldestFirst.shift();
      if (id === undefined) return;
      this.finished.delete(id);
      const o = this.orders.get(id);
      if (o && !FINISHED.has(o.ordStatus)) continue;
      this.orders.delete(id);
      this.statusKeys.delete(id);
      this.clOrdIds.delete(id);
      this.rejectReasons.delete(id);
    }
  }

  private statusKey(o: RawOrder): string {
    return o.ordStatus === "Rejected" ? `${o.ordStatus}|${this.rejectReasons.get(o.id) ?? ""}` : o.ordStatus;
  }
}
