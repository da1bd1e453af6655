import type { Book } from "./book.js";
import type { Booking, PairRecord } from "./clearing.js";
import {
  type AccountRiskStatusEntity,
  type CashBalanceEntity,
  commandEntity,
  commandReportEntity,
  type EntityType,
  executionReportEntity,
  type FillPairEntity,
  fillEntity,
  fillPairEntity,
  type OrderStrategyEntity,
  orderEntity,
  orderStrategyEntity,
  orderVersionEntity,
  type PositionEntity,
  type PropsEvent,
  positionFields,
  type Stamp,
} from "./entities.js";
import type { SimStrategy } from "./links.js";
import type { Piece } from "./matching.js";
import { averagePrice, type OrderRequest, type SimOrder } from "./order.js";
import type { TradeReporter } from "./orderFlow.js";

/**
 * The Tradovate face of the order engine: each change becomes entities in the book and `props`
 * events in Tradovate's order (tradovate-protocol.md §3.6), collected per account and published
 * in batches at the points order-flow.ts marks (one batch per fill, so a client sees each fill
 * land on its own). It also forgets the entities of the oldest finished orders.
 */
export class TradovateEvents implements TradeReporter {
  private readonly pending = new Map<number, PropsEvent[]>();
  /** Entities owned by each order, oldest order first, so old history can be dropped. */
  private readonly history = new Map<number, Array<[EntityType, number]>>();

  constructor(
    private readonly book: Book,
    private readonly publish: (accountId: number, events: PropsEvent[]) => void,
    private readonly historyLimit: number,
    private readonly isOpen: (orderId: number) => boolean,
  ) {}

  placed(o: SimOrder, req: OrderRequest): void {
    const b = this.book;
    const at = this.stamp();
    const out = this.out(o.accountId);
    b.create("command", commandEntity(req, o.id, at), out);
    b.create("order", orderEntity(o, at), out);
    b.create("orderVersion", orderVersionEntity(o), out);
  }

  accepted(o: SimOrder, req: OrderRequest): void {
    const at = this.stamp();
    const out = this.out(o.accountId);
    this.book.create("commandReport", commandReportEntity(this.book.newId(), req.id, "PendingNew", at), out);
    this.execution(o, req.id, "New", at);
    this.status(o, at);
  }

  rejected(o: SimOrder, req: OrderRequest | undefined, reason: string, text: string): void {
    const at = this.stamp();
    const commandId = req?.id ?? o.newRequestId;
    if (req)
      this.book.create(
        "commandReport",
        commandReportEntity(this.book.newId(), commandId, "Rejected", at, { reason, text }),
        this.out(o.accountId),
      );
    this.execution(o, commandId, "Rejected", at, { rejectReason: reason, text });
    this.status(o, at);
  }

  revised(o: SimOrder, req: OrderRequest): void {
    const b = this.book;
    const at = this.stamp();
    const out = this.out(o.accountId);
    b.create("command", commandEntity(req, o.id, at), out);
    b.create("orderVersion", orderVersionEntity(o), out);
    b.create("commandReport", commandReportEntity(b.newId(), req.id, o.state, at), out);
    this.execution(o, req.id, "Replaced", at);
    this.status(o, at);
  }

  activated(o: SimOrder): void {
    const at = this.stamp();
    this.execution(o, o.versionId, "OrderStatus", at);
    this.status(o, at);
  }

  canceled(o: SimOrder, req: OrderRequest | undefined): void {
    const b = this.book;
    const at = this.stamp();
    const out = this.out(o.accountId);
    if (req) {
      b.create("command", commandEntity(req, o.id, at), out);
      b.create("commandReport", commandReportEntity(b.newId(), req.id, "Canceled", at), out);
    }
    this.execution(o, req?.id ?? o.versionId, "Canceled", at);
    this.status(o, at);
  }

  /**
   * A cancel that reached the exchange after the order had finished (it filled on the way): the
   * command is refused, the order keeps the status it ended with.
   */
  cancelTooLate(o: SimOrder, req: OrderRequest): void {
    const at = this.stamp();
    const out = this.out(o.accountId);
    this.book.create("command", commandEntity(req, o.id, at), out);
    this.book.create(
      "commandReport",
      commandReportEntity(this.book.newId(), req.id, o.state, at, {
        reason: "TooLate",
        text: `Too late to cancel: the order is ${o.state}`,
        status: "ExecutionRejected",
      }),
      out,
    );
    this.flush();
  }

  /**
   * A modify or cancel taken (answered with its commandId), then refused by the risk checks: the
   * command is rejected in its report, and the order keeps working with the version it had.
   */
  refusedInReport(o: SimOrder, req: OrderRequest, reason: string, text: string): void {
    const at = this.stamp();
    const out = this.out(o.accountId);
    this.book.create("command", commandEntity(req, o.id, at), out);
    this.book.create(
      "commandReport",
      commandReportEntity(this.book.newId(), req.id, o.state, at, { reason, text }),
      out,
    );
    this.flush();
  }

  expired(o: SimOrder): void {
    const at = this.stamp();
    this.execution(o, o.versionId, "Expired", at);
    this.status(o, at);
  }

  filled(o: SimOrder, piece: Piece, booking: Booking): void {
    const at = this.stamp();
    this.execution(o, o.versionId, "Trade", at, {
      avgPx: averagePrice(o)!,
      lastQty: piece.qty,
      lastPx: piece.price,
    });
    this.book.create("fill", fillEntity(booking.fill, booking.paired, at), this.out(o.accountId));
    this.status(o, at);
    this.cleared(booking, at);
  }

  busted(o: SimOrder, booking: Booking): void {
    const at = this.stamp();
    this.execution(o, o.versionId, "TradeCancel", at, {
      lastQty: booking.fill.qty,
      lastPx: booking.fill.price,
    });
    this.revise("fill", booking.fill.id, fillEntity(booking.fill, 0, at), o.accountId);
    this.cleared(booking, at);
  }

  riskChanged(accountId: number, fields: Partial<AccountRiskStatusEntity>): void {
    const status = this.book.get<AccountRiskStatusEntity>("accountRiskStatus", accountId)!;
    this.book.update("accountRiskStatus", status, fields, this.out(accountId));
  }

  /**
   * The next trade date: cashBalance.realizedPnL is the session's, so it starts again at 0, and
   * weekRealizedPnL when a new week starts (§4). The cash itself carries over.
   */
  tradeDateRolled(newWeek: boolean): void {
    const at = this.stamp();
    for (const cash of [...this.book.all<CashBalanceEntity>("cashBalance")])
      this.book.update<CashBalanceEntity>(
        "cashBalance",
        cash,
        { ...at, realizedPnL: 0, ...(newWeek ? { weekRealizedPnL: 0 } : {}) },
        this.out(cash.accountId),
      );
  }

  strategyStarted(s: SimStrategy): void {
    this.book.create("orderStrategy", orderStrategyEntity(s, this.stamp()), this.out(s.accountId));
  }

  strategyChanged(s: SimStrategy): void {
    const entity = this.book.get<OrderStrategyEntity>("orderStrategy", s.id)!;
    this.book.update(
      "orderStrategy",
      entity,
      { status: s.status, timestamp: this.stamp().timestamp },
      this.out(s.accountId),
    );
  }

  strategyLinked(s: SimStrategy, orderId: number, label: string): void {
    this.book.create(
      "orderStrategyLink",
      { id: this.book.newId(), orderStrategyId: s.id, orderId, label },
      this.out(s.accountId),
    );
  }

  /** Publish what has been collected, one batch per account. */
  flush(): void {
    for (const [accountId, events] of [...this.pending]) {
      this.pending.delete(accountId);
      this.emit(accountId, events);
    }
  }

  // ------------------------------------------------------------------------------------------

  private stamp(): Stamp {
    return { timestamp: this.book.timestamp(), tradeDate: this.book.tradeDate() };
  }

  private out(accountId: number): PropsEvent[] {
    let list = this.pending.get(accountId);
    if (!list) {
      list = [];
      this.pending.set(accountId, list);
    }
    return list;
  }

  private execution(
    o: SimOrder,
    commandId: number,
    execType: string,
    at: Stamp,
    extra: Record<string, unknown> = {},
  ): void {
    const report = executionReportEntity(this.book.newId(), commandId, o, execType, at, extra);
    this.book.create("executionReport", report, this.out(o.accountId));
  }

  private status(o: SimOrder, at: Stamp): void {
    const order = this.book.get("order", o.id);
    if (order) this.book.update("order", order, { ordStatus: o.state }, this.out(o.accountId));
    else this.out(o.accountId).push(props("order", "Updated", orderEntity(o, at)));
  }

  /** Position, cash and fill pairs after a fill was booked or busted. */
  private cleared(booking: Booking, at: Stamp): void {
    const b = this.book;
    const { accountId, contractId } = booking.position;
    const out = this.out(accountId);
    const fields = positionFields(booking.position, at);
    let position = b.position(accountId, contractId);
    if (position) {
      if (booking.position.netPrice === undefined) delete position.netPrice;
      b.update<PositionEntity>("position", position, fields, out);
    } else {
      position = b.create<PositionEntity>(
        "position",
        { id: b.newId(), accountId, contractId, tradeDate: at.tradeDate, ...fields, prevPos: 0 },
        out,
      );
    }
    const cash = b.get<CashBalanceEntity>("cashBalance", accountId)!;
    const cents = (n: number) => Math.round(n * 100) / 100;
    b.update<CashBalanceEntity>(
      "cashBalance",
      cash,
      {
        timestamp: at.timestamp,
        amount: cents(cash.amount + booking.realized - booking.fee),
        realizedPnL: cents(cash.realizedPnL + booking.realized),
        weekRealizedPnL: cents(cash.weekRealizedPnL + booking.realized),
      },
      out,
    );
    for (const pair of booking.deactivated)
      this.revise("fillPair", pair.id, fillPairEntity(pair, position.id, false), accountId);
    for (const pair of booking.created) b.create("fillPair", fillPairEntity(pair, position.id, true), out);
  }

  /** Update a stored entity, or (if old history dropped it) announce its new state anyway. */
  private revise(
    type: "fill" | "fillPair",
    id: number,
    next: FillPairEntity | ReturnType<typeof fillEntity>,
    accountId: number,
  ): void {
    const stored = this.book.get(type, id);
    if (stored) this.book.update(type, stored, { active: next.active }, this.out(accountId));
    else this.out(accountId).push(props(type, "Updated", next));
  }

  /** Publish a batch and remember which order owns each entity it created. */
  private emit(accountId: number, events: PropsEvent[]): void {
    let owner: number | undefined;
    for (const { d } of events) {
      if (d.eventType !== "Created" || Array.isArray(d.entity)) continue;
      const e = d.entity;
      if (d.entityType === "order") owner = e.id;
      else if (typeof e.orderId === "number") owner = e.orderId;
      else if (d.entityType === "commandReport")
        owner = this.book.get("command", e.commandId as number)?.orderId as number | undefined;
      if (owner === undefined || d.entityType === "position" || d.entityType === "orderStrategy") continue;
      let list = this.history.get(owner);
      if (!list) {
        list = [];
        this.history.set(owner, list);
      }
      list.push([d.entityType, e.id]);
    }
    this.publish(accountId, events);
    this.prune();
  }

  private prune(): void {
    while (this.history.size > this.historyLimit) {
      const [orderId, owned] = this.history.entries().next().value as [number, Array<[EntityType, number]>];
      if (this.isOpen(orderId)) return;
      this.history.delete(orderId);
      for (const [type, id] of owned) this.book.remove(type, id);
    }
  }
}

function props(entityType: EntityType, eventType: "Created" | "Updated", entity: object): PropsEvent {
  return { e: "props", d: { entityType, eventType, entity: { ...(entity as { id: number }) } } };
}

export type { PairRecord };
