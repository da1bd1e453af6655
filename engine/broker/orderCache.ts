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

/**
 * What the cache holds about one order, in one record so that an order's event reads, changes and
 * forgets it with one lookup. Ids are above 2³¹ (heap numbers as keys), and a leader fill at 200
 * followers finishes some 200 orders: nine maps made that some 1 800 deletes and as many lookups.
 */
interface Entry {
  /** The order as last stored; undefined once a snapshot (or a re-read of its account) dropped it. */
  order: RawOrder | undefined;
  /** The latest version (the highest version id: a modify makes a new one). */
  version: RawOrderVersion | undefined;
  /** Contracts filled so far (the highest cumQty reported; 0 before any). */
  filled: number;
  clOrdId: string | undefined;
  rejectReason: string | undefined;
  /** The status (and reject reason) and the view last reported. */
  statusKey: string | undefined;
  viewKey: string | undefined;
  /** A modify gave it a new version since its last report (news). */
  modified: boolean;
  /** The latest modify (cancel) of the order that the broker took and then refused in its report. */
  modifyRefused: Refusal | undefined;
  cancelRefused: Refusal | undefined;
  /** Counted among the finished orders, and queued to be forgotten (finishedOldestFirst). */
  finished: boolean;
}

interface Refusal {
  commandId: number;
  reason: string;
}

/** A command kept: its order, and whether it modifies or cancels it (a refusal then leaves the order as it was). */
interface Command {
  orderId: number;
  type: "Modify" | "Cancel" | undefined;
}

function newEntry(): Entry {
  return {
    order: undefined,
    version: undefined,
    filled: 0,
    clOrdId: undefined,
    rejectReason: undefined,
    statusKey: undefined,
    viewKey: undefined,
    modified: false,
    modifyRefused: undefined,
    cancelRefused: undefined,
    finished: false,
  };
}

export class OrderCache {
  private readonly entries = new Map<number, Entry>();
  /** How many entries are `finished`; their ids oldest first. */
  private finishedCount = 0;
  private readonly finishedOldestFirst = new FifoKeys();
  private readonly commands = new Map<number, Command>();
  private readonly commandsOldestFirst = new FifoKeys();
  /** Open orders per account, so reading one account's never scans every order. */
  private readonly openByAccount = new Map<number, Set<number>>();

  constructor(private readonly limits: { finishedOrders: number; commands: number }) {}

  get(orderId: number): RawOrder | undefined {
    return this.entries.get(orderId)?.order;
  }

  has(orderId: number): boolean {
    return this.entries.get(orderId)?.order !== undefined;
  }

  clOrdId(orderId: number): string | undefined {
    return this.entries.get(orderId)?.clOrdId;
  }

  rejectReason(orderId: number): string | undefined {
    return this.entries.get(orderId)?.rejectReason;
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
    const e = this.entries.get(orderId);
    const o = e?.order;
    if (!e || !o || o.contractId === undefined) return undefined;
    const v = e.version;
    const partner = o.linkedId ?? (o.ocoId !== undefined && o.ocoId !== o.id ? o.ocoId : undefined);
    // Built field by field (no undefined keys): this runs for every order entity of every frame.
    const view: WorkingOrder = {
      orderId: o.id,
      accountId: o.accountId,
      contractId: String(o.contractId),
      filledQty: e.filled,
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
    if (e.clOrdId !== undefined) view.clOrdId = e.clOrdId;
    if (partner !== undefined) view.ocoWith = partner;
    if (o.parentId !== undefined) view.bracketOf = o.parentId;
    if (o.createdAt !== undefined) view.placedAt = o.createdAt;
    if (e.modifyRefused !== undefined) view.modifyRefused = e.modifyRefused;
    if (e.cancelRefused !== undefined) view.cancelRefused = e.cancelRefused;
    return view;
  }

  /**
   * Whether the order is news since it was last reported: its view differs (recorded), or a modify
   * gave it a new version (`modified`), which its view alone may not show (terms moved and back).
   */
  news(view: WorkingOrder): { modified?: true } | undefined {
    const key = viewKey(view);
    const e = this.entry(view.orderId);
    const modified = e.modified ? MODIFIED : undefined;
    e.modified = false;
    if (e.viewKey === key) return modified;
    e.viewKey = key;
    return modified ?? {};
  }

  /**
   * A snapshot is the truth now: orders it does not list are gone (links and clOrdIds stay). A
   * re-read of `only` some accounts forgets theirs alone, and keeps their terms and filled counts,
   * which only grow: it brings back those of working orders, not those of every finished one.
   */
  clearOrders(only?: ReadonlySet<number>): void {
    if (!only) {
      this.openByAccount.clear();
      for (const [id, e] of this.entries) {
        e.order = undefined;
        e.version = undefined;
        e.modified = false;
        e.filled = 0;
        if (isEmpty(e)) this.entries.delete(id);
      }
      return;
    }
    for (const e of this.entries.values()) if (e.order && only.has(e.order.accountId)) e.order = undefined;
    for (const accountId of only) this.openByAccount.delete(accountId);
  }

  applyVersion(v: RawOrderVersion): void {
    const e = this.entry(v.orderId);
    if (e.version && e.version.id < v.id) e.modified = true;
    if (!e.version || e.version.id <= v.id) e.version = v;
  }

  /** Keeps `o` (a fresh parse the caller hands over: it is completed here, not copied). */
  store(o: RawOrder): void {
    const e = this.entry(o.id);
    const before = e.order;
    // A later event may leave out what an earlier one said (links, creation time): keep it.
    if (before) {
      o.linkedId ??= before.linkedId;
      o.ocoId ??= before.ocoId;
      o.parentId ??= before.parentId;
      o.createdAt = before.createdAt ?? createdAt(o);
    } else o.createdAt = createdAt(o);
    // Read once into createdAt; kept, it would be a string per order for thousands of orders.
    o.timestamp = undefined;
    e.order = o;
    this.indexOpen(o);
    if (!FINISHED.has(o.ordStatus) || e.finished) return;
    e.finished = true;
    this.finishedCount += 1;
    this.finishedOldestFirst.push(o.id);
  }

  /** Our own order: its fills and status events carry our clOrdId. */
  rememberClOrdId(orderId: number, clOrdId: string): void {
    this.entry(orderId).clOrdId = clOrdId;
  }

  applyCommand(c: RawCommand): void {
    const type = c.commandType === "Modify" || c.commandType === "Cancel" ? c.commandType : undefined;
    const have = this.commands.get(c.id);
    if (have) {
      have.orderId = c.orderId;
      if (type !== undefined) have.type = type;
    } else {
      this.commands.set(c.id, { orderId: c.orderId, type });
      this.commandsOldestFirst.push(c.id);
    }
    while (this.commands.size > this.limits.commands) {
      const oldest = this.commandsOldestFirst.shift();
      if (oldest === undefined) break;
      this.commands.delete(oldest);
    }
    // An order we did not place this run may still carry one of our clOrdIds (restart).
    if (c.clOrdId) {
      const e = this.entry(c.orderId);
      e.clOrdId ??= c.clOrdId;
    }
  }

  /** Records a report's reject reason and filled quantity; returns the order it is about, when known. */
  applyReport(r: RawReport): number | undefined {
    const command = r.commandId !== undefined ? this.commands.get(r.commandId) : undefined;
    const orderId = r.orderId ?? command?.orderId;
    if (orderId === undefined) return undefined;
    // The reason is Tradovate's enum (often UnknownReason); its text is what says why.
    const why = r.rejectReason && r.text ? `${r.rejectReason}: ${r.text}` : r.rejectReason;
    const refused = REFUSED.has(r.commandStatus ?? "") ? command?.type : undefined;
    const grows = r.cumQty !== undefined && r.cumQty > 0;
    if (refused === undefined && !why && !grows) return orderId;
    const e = this.entry(orderId);
    // A modify or cancel refused after its answer: the order keeps working as it was, it is not rejected.
    if (refused !== undefined) {
      const refusal = { commandId: r.commandId!, reason: why ?? r.commandStatus! };
      if (refused === "Modify") e.modifyRefused = refusal;
      else e.cancelRefused = refusal;
    } else if (why) e.rejectReason = why;
    if (r.cumQty !== undefined && r.cumQty > e.filled) e.filled = r.cumQty;
    return orderId;
  }

  /** Whether the order's status (with its reject reason) differs from the last one reported; records it. */
  statusChanged(o: RawOrder): boolean {
    const e = this.entry(o.id);
    const k = statusKey(o, e);
    if (e.statusKey === k) return false;
    e.statusKey = k;
    return true;
  }

  /** The order's status as an event; undefined without a contract. */
  statusEvent(o: RawOrder, connection: string): OrderStatusEvent | undefined {
    if (o.contractId === undefined) return undefined;
    const e = this.entries.get(o.id);
    return {
      type: "orderStatus",
      connection,
      accountId: o.accountId,
      orderId: o.id,
      contractId: String(o.contractId),
      status: o.ordStatus,
      clOrdId: e?.clOrdId,
      rejectReason: o.ordStatus === "Rejected" ? e?.rejectReason : undefined,
      filledQty: e?.filled,
    };
  }

  /** After a snapshot (of `only` some accounts): its statuses and views count as reported. */
  markStatusesReported(nameOf: (contractId: number) => string | undefined, only?: ReadonlySet<number>): void {
    for (const e of this.entries.values()) {
      const o = e.order;
      if (!o || (only && !only.has(o.accountId))) continue;
      e.statusKey = statusKey(o, e);
      const view = this.view(o.id, nameOf);
      if (view) e.viewKey = viewKey(view);
    }
  }

  /**
   * Forgets the oldest finished orders beyond the limit (by when they first finished). Never an
   * order that is working again; the caller does not call this while fills wait for an order.
   */
  forgetFinished(): void {
    while (this.finishedCount > this.limits.finishedOrders) {
      const id = this.finishedOldestFirst.shift();
      if (id === undefined) return;
      this.finishedCount -= 1;
      const e = this.entries.get(id);
      if (e?.order && !FINISHED.has(e.order.ordStatus)) e.finished = false;
      else this.entries.delete(id);
    }
  }

  /** The order's record, made empty when it has none yet. */
  private entry(orderId: number): Entry {
    let e = this.entries.get(orderId);
    if (!e) {
      e = newEntry();
      this.entries.set(orderId, e);
    }
    return e;
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
}

function statusKey(o: RawOrder, e: Entry): string {
  return o.ordStatus === "Rejected" ? `${o.ordStatus}|${e.rejectReason ?? ""}` : o.ordStatus;
}

/** Nothing left to keep: no order, and nothing said about one (a snapshot dropped it all). */
function isEmpty(e: Entry): boolean {
  return (
    !e.finished &&
    e.clOrdId === undefined &&
    e.rejectReason === undefined &&
    e.statusKey === undefined &&
    e.viewKey === undefined &&
    e.modifyRefused === undefined &&
    e.cancelRefused === undefined
  );
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
