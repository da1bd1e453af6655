/**
 * The entity cache of one login (tradovate-protocol.md §3.5–3.7, §4): applies the sync snapshot
 * and `props` events, idempotently, and turns changes into normalised BrokerEvents.
 * Fills carry no accountId: they are mapped through `fill.orderId → order.accountId`; a fill or
 * position whose order or contract is not known yet waits in `pending` until the session has
 * fetched what is missing. Pure state: no I/O, no timers.
 *
 * Memory stays bounded over a long run (design.md §9): finished orders beyond the most recent
 * `finishedOrders` are forgotten with their clOrdId, status and reject reason (working orders
 * never are), and fill ids and command ids keep only the most recent ones. Nothing is dropped
 * while a fill waits in `pending`, so holding back and emitting fills is unchanged.
 */
import type {
  BalanceEvent,
  BrokerAccount,
  BrokerEvent,
  ContractSpec,
  FillEvent,
  Logger,
  MonoMs,
  OrderStatusEvent,
  PositionSnapshot,
  RiskStatusEvent,
  SyncEvent,
  WorkingOrder,
} from "../types.js";
import {
  LOCKING_ACTIONS,
  parseAccount,
  parseCashBalance,
  parseCommand,
  parseContract,
  parseFill,
  parseMaturity,
  parseOrder,
  parsePosition,
  parseProduct,
  parseReport,
  parseRiskStatus,
  type RawContract,
  type RawFill,
  type RawMaturity,
  type RawOrder,
  type RawPosition,
  type RawProduct,
  type RawRiskStatus,
} from "./entities.js";

const WORKING = new Set(["Working", "PendingNew", "PendingReplace", "PendingCancel", "Suspended"]);
/** Orders that can change no more: kept a while for late fills and reports, then forgotten. */
const FINISHED = new Set(["Filled", "Canceled", "Rejected", "Expired", "Completed"]);

export interface ModelLimits {
  /** Finished orders remembered (the most recent ones). */
  finishedOrders: number;
  /** Fill ids remembered to skip repeats and history (the most recent ones; > a day's snapshot). */
  fillIds: number;
  /** Command → order links remembered (the most recent ones). */
  commands: number;
}

export const MODEL_LIMITS: Readonly<ModelLimits> = Object.freeze({
  finishedOrders: 5_000,
  fillIds: 100_000,
  commands: 20_000,
});

/** Snapshot collections and the entity type each holds. */
const SNAPSHOT_COLLECTIONS: Array<[string, string]> = [
  ["accounts", "account"],
  ["contracts", "contract"],
  ["contractMaturities", "contractMaturity"],
  ["products", "product"],
  ["orders", "order"],
  ["commands", "command"],
  ["commandReports", "commandReport"],
  ["executionReports", "executionReport"],
  ["positions", "position"],
  ["cashBalances", "cashBalance"],
  ["accountRiskStatuses", "accountRiskStatus"],
];

type Pending =
  | { kind: "fill"; fill: RawFill; receivedAt: MonoMs }
  | { kind: "position"; position: RawPosition };

export class BrokerModel {
  private allowed = new Map<number, BrokerAccount>();
  private readonly orders = new Map<number, RawOrder>();
  private readonly fillIds = new Set<number>();
  private readonly positionsByKey = new Map<string, RawPosition>();
  private readonly cash = new Map<number, { amount: number; realizedPnL: number }>();
  private readonly risk = new Map<number, RawRiskStatus>();
  private readonly contracts = new Map<number, RawContract>();
  private readonly contractIdsByName = new Map<string, number>();
  private readonly maturities = new Map<number, RawMaturity>();
  private readonly products = new Map<number, RawProduct>();
  /** Contracts whose maturity/product lookup finished (even unsuccessfully): emit with what we have. */
  private readonly lookedUp = new Set<number>();
  private readonly clOrdIds = new Map<number, string>();
  private readonly commandOrders = new Map<number, number>();
  private readonly rejectReasons = new Map<number, string>();
  private readonly statusKeys = new Map<number, string>();
  private readonly prices = new Map<number, number>();
  private pending: Pending[] = [];
  /** Ids of finished orders, and the same ids oldest first. */
  private readonly finished = new Set<number>();
  private readonly finishedOldestFirst = new FifoKeys();
  private readonly fillIdsOldestFirst = new FifoKeys();
  private readonly commandsOldestFirst = new FifoKeys();

  constructor(
    private readonly connection: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly limits: Readonly<ModelLimits> = MODEL_LIMITS,
  ) {}

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return [...this.allowed.values()];
  }

  isAllowed(accountId: number): boolean {
    return this.allowed.has(accountId);
  }

  positions(accountId: number): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const p of this.positionsByKey.values()) if (p.accountId === accountId) out.push(this.snapshotOf(p));
    return out;
  }

  allPositions(): PositionSnapshot[] {
    return [...this.positionsByKey.values()]
      .filter((p) => this.allowed.has(p.accountId))
      .map((p) => this.snapshotOf(p));
  }

  cashBalance(accountId: number): { amount: number; realizedPnL: number } | undefined {
    const c = this.cash.get(accountId);
    return c ? { ...c } : undefined;
  }

  workingOrders(accountId: number): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.accountId === accountId && WORKING.has(o.ordStatus) && o.contractId !== undefined) {
        out.push({ orderId: o.id, accountId: o.accountId, contractId: o.contractId });
      }
    }
    return out;
  }

  order(orderId: number): RawOrder | undefined {
    return this.orders.get(orderId);
  }

  contractById(id: number): ContractSpec | undefined {
    const c = this.contracts.get(id);
    if (!c) return undefined;
    const maturity =
      c.contractMaturityId !== undefined ? this.maturities.get(c.contractMaturityId) : undefined;
    const product = maturity ? this.products.get(maturity.productId) : undefined;
    if (!product || product.tickSize === undefined || product.valuePerPoint === undefined) return undefined;
    return {
      id: c.id,
      name: c.name,
      root: product.name,
      tickSize: product.tickSize,
      pointValue: product.valuePerPoint,
    };
  }

  contractByName(name: string): ContractSpec | undefined {
    const id = this.contractIdsByName.get(name.toUpperCase());
    return id === undefined ? undefined : this.contractById(id);
  }

  contractName(id: number): string | undefined {
    return this.contracts.get(id)?.name;
  }

  /** Ids of the maturity and product a contract needs, when they are not cached. */
  missingSpecParts(contractId: number): { maturityId?: number; productId?: number } {
    const c = this.contracts.get(contractId);
    if (!c || c.contractMaturityId === undefined) return {};
    const m = this.maturities.get(c.contractMaturityId);
    if (!m) return { maturityId: c.contractMaturityId };
    return this.products.has(m.productId) ? {} : { productId: m.productId };
  }

  lastPrice(contractId: number): number | undefined {
    return this.prices.get(contractId);
  }

  setLastPrice(contractId: number, price: number): void {
    this.prices.set(contractId, price);
  }

  /** What the pending fills and positions are waiting for. */
  missing(): { orderIds: number[]; contractIds: number[] } {
    const orderIds = new Set<number>();
    const contractIds = new Set<number>();
    for (const p of this.pending) {
      if (p.kind === "fill" && !this.orders.has(p.fill.orderId)) orderIds.add(p.fill.orderId);
      const cid = p.kind === "fill" ? p.fill.contractId : p.position.contractId;
      if (!this.contractReady(cid)) contractIds.add(cid);
    }
    return { orderIds: [...orderIds], contractIds: [...contractIds] };
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  // ------------------------------------------------------------------ writes

  /** The accounts this session syncs (account/list filtered by the config). */
  setAccounts(accounts: BrokerAccount[]): void {
    this.allowed = new Map(accounts.map((a) => [a.id, a]));
  }

  /** Our own order: its fills and status events carry our clOrdId. */
  rememberClOrdId(orderId: number, clOrdId: string): void {
    this.clOrdIds.set(orderId, clOrdId);
  }

  /** The contract lookup for `contractId` is over (found or not): pending items may go out. */
  markLookedUp(contractId: number): void {
    this.lookedUp.add(contractId);
  }

  /** Applies a user/syncrequest snapshot. Fills in it become history, never FillEvents. */
  applySnapshot(d: unknown, initial: boolean): BrokerEvent[] {
    const snap = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
    // The snapshot is the truth now: forget per-account state that may be stale after a gap.
    this.orders.clear();
    this.positionsByKey.clear();
    this.cash.clear();
    this.risk.clear();
    this.pending = this.pending.filter((p) => p.kind === "fill");
    for (const [collection, type] of SNAPSHOT_COLLECTIONS) {
      for (const entity of asArray(snap[collection])) this.applyEntity(type, entity);
    }
    const snapshotFillIds: number[] = [];
    for (const entity of asArray(snap.fills)) {
      const fill = parseFill(entity);
      if (!fill) continue;
      const order = this.orders.get(fill.orderId);
      if (order && !this.allowed.has(order.accountId)) continue;
      this.rememberFillId(fill.id);
      snapshotFillIds.push(fill.id);
    }
    // Pending live fills that the snapshot already holds are history now too.
    this.pending = this.pending.filter((p) => p.kind !== "fill" || !snapshotFillIds.includes(p.fill.id));
    for (const o of this.orders.values()) this.statusKeys.set(o.id, this.statusKey(o));
    this.forgetFinishedOrders();
    const sync: SyncEvent = {
      type: "sync",
      connection: this.connection,
      initial,
      accounts: this.accounts(),
      positions: this.allPositions(),
      fillIds: snapshotFillIds,
    };
    const events: BrokerEvent[] = [sync];
    for (const [accountId, c] of this.cash) {
      if (this.allowed.has(accountId)) events.push(this.balanceEvent(accountId, c));
    }
    for (const r of this.risk.values()) if (this.allowed.has(r.accountId)) events.push(this.riskEvent(r));
    return events;
  }

  /** Applies one `props` event `d`; returns the events to emit, in order. */
  applyProps(d: unknown, receivedAt: MonoMs): BrokerEvent[] {
    const rec = (typeof d === "object" && d !== null ? d : undefined) as Record<string, unknown> | undefined;
    const entityType = typeof rec?.entityType === "string" ? rec.entityType : undefined;
    const eventType = typeof rec?.eventType === "string" ? rec.eventType : "Updated";
    if (!rec || !entityType) {
      this.logger.warn("props event without entityType skipped");
      return [];
    }
    const entities = Array.isArray(rec.entity) ? rec.entity : [rec.entity];
    const events: BrokerEvent[] = [];
    for (const entity of entities) {
      if (eventType === "Deleted") this.applyDeleted(entityType, entity, events);
      else this.applyLive(entityType, entity, receivedAt, events);
    }
    return events;
  }

  /** Caches an entity fetched by the session (order/item, contract/item, …) or from a snapshot. */
  applyEntity(entityType: string, entity: unknown): void {
    switch (entityType.toLowerCase()) {
      case "account": {
        const a = parseAccount(entity);
        if (a && this.allowed.has(a.id)) this.allowed.set(a.id, { id: a.id, name: a.name });
        return;
      }
      case "order": {
        const o = parseOrder(entity);
        if (o) this.storeOrder(o);
        return;
      }
      case "contract": {
        const c = parseContract(entity);
        if (c) {
          this.contracts.set(c.id, c);
          this.contractIdsByName.set(c.name.toUpperCase(), c.id);
        }
        return;
      }
      case "contractmaturity": {
        const m = parseMaturity(entity);
        if (m) this.maturities.set(m.id, m);
        return;
      }
      case "product": {
        const p = parseProduct(entity);
        if (p) this.products.set(p.id, p);
        return;
      }
      case "command": {
        const c = parseCommand(entity);
        if (!c) return;
        if (!this.commandOrders.has(c.id)) this.commandsOldestFirst.push(c.id);
        this.commandOrders.set(c.id, c.orderId);
        while (this.commandOrders.size > this.limits.commands) {
          const oldest = this.commandsOldestFirst.shift();
          if (oldest === undefined) break;
          this.commandOrders.delete(oldest);
        }
        // An order we did not place this run may still carry one of our clOrdIds (restart).
        if (c.clOrdId && !this.clOrdIds.has(c.orderId)) this.clOrdIds.set(c.orderId, c.clOrdId);
        return;
      }
      case "commandreport":
      case "executionreport": {
        const r = parseReport(entity);
        const orderId =
          r?.orderId ?? (r?.commandId !== undefined ? this.commandOrders.get(r.commandId) : undefined);
        if (r && orderId !== undefined && r.rejectReason) this.rejectReasons.set(orderId, r.rejectReason);
        return;
      }
      case "position": {
        const p = parsePosition(entity);
        if (p) this.positionsByKey.set(key(p.accountId, p.contractId), p);
        return;
      }
      case "cashbalance": {
        const c = parseCashBalance(entity);
        if (c) this.cash.set(c.accountId, { amount: c.amount, realizedPnL: c.realizedPnL });
        return;
      }
      case "accountriskstatus": {
        const r = parseRiskStatus(entity);
        if (r) this.risk.set(r.accountId, r);
        return;
      }
    }
  }

  /** Emits the pending fills and positions whose order and contract are now known. */
  flush(): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    const still: Pending[] = [];
    for (const p of this.pending) {
      const ev = p.kind === "fill" ? this.tryFill(p.fill, p.receivedAt) : this.tryPosition(p.position);
      if (ev === "wait") still.push(p);
      else if (ev) events.push(ev);
    }
    this.pending = still;
    return events;
  }

  /** Gives up on the pending items waiting for an order or contract the broker does not have. */
  dropWaitingFor(kind: "order" | "contract", id: number): void {
    this.pending = this.pending.filter((p) => {
      const waits =
        kind === "order"
          ? p.kind === "fill" && p.fill.orderId === id
          : (p.kind === "fill" ? p.fill.contractId : p.position.contractId) === id;
      if (waits) this.logger.warn(`event dropped: unresolvable ${kind}`, { id });
      return !waits;
    });
  }

  // ------------------------------------------------------------------ internals

  private applyLive(entityType: string, entity: unknown, receivedAt: MonoMs, events: BrokerEvent[]): void {
    switch (entityType.toLowerCase()) {
      case "fill": {
        const fill = parseFill(entity);
        if (!fill) {
          this.malformed(entityType);
          return;
        }
        if (this.fillIds.has(fill.id)) return; // repeat, or history
        this.rememberFillId(fill.id);
        if (!fill.active) return;
        const ev = this.tryFill(fill, receivedAt);
        if (ev === "wait") this.pending.push({ kind: "fill", fill, receivedAt });
        else if (ev) events.push(ev);
        return;
      }
      case "order": {
        const o = parseOrder(entity);
        if (!o) {
          this.malformed(entityType);
          return;
        }
        this.storeOrder(o);
        this.pushStatus(o, events);
        if (this.pending.length > 0) events.push(...this.flush());
        else this.forgetFinishedOrders();
        return;
      }
      case "commandreport":
      case "executionreport": {
        this.applyEntity(entityType, entity);
        const r = parseReport(entity);
        const orderId =
          r?.orderId ?? (r?.commandId !== undefined ? this.commandOrders.get(r.commandId) : undefined);
        const o = orderId !== undefined ? this.orders.get(orderId) : undefined;
        // A reject reason that arrives after the Rejected status refines it.
        if (o) this.pushStatus(o, events);
        return;
      }
      case "position": {
        const p = parsePosition(entity);
        if (!p) {
          this.malformed(entityType);
          return;
        }
        const k = key(p.accountId, p.contractId);
        const before = this.positionsByKey.get(k);
        this.positionsByKey.set(k, p);
        if (before && before.netPos === p.netPos && before.netPrice === p.netPrice) return;
        if (!this.allowed.has(p.accountId)) return;
        const ev = this.tryPosition(p);
        if (ev === "wait") this.pending.push({ kind: "position", position: p });
        else if (ev) events.push(ev);
        return;
      }
      case "cashbalance": {
        const c = parseCashBalance(entity);
        if (!c) {
          this.malformed(entityType);
          return;
        }
        const before = this.cash.get(c.accountId);
        this.cash.set(c.accountId, { amount: c.amount, realizedPnL: c.realizedPnL });
        if (before && before.amount === c.amount && before.realizedPnL === c.realizedPnL) return;
        if (this.allowed.has(c.accountId)) events.push(this.balanceEvent(c.accountId, c));
        return;
      }
      case "accountriskstatus": {
        const r = parseRiskStatus(entity);
        if (!r) {
          this.malformed(entityType);
          return;
        }
        const before = this.risk.get(r.accountId);
        this.risk.set(r.accountId, r);
        if (before && before.adminAction === r.adminAction && before.liquidateOnly === r.liquidateOnly)
          return;
        if (this.allowed.has(r.accountId)) events.push(this.riskEvent(r));
        return;
      }
      case "contract":
      case "contractmaturity":
      case "product": {
        this.applyEntity(entityType, entity);
        if (this.pending.length > 0) events.push(...this.flush());
        return;
      }
      default:
        this.applyEntity(entityType, entity);
    }
  }

  private applyDeleted(entityType: string, entity: unknown, events: BrokerEvent[]): void {
    const type = entityType.toLowerCase();
    if (type === "position") {
      const p = parsePosition(entity);
      if (!p) return;
      const k = key(p.accountId, p.contractId);
      const before = this.positionsByKey.get(k);
      this.positionsByKey.delete(k);
      if (before && before.netPos !== 0 && this.allowed.has(p.accountId)) {
        const flat = this.tryPosition({ ...p, netPos: 0, netPrice: undefined });
        if (flat && flat !== "wait") events.push(flat);
      }
    } else if (type === "order") {
      const o = parseOrder(entity);
      // Keep the order for fill mapping; it simply is no longer working.
      if (o) this.storeOrder({ ...o, ordStatus: WORKING.has(o.ordStatus) ? "Canceled" : o.ordStatus });
    }
  }

  private storeOrder(o: RawOrder): void {
    this.orders.set(o.id, o);
    if (!FINISHED.has(o.ordStatus) || this.finished.has(o.id)) return;
    this.finished.add(o.id);
    this.finishedOldestFirst.push(o.id);
  }

  /**
   * Forgets the oldest finished orders beyond the limit (by when they first finished). Never an
   * order that is working again, and never while fills wait: one of them may need its order.
   */
  private forgetFinishedOrders(): void {
    if (this.pending.length > 0) return;
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

  private rememberFillId(id: number): void {
    if (this.fillIds.has(id)) return;
    this.fillIds.add(id);
    this.fillIdsOldestFirst.push(id);
    while (this.fillIds.size > this.limits.fillIds) {
      const oldest = this.fillIdsOldestFirst.shift();
      if (oldest === undefined) return;
      this.fillIds.delete(oldest);
    }
  }

  private tryFill(fill: RawFill, receivedAt: MonoMs): FillEvent | undefined | "wait" {
    const order = this.orders.get(fill.orderId);
    if (!order) return "wait";
    if (!this.allowed.has(order.accountId)) return undefined;
    if (!this.contractReady(fill.contractId)) return "wait";
    return {
      type: "fill",
      connection: this.connection,
      accountId: order.accountId,
      fillId: fill.id,
      orderId: fill.orderId,
      contractId: fill.contractId,
      contract: this.contracts.get(fill.contractId)!.name,
      side: fill.action,
      qty: fill.qty,
      price: fill.price,
      ts: fill.ts ?? this.now(),
      receivedAt,
      clOrdId: this.clOrdIds.get(fill.orderId),
    };
  }

  private tryPosition(p: RawPosition): BrokerEvent | "wait" {
    if (!this.contractReady(p.contractId)) return "wait";
    return { type: "position", connection: this.connection, position: this.snapshotOf(p) };
  }

  private contractReady(contractId: number): boolean {
    if (!this.contracts.has(contractId)) return false;
    return this.contractById(contractId) !== undefined || this.lookedUp.has(contractId);
  }

  private pushStatus(o: RawOrder, events: BrokerEvent[]): void {
    const k = this.statusKey(o);
    if (this.statusKeys.get(o.id) === k) return;
    this.statusKeys.set(o.id, k);
    if (!this.allowed.has(o.accountId) || o.contractId === undefined) return;
    const ev: OrderStatusEvent = {
      type: "orderStatus",
      connection: this.connection,
      accountId: o.accountId,
      orderId: o.id,
      contractId: o.contractId,
      status: o.ordStatus,
      clOrdId: this.clOrdIds.get(o.id),
      rejectReason: o.ordStatus === "Rejected" ? this.rejectReasons.get(o.id) : undefined,
    };
    events.push(ev);
  }

  private statusKey(o: RawOrder): string {
    return o.ordStatus === "Rejected" ? `${o.ordStatus}|${this.rejectReasons.get(o.id) ?? ""}` : o.ordStatus;
  }

  private snapshotOf(p: RawPosition): PositionSnapshot {
    return {
      accountId: p.accountId,
      contractId: p.contractId,
      contract: this.contracts.get(p.contractId)?.name ?? String(p.contractId),
      netPos: p.netPos,
      netPrice: p.netPos === 0 ? undefined : p.netPrice,
      volume: p.volume,
    };
  }

  private balanceEvent(accountId: number, c: { amount: number; realizedPnL: number }): BalanceEvent {
    return {
      type: "balance",
      connection: this.connection,
      accountId,
      amount: c.amount,
      realizedPnL: c.realizedPnL,
    };
  }

  private riskEvent(r: RawRiskStatus): RiskStatusEvent {
    return {
      type: "riskStatus",
      connection: this.connection,
      accountId: r.accountId,
      adminAction: r.adminAction,
      liquidateOnly: r.liquidateOnly,
      locked: LOCKING_ACTIONS.has(r.adminAction),
    };
  }

  private malformed(entityType: string): void {
    this.logger.warn("malformed entity skipped", { entityType });
  }
}

function key(accountId: number, contractId: number): string {
  return `${accountId}:${contractId}`;
}

/**
 * Keys oldest first with O(1) push and shift. (Iterating a Map or Set from the front after many
 * deletes is not O(1): V8 walks the deleted slots until the table is rebuilt.)
 */
class FifoKeys {
  private keys: number[] = [];
  private head = 0;

  push(key: number): void {
    this.keys.push(key);
  }

  shift(): number | undefined {
    if (this.head >= this.keys.length) return undefined;
    const key = this.keys[this.head++];
    // Drop the consumed front now and then, so the array stays as small as what it holds.
    if (this.head >= 1024 && this.head * 2 >= this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}

function asArray(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
