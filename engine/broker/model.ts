/**
 * The entity cache of one login (tradovate-protocol.md §3.5–3.7, §4): applies the sync snapshot
 * and `props` events, idempotently, and turns changes into normalised BrokerEvents. The state is
 * kept by its owners: orders in OrderCache, contracts in ContractCache, positions, cash and risk
 * in AccountState, fills and what waits for an order or contract in FillTracker. Pure state: no
 * I/O, no timers.
 *
 * Memory stays bounded over a long run (design.md §9): see OrderCache and FillTracker.
 */
import type {
  BrokerAccount,
  BrokerEvent,
  CashBalance,
  ContractSpec,
  Logger,
  MonoMs,
  PositionSnapshot,
  SyncEvent,
  WorkingOrder,
} from "../types.js";
import { AccountState } from "./accountState.js";
import { ContractCache } from "./contractCache.js";
import {
  lowerEntityType,
  parseAccount,
  parseCommand,
  parseFill,
  parseOrder,
  parseOrderVersion,
  parsePosition,
  parseReport,
  type RawOrder,
  type RawPosition,
} from "./entities.js";
import { FillTracker } from "./fills.js";
import { MODEL_LIMITS, type ModelLimits, snapshotCollections, snapshotFills } from "./modelShape.js";
import { isWorking, OrderCache } from "./orderCache.js";

export class BrokerModel {
  private allowed = new Map<number, BrokerAccount>();
  private readonly orders: OrderCache;
  private readonly contracts = new ContractCache();
  private readonly state: AccountState;
  private readonly fills: FillTracker;
  /** Orders whose update waits for their contract's name (looked up like a fill's contract). */
  private readonly ordersWaiting = new Set<number>();
  /** Orders changed since the last orderUpdates(): their views are built once, after the frame. */
  private readonly ordersChanged = new Set<number>();
  private readonly nameOf = (contractId: number) => this.contracts.name(contractId);

  constructor(
    private readonly connection: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    limits: Readonly<ModelLimits> = MODEL_LIMITS,
  ) {
    this.orders = new OrderCache(limits);
    this.state = new AccountState(connection, this.contracts, (accountId) => this.allowed.has(accountId));
    const isAllowed = (accountId: number) => this.allowed.has(accountId);
    const positionEvent = (p: RawPosition) => this.state.positionEvent(p);
    const { orders, contracts } = this;
    this.fills = new FillTracker(
      { connection, logger, now, orders, contracts, isAllowed, positionEvent },
      limits.fillIds,
    );
  }

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return [...this.allowed.values()];
  }

  isAllowed(accountId: number): boolean {
    return this.allowed.has(accountId);
  }

  positions(accountId: number): PositionSnapshot[] {
    return this.state.positions(accountId);
  }

  allPositions(): PositionSnapshot[] {
    return this.state.allPositions();
  }

  cashBalance(accountId: number): CashBalance | undefined {
    return this.state.cashBalance(accountId);
  }

  workingOrders(accountId: number): WorkingOrder[] {
    return this.orders.working(accountId, this.nameOf);
  }

  order(orderId: number): RawOrder | undefined {
    return this.orders.get(orderId);
  }

  contractById(id: number): ContractSpec | undefined {
    return this.contracts.byId(id);
  }

  contractByName(name: string): ContractSpec | undefined {
    return this.contracts.byName(name);
  }

  contractName(id: number): string | undefined {
    return this.contracts.name(id);
  }

  missingSpecParts(contractId: number): { maturityId?: number; productId?: number } {
    return this.contracts.missingSpecParts(contractId);
  }

  lastPrice(contractId: number): number | undefined {
    return this.contracts.lastPrice(contractId);
  }

  setLastPrice(contractId: number, price: number): void {
    this.contracts.setLastPrice(contractId, price);
  }

  /** What the pending fills and positions are waiting for. */
  missing(): { orderIds: number[]; contractIds: number[] } {
    const missing = this.fills.missing();
    if (this.ordersWaiting.size === 0) return missing;
    const contractIds = new Set(missing.contractIds);
    for (const id of this.ordersWaiting) {
      const contractId = this.orders.get(id)?.contractId;
      if (contractId !== undefined && !this.contracts.name(contractId)) contractIds.add(contractId);
    }
    return { orderIds: missing.orderIds, contractIds: [...contractIds] };
  }

  hasPending(): boolean {
    return this.fills.hasWaiting || this.ordersWaiting.size > 0;
  }

  // ------------------------------------------------------------------ writes

  /** The accounts this session syncs (account/list filtered by the config). */
  setAccounts(accounts: BrokerAccount[]): void {
    this.allowed = new Map(accounts.map((a) => [a.id, a]));
  }

  rememberClOrdId(orderId: number, clOrdId: string): void {
    this.orders.rememberClOrdId(orderId, clOrdId);
  }

  /** The contract lookup for `contractId` is over (found or not): pending items may go out. */
  markLookedUp(contractId: number): void {
    this.contracts.markLookedUp(contractId);
  }

  /**
   * Applies a user/syncrequest snapshot, or `only` some accounts' read again (accountRead.ts):
   * the truth for them, the others untouched. Fills in it become history, never FillEvents.
   */
  applySnapshot(d: unknown, initial: boolean, only?: ReadonlySet<number>): BrokerEvent[] {
    const mine = (accountId: number | undefined) => !only || (accountId !== undefined && only.has(accountId));
    // The snapshot is the truth now: forget per-account state that may be stale after a gap.
    this.orders.clearOrders(only);
    this.state.clear(only);
    this.fills.dropWaitingPositions(only);
    for (const [type, list] of snapshotCollections(d))
      for (const entity of list) this.applyEntity(type, entity);
    const history: BrokerEvent[] = [];
    const snapshotFillIds = this.fills.history(snapshotFills(d), history);
    for (const ids of [this.ordersWaiting, this.ordersChanged])
      for (const id of ids) if (mine(this.orders.get(id)?.accountId)) ids.delete(id);
    this.orders.markStatusesReported(this.nameOf, only);
    this.forgetFinishedOrders();
    const sync: SyncEvent = {
      type: "sync",
      connection: this.connection,
      initial,
      accounts: this.accounts().filter((a) => mine(a.id)),
      positions: this.allPositions().filter((p) => mine(p.accountId)),
      fillIds: snapshotFillIds,
      fills: history.filter((e) => e.type === "historyFill"),
    };
    return [sync, ...this.state.snapshotEvents(only), ...history];
  }

  /**
   * A part of a split snapshot that arrived after the snapshot was applied: its entities are
   * merged as updates (changes become events) and its fills are history.
   */
  applySnapshotPart(d: unknown, receivedAt: MonoMs): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    for (const [type, list] of snapshotCollections(d))
      if (list.length > 0)
        events.push(...this.applyProps({ entityType: type, eventType: "Created", entity: list }, receivedAt));
    this.fills.history(snapshotFills(d), events);
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
    const type = lowerEntityType(entityType);
    const events: BrokerEvent[] = [];
    const many = Array.isArray(rec.entity) ? rec.entity : undefined; // one is usual: no array made for it
    for (let i = 0; i < (many?.length ?? 1); i++) {
      const entity = many ? many[i] : rec.entity;
      if (eventType === "Deleted") this.applyDeleted(type, entity, events);
      else this.applyLive(type, entityType, entity, receivedAt, events);
    }
    return events;
  }

  /** Caches an entity fetched by the session (order/item, contract/item, …) or from a snapshot. */
  applyEntity(entityType: string, entity: unknown): void {
    if (this.contracts.apply(entityType, entity)) return;
    const type = lowerEntityType(entityType);
    if (this.state.store(type, entity)) return;
    switch (type) {
      case "account": {
        const a = parseAccount(entity);
        if (a && this.allowed.has(a.id)) this.allowed.set(a.id, { id: a.id, name: a.name });
        return;
      }
      case "order": {
        const o = parseOrder(entity);
        if (o) this.orders.store(o);
        return;
      }
      case "orderversion": {
        const v = parseOrderVersion(entity);
        if (v) this.orders.applyVersion(v);
        return;
      }
      case "command": {
        const c = parseCommand(entity);
        if (c) this.orders.applyCommand(c);
        return;
      }
      case "commandreport":
      case "executionreport": {
        const r = parseReport(entity);
        if (r) this.orders.applyReport(r);
        return;
      }
    }
  }

  /**
   * The orders changed since the last call, each once, as it stands now (an order whose contract
   * has no name yet waits for it, like a fill). Called after a frame is applied, so building
   * them never comes before a copy's fan-out.
   */
  orderUpdates(): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    for (const id of this.ordersChanged) {
      const order = this.orders.view(id, this.nameOf);
      if (!order) continue;
      if (order.contract === undefined) {
        this.ordersWaiting.add(id);
        continue;
      }
      this.ordersWaiting.delete(id);
      const news = this.orders.news(order);
      if (news) events.push({ type: "orderUpdate", connection: this.connection, order, ...news });
    }
    this.ordersChanged.clear();
    return events;
  }

  hasOrderUpdates(): boolean {
    return this.ordersChanged.size > 0;
  }

  /** Emits the pending fills and positions whose order and contract are now known. */
  flush(): BrokerEvent[] {
    for (const id of this.ordersWaiting) this.ordersChanged.add(id);
    return this.fills.flush();
  }

  /** Gives up on the pending items waiting for an order or contract the broker does not have. */
  dropWaitingFor(kind: "order" | "contract", id: number): void {
    this.fills.dropWaitingFor(kind, id);
  }

  // ------------------------------------------------------------------ internals

  private applyLive(type: string, name: string, entity: unknown, at: MonoMs, events: BrokerEvent[]): void {
    switch (type) {
      case "fill": {
        const fill = parseFill(entity);
        if (fill) this.fills.live(fill, at, events);
        else this.malformed(name);
        return;
      }
      case "order": {
        const o = parseOrder(entity);
        if (!o) {
          this.malformed(name);
          return;
        }
        this.orders.store(o);
        this.pushStatus(o, events);
        this.touchOrder(o.id);
        if (this.fills.hasWaiting) events.push(...this.fills.flush());
        else this.forgetFinishedOrders();
        return;
      }
      case "orderversion": {
        const v = parseOrderVersion(entity);
        if (!v) {
          this.malformed(name);
          return;
        }
        this.orders.applyVersion(v);
        this.touchOrder(v.orderId);
        return;
      }
      case "command": {
        const c = parseCommand(entity);
        if (!c) return;
        this.orders.applyCommand(c);
        this.touchOrder(c.orderId);
        return;
      }
      case "commandreport":
      case "executionreport": {
        const r = parseReport(entity);
        const orderId = r ? this.orders.applyReport(r) : undefined;
        const o = orderId !== undefined ? this.orders.get(orderId) : undefined;
        // A reject reason that arrives after the Rejected status refines it.
        if (o) {
          this.pushStatus(o, events);
          this.touchOrder(o.id);
        }
        return;
      }
      case "position": {
        const p = parsePosition(entity);
        const changed = p ? this.state.livePosition(p) : undefined;
        if (!p) this.malformed(name);
        else if (changed) this.fills.position(changed, events);
        return;
      }
      case "cashbalance":
        if (!this.state.liveCash(entity, events)) this.malformed(name);
        return;
      case "accountriskstatus":
        if (!this.state.liveRisk(entity, events)) this.malformed(name);
        return;
      case "contract":
      case "contractmaturity":
      case "product": {
        this.applyEntity(name, entity);
        if (this.fills.hasWaiting) events.push(...this.fills.flush());
        return;
      }
      default:
        this.applyEntity(name, entity);
    }
  }

  private applyDeleted(type: string, entity: unknown, events: BrokerEvent[]): void {
    if (type === "position") {
      const flat = this.state.deletedPosition(entity);
      if (flat) this.fills.position(flat, events);
    } else if (type === "order") {
      const o = parseOrder(entity);
      // Kept for fill mapping; no longer working, told like a cancel (a copy may wait on it).
      if (!o) return;
      this.orders.store({ ...o, ordStatus: isWorking(o.ordStatus) ? "Canceled" : o.ordStatus });
      this.pushStatus(this.orders.get(o.id) ?? o, events);
      this.touchOrder(o.id);
    }
  }

  private forgetFinishedOrders(): void {
    // Never while fills wait: one of them may need its order.
    if (!this.fills.hasWaiting) this.orders.forgetFinished();
  }

  private pushStatus(o: RawOrder, events: BrokerEvent[]): void {
    if (!this.orders.statusChanged(o) || !this.allowed.has(o.accountId)) return;
    const event = this.orders.statusEvent(o, this.connection);
    if (event) events.push(event);
  }

  /** The order changed: its update is built with the others of this frame (orderUpdates()). */
  private touchOrder(orderId: number): void {
    const o = this.orders.get(orderId);
    if (o && this.allowed.has(o.accountId)) this.ordersChanged.add(orderId);
  }

  private malformed(entityType: string): void {
    this.logger.warn("malformed entity skipped", { entityType });
  }
}
