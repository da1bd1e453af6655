import type { Book } from "../book.js";
import type { Booking } from "../clearing.js";
import type { AccountEntity, CashBalanceEntity, PositionEntity } from "../entities.js";
import type { Piece } from "../matching.js";
import type { OrderRequest, SimOrder } from "../order.js";
import type { TradeReporter } from "../orderFlow.js";
import {
  accountEntity,
  type OrderTimes,
  orderEntity,
  type ProjectXContracts,
  type PxTrade,
  positionEntity,
  tradeEntity,
} from "./entities.js";

/**
 * The ProjectX face of the order engine: each change to an order of a ProjectX user's account
 * becomes user hub events, in ProjectX's order on a fill (projectx-protocol.md "What a faithful
 * simulator needs"): order (status, fillVolume, filledPrice) → trade → position → account,
 * published together at the points order-flow marks. It also keeps what the REST searches read:
 * every order (with its times) and every trade of those accounts.
 */

export type HubEventKind = "Account" | "Order" | "Position" | "Trade";

export interface HubEvent {
  kind: HubEventKind;
  data: object;
}

export interface ProjectXEventsDeps {
  book: Book;
  contracts: ProjectXContracts;
  /** Whether the account belongs to a ProjectX user (the others have their own face). */
  isProjectX(accountId: number): boolean;
  canTrade(accountId: number): boolean;
  publish(accountId: number, events: HubEvent[]): void;
}

export class ProjectXEvents implements TradeReporter {
  private readonly pending = new Map<number, HubEvent[]>();
  private readonly orders = new Map<number, { order: SimOrder; times: OrderTimes }>();
  private readonly trades = new Map<number, PxTrade[]>();
  /**
   * Fills told by GatewayUserTrade alone, with no GatewayUserOrder for the fill (projectx-protocol.md
   * "Real time": some fills arrive only as trades [community]). The REST searches still say the truth.
   */
  tradesOnly = false;

  constructor(private readonly d: ProjectXEventsDeps) {}

  // ------------------------------------------------------------------ what the searches read

  ordersOf(accountId: number): Array<{ order: SimOrder; times: OrderTimes }> {
    return [...this.orders.values()].filter((o) => o.order.accountId === accountId);
  }

  tradesOf(accountId: number): PxTrade[] {
    return this.trades.get(accountId) ?? [];
  }

  orderEntity(orderId: number) {
    const o = this.orders.get(orderId);
    return o ? orderEntity(o.order, o.times, this.d.contracts) : undefined;
  }

  accountEntity(accountId: number) {
    const account = this.d.book.get<AccountEntity>("account", accountId)!;
    const cash = this.d.book.get<CashBalanceEntity>("cashBalance", accountId)!;
    return accountEntity(account, cash.amount, this.d.canTrade(accountId));
  }

  // ------------------------------------------------------------------ TradeReporter

  placed(o: SimOrder): void {
    if (!this.d.isProjectX(o.accountId)) return;
    const now = this.d.book.timestamp();
    this.orders.set(o.id, { order: o, times: { created: now, updated: now } });
  }

  accepted(o: SimOrder): void {
    this.order(o);
  }

  rejected(o: SimOrder): void {
    this.order(o);
  }

  revised(o: SimOrder, _req: OrderRequest): void {
    this.order(o);
  }

  activated(o: SimOrder): void {
    this.order(o);
  }

  canceled(o: SimOrder): void {
    this.order(o);
  }

  expired(o: SimOrder): void {
    this.order(o);
  }

  filled(o: SimOrder, _piece: Piece, booking: Booking): void {
    if (!this.d.isProjectX(o.accountId)) return;
    if (this.tradesOnly) this.touch(o);
    else this.order(o);
    this.trade(booking, booking.paired > 0 ? booking.realized : null);
    this.cleared(booking);
  }

  busted(o: SimOrder, booking: Booking): void {
    if (!this.d.isProjectX(o.accountId)) return;
    const voided = this.tradesOf(o.accountId).find((t) => t.id === booking.fill.id);
    if (voided) voided.voided = true;
    this.out(o.accountId).push({
      kind: "Trade",
      data: voided
        ? { ...voided }
        : tradeEntity(booking.fill, this.d.book.timestamp(), null, this.d.contracts),
    });
    this.cleared(booking);
  }

  strategyStarted(): void {}
  strategyChanged(): void {}
  strategyLinked(): void {}

  /** The account's cash or trading permission changed outside a fill (a lock, canTrade). */
  accountChanged(accountId: number): void {
    if (!this.d.isProjectX(accountId)) return;
    this.out(accountId).push({ kind: "Account", data: this.accountEntity(accountId) });
  }

  flush(): void {
    for (const [accountId, events] of [...this.pending]) {
      this.pending.delete(accountId);
      if (events.length > 0) this.d.publish(accountId, events);
    }
  }

  // ------------------------------------------------------------------

  private order(o: SimOrder): void {
    const entry = this.touch(o);
    if (entry)
      this.out(o.accountId).push({ kind: "Order", data: orderEntity(o, entry.times, this.d.contracts) });
  }

  /** The order changed: its update time, for what the searches read. */
  private touch(o: SimOrder): { times: OrderTimes } | undefined {
    const entry = this.orders.get(o.id);
    if (entry) entry.times.updated = this.d.book.timestamp();
    return entry;
  }

  private trade(booking: Booking, profitAndLoss: number | null): void {
    const trade = tradeEntity(booking.fill, this.d.book.timestamp(), profitAndLoss, this.d.contracts);
    const list = this.trades.get(booking.fill.accountId) ?? [];
    list.push(trade);
    this.trades.set(booking.fill.accountId, list);
    this.out(booking.fill.accountId).push({ kind: "Trade", data: { ...trade } });
  }

  /** Position then account, after the Tradovate face booked them into the book. */
  private cleared(booking: Booking): void {
    const { accountId, contractId } = booking.position;
    const p = this.d.book.position(accountId, contractId) as PositionEntity | undefined;
    if (p) this.out(accountId).push({ kind: "Position", data: positionEntity(p, this.d.contracts) });
    this.out(accountId).push({ kind: "Account", data: this.accountEntity(accountId) });
  }

  private out(accountId: number): HubEvent[] {
    let list = this.pending.get(accountId);
    if (!list) {
      list = [];
      this.pending.set(accountId, list);
    }
    return list;
  }
}
