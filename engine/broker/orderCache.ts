/**
 * What the model knows about orders (tradovate-protocol.md §3.6, §4): the orders themselves (fills
 * carry no accountId, so `fill.orderId → order.accountId` goes through here), our clOrdIds, the
 * command → order links that let a report find its order, reject reasons, and the last status
 * reported for each order.
 *
 * Bounded (design.md §9): finished orders beyond the most recent `finishedOrders` are forgotten
 * with their clOrdId, status and reject reason (working orders never are), and only the most
 * recent `commands` links are kept.
 *
 * An order's terms live on its latest orderVersion and its filled quantity on its execution
 * reports (§4: the order entity has neither); `view` puts them together as a WorkingOrder.
 */
import type { OrderStatusEvent, Side, WorkingOrder } from "../types.js";
import type { RawCommand, RawOrder, RawOrderVersion, RawReport } from "./entities.js";
import { FifoKeys } from "./fifo.js";

const WORKING = new Set(["Working", "PendingNew", "PendingReplace", "PendingCancel", "Suspended"]);
/** Orders that can change no more: kept a while for late fills and reports, then forgotten. */
const FINISHED = new Set(["Filled", "Canceled", "Rejected", "Expired", "Completed"]);
/** A command's report that refuses it (tradovate-protocol.md §4: commandReport.commandStatus). */
const REFUSED = new Set(["RiskRejected", "ExecutionRejected"]);

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
  /** The latest version of each order (the highest version id: a modify makes a new one). */
  private readonly versions = new Map<number, RawOrderVersion>();
  /** Contracts filled so far per order (the highest cumQty reported). */
  private readonly filled = new Map<number, number>();
  /** Open orders per account, so reading one account's never scans every order. */
  private readonly openByAccount = new Map<number, Set<number>>();
  private readonly viewKeys = new Map<number, string>();
  /** Orders a modify gave a new version since their last report (news). */
  private readonly modified = new Set<number>();
  /** Modify and cancel commands among the `commands` kept: a report refusing one leaves its order as it was. */
  private readonly commandTypes = new Map<number, "Modify" | "Cancel">();
  /** The latest modify of each order that the broker took and then refused in its report. */
  private readonly modifyRefusals = new Map<number, { commandId: number; reason: string }>();
  /** The latest cancel of each order that the broker took and then refused in its report. */
  private readonly cancelRefusals = new Map<number, { commandId: number; reason: string }>();

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

  working(accountId: number, nameOf: (contractId: number) => string | undefined): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const id of this.openByAccount.get(accountId) ?? []) {
      const view = this.view(id, nameOf);
      if (view) out.push(view);
    }
    return out;
  }

  /** The order with its terms, fills and links as a WorkingOrder; undefined without a contract. */
  view(orderId: number, nameOf: (contractId: number) => string | undefined): WorkingOrder | undefined {
    const o = this.orders.get(orderId);
    if (!o || o.contractId === undefined) return undefined;
    const v = this.versions.get(orderId);
    const partner = o.linkedId ?? (o.ocoId !== undefined && o.ocoId !== o.id ? o.ocoId : undefined);
    // Built field by field (no undefined keys): this runs for every order entity of every frame.
    const view: WorkingOrder = {
      orderId: o.id,
      accountId: o.accountId,
      contractId: String(o.contractId),
      filledQty: this.filled.get(orderId) ?? 0,
      status: o.ordStatus,
    };
    const contract = nameOf(o.contractId);
    if (contract !== undefined) view.contract = contract;
    if (o.action !== undefined) view.side = o.action as Side;
    if (v) {
      view.orderType = v.orderType;
      view.qty = v.orderQty;
      if (v.price !== undefined) view.price = v.price;
      if (v.stopPrice !== undefined) view.stopPrice = v.stopPrice;
      // A distance, whichever way the stop trails: a sell's may come signed below the price.
      if (v.pegDifference !== undefined) view.trail = Math.abs(v.pegDifference);
      if (v.timeInForce !== undefined) view.timeInForce = v.timeInForce;
    }
    const clOrdId = this.clOrdIds.get(orderId);
    if (clOrdId !== undefined) view.clOrdId = clOrdId;
    if (partner !== undefined) view.ocoWith = partner;
    if (o.parentId !== undefined) view.bracketOf = o.parentId;
    if (o.createdAt !== undefined) view.placedAt = o.createdAt;
    const refused = this.modifyRefusals.get(orderId);
    if (refused !== undefined) view.modifyRefused = refused;
    const cancelRefused = this.cancelRefusals.get(orderId);
    if (cancelRefused !== undefined) view.cancelRefused = cancelRefused;
    return view;
  }

  /**
   * Whether the order is news since it was last reported: its view differs (recorded), or a modify
   * gave it a new version (`modified`), which its view alone may not show (terms moved and back).
   */
  news(view: WorkingOrder): { modified?: true } | undefined {
    const key = viewKey(view);
    const modified = this.modified.delete(view.orderId) ? MODIFIED : undefined;
    if (this.viewKeys.get(view.orderId) === key) return modified;
    this.viewKeys.set(view.orderId, key);
    return modified ?? {};
  }

  /**
   * A snapshot is the truth now: orders it does not list are gone (links and clOrdIds stay). A
   * re-read of `only` some accounts forgets theirs alone, and keeps their terms and filled counts,
   * which only grow: it brings back those of working orders, not those of every finished one.
   */
  clearOrders(only?: ReadonlySet<number>): void {
    if (!only) {
      this.orders.clear();
      this.openByAccount.clear();
      this.versions.clear();
      this.filled.clear();
      return;
    }
    for (const [id, o] of this.orders) if (only.has(o.accountId)) this.orders.delete(id);
    for (const accountId of only) this.openByAccount.delete(accountId);
  }

  applyVersion(v: RawOrderVersion): void {
    const have = this.versions.get(v.orderId);
    if (have && have.id < v.id) this.modified.add(v.orderId);
    if (!have || have.id <= v.id) this.versions.set(v.orderId, v);
  }

  /** Keeps `o` (a fresh parse the caller hands over: it is completed here, not copied). */
  store(o: RawOrder): void {
    const before = this.orders.get(o.id);
    // A later event may leave out what an earlier one said (links, creation time): keep it.
    if (before) {
      o.linkedId ??= before.linkedId;
      o.ocoId ??= before.ocoId;
      o.parentId ??= before.parentId;
      o.createdAt = before.createdAt ?? createdAt(o);
    } else o.createdAt = createdAt(o);
    // Read once into createdAt; kept, it would be a string per order for thousands of orders.
    o.timestamp = undefined;
    this.orders.set(o.id, o);
    this.indexOpen(o);
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
    if (c.commandType === "Modify" || c.commandType === "Cancel") this.commandTypes.set(c.id, c.commandType);
    while (this.commandOrders.size > this.limits.commands) {
      const oldest = this.commandsOldestFirst.shift();
      if (oldest === undefined) break;
      this.commandOrders.delete(oldest);
      this.commandTypes.delete(oldest);
    }
    // An order we did not place this run may still carry one of our clOrdIds (restart).
    if (c.clOrdId && !this.clOrdIds.has(c.orderId)) this.clOrdIds.set(c.orderId, c.clOrdId);
  }

  /** Records a report's reject reason and filled quantity; returns the order it is about, when known. */
  applyReport(r: RawReport): number | undefined {
    const orderId =
      r.orderId ?? (r.commandId !== undefined ? this.commandOrders.get(r.commandId) : undefined);
    // The reason is Tradovate's enum (often UnknownReason); its text is what says why.
    const why = r.rejectReason && r.text ? `${r.rejectReason}: ${r.text}` : r.rejectReason;
    const refused = REFUSED.has(r.commandStatus ?? "") ? this.commandTypes.get(r.commandId ?? -1) : undefined;
    // A modify or cancel refused after its answer: the order keeps working as it was, it is not rejected.
    if (orderId !== undefined && refused !== undefined)
      (refused === "Modify" ? this.modifyRefusals : this.cancelRefusals).set(orderId, {
        commandId: r.commandId!,
        reason: why ?? r.commandStatus!,
      });
    else if (orderId !== undefined && why) this.rejectReasons.set(orderId, why);
    if (orderId !== undefined && r.cumQty !== undefined && r.cumQty > (this.filled.get(orderId) ?? 0))
      this.filled.set(orderId, r.cumQty);
    return orderId;
  }

  /** Whether the order's status (with its reject reason) differs from the last one reported; records it. */
  statusChanged(o: RawOrder): boolean {
    const k = this.statusKey(o);
    if (this.statusKeys.get(o.id) === k) return false;
    this.statusKeys.set(o.id, k);
    return true;
  }

  /** The order's status as an event; undefined without a contract. */
  statusEvent(o: RawOrder, connection: string): OrderStatusEvent | undefined {
    if (o.contractId === undefined) return undefined;
    return {
      type: "orderStatus",
      connection,
      accountId: o.accountId,
      orderId: o.id,
      contractId: String(o.contractId),
      status: o.ordStatus,
      clOrdId: this.clOrdIds.get(o.id),
      rejectReason: o.ordStatus === "Rejected" ? this.rejectReasons.get(o.id) : undefined,
    };
  }

  /** After a snapshot (of `only` some accounts): its statuses and views count as reported. */
  markStatusesReported(nameOf: (contractId: number) => string | undefined, only?: ReadonlySet<number>): void {
    for (const o of this.orders.values()) {
      if (only && !only.has(o.accountId)) continue;
      this.statusKeys.set(o.id, this.statusKey(o));
      const view = this.view(o.id, nameOf);
      if (view) this.viewKeys.set(o.id, viewKey(view));
    }
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
      this.modifyRefusals.delete(id);
      this.cancelRefusals.delete(id);
      this.versions.delete(id);
      this.modified.delete(id);
      this.filled.delete(id);
      this.viewKeys.delete(id);
    }
  }

  private indexOpen(o: RawOrder): void {
    let open = this.openByAccount.get(o.accountId);
    if (WORKING.has(o.ordStatus)) {
      if (!open) {
        open = new Set();
        this.openByAccount.set(o.accountId, open);
      }
      open.add(o.id);
    } else if (open?.delete(o.id) && open.size === 0) this.openByAccount.delete(o.accountId);
  }

  private statusKey(o: RawOrder): string {
    return o.ordStatus === "Rejected" ? `${o.ordStatus}|${this.rejectReasons.get(o.id) ?? ""}` : o.ordStatus;
  }
}

function createdAt(o: RawOrder): number | undefined {
  if (o.createdAt !== undefined || o.timestamp === undefined) return o.createdAt;
  const t = Date.parse(o.timestamp);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Everything a view says that can change, as one string, kept per order until it is forgotten.
 * Joined, not concatenated: twelve concatenations are kept as a tree of some twenty strings.
 */
const MODIFIED = { modified: true } as const;

function viewKey(v: WorkingOrder): string {
  return [
    v.status,
    v.contract,
    v.side,
    v.orderType,
    v.qty,
    v.filledQty,
    v.price,
    v.stopPrice,
    v.trail,
    v.timeInForce,
    v.clOrdId,
    v.ocoWith,
    v.bracketOf,
    v.modifyRefused?.commandId,
    v.cancelRefused?.commandId,
  ].join("|");
}
