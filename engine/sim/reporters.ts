import type { Booking } from "./clearing.js";
import type { AccountRiskStatusEntity } from "./entities.js";
import type { SimStrategy } from "./links.js";
import type { Piece } from "./matching.js";
import type { OrderRequest, SimOrder } from "./order.js";
import type { TradeReporter } from "./orderFlow.js";
import type { TradovateEvents } from "./tradovateEvents.js";

/** A broker face beside Tradovate's: told of every order change, and of account changes. */
export interface FaceReporter extends TradeReporter {
  /** The account's risk state changed outside a fill (a lock, liquidation-only). */
  accountChanged(accountId: number): void;
}

/**
 * Every broker face of the order engine at once. The Tradovate face goes first: it books
 * positions and cash into the book, which the other faces then read. Each face shows only the
 * accounts of its own users.
 */
export class Reporters implements TradeReporter {
  constructor(
    readonly tradovate: TradovateEvents,
    private readonly others: readonly FaceReporter[] = [],
  ) {}

  placed(o: SimOrder, req: OrderRequest): void {
    this.tradovate.placed(o, req);
    for (const r of this.others) r.placed(o, req);
  }
  accepted(o: SimOrder, req: OrderRequest): void {
    this.tradovate.accepted(o, req);
    for (const r of this.others) r.accepted(o, req);
  }
  rejected(o: SimOrder, req: OrderRequest | undefined, reason: string, text: string): void {
    this.tradovate.rejected(o, req, reason, text);
    for (const r of this.others) r.rejected(o, req, reason, text);
  }
  revised(o: SimOrder, req: OrderRequest): void {
    this.tradovate.revised(o, req);
    for (const r of this.others) r.revised(o, req);
  }
  activated(o: SimOrder): void {
    this.tradovate.activated(o);
    for (const r of this.others) r.activated(o);
  }
  canceled(o: SimOrder, req: OrderRequest | undefined): void {
    this.tradovate.canceled(o, req);
    for (const r of this.others) r.canceled(o, req);
  }
  expired(o: SimOrder): void {
    this.tradovate.expired(o);
    for (const r of this.others) r.expired(o);
  }
  filled(o: SimOrder, piece: Piece, booking: Booking): void {
    this.tradovate.filled(o, piece, booking);
    for (const r of this.others) r.filled(o, piece, booking);
  }
  busted(o: SimOrder, booking: Booking): void {
    this.tradovate.busted(o, booking);
    for (const r of this.others) r.busted(o, booking);
  }
  strategyStarted(s: SimStrategy): void {
    this.tradovate.strategyStarted(s);
    for (const r of this.others) r.strategyStarted(s);
  }
  strategyChanged(s: SimStrategy): void {
    this.tradovate.strategyChanged(s);
    for (const r of this.others) r.strategyChanged(s);
  }
  strategyLinked(s: SimStrategy, orderId: number, label: string): void {
    this.tradovate.strategyLinked(s, orderId, label);
    for (const r of this.others) r.strategyLinked(s, orderId, label);
  }

  riskChanged(accountId: number, fields: Partial<AccountRiskStatusEntity>): void {
    this.tradovate.riskChanged(accountId, fields);
    for (const r of this.others) r.accountChanged(accountId);
  }

  /** An account change outside Tradovate's risk status (ProjectX's canTrade). */
  accountChanged(accountId: number): void {
    for (const r of this.others) r.accountChanged(accountId);
  }

  flush(): void {
    this.tradovate.flush();
    for (const r of this.others) r.flush();
  }
}
