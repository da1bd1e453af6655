import type { Book } from "./book.js";
import type { Faults } from "./faults.js";
import type { Hub } from "./hub.js";
import { type OrderType, opposite, type Side, type TimeInForce } from "./order.js";
import type { Reply } from "./reply.js";
import type { Caller, Trading } from "./trading.js";

/**
 * The control API's trading side: orders placed, modified and cancelled on an account as the
 * trader would in Tradovate's own window (isAutomated false, no API session), through the same
 * order operations a client calls, plus the venue settings and faults of the trading side.
 */

export interface ManualOrder {
  symbol: string;
  action: Side;
  qty: number;
  orderType: OrderType;
  price?: number | undefined;
  stopPrice?: number | undefined;
  timeInForce?: TimeInForce | undefined;
  expireTime?: string | undefined;
}

/** An OCO partner or an OSO bracket. Brackets default to the side opposite the entry. */
export interface ManualExit {
  action?: Side | undefined;
  orderType: OrderType;
  price?: number | undefined;
  stopPrice?: number | undefined;
}

export interface ManualStrategy {
  symbol: string;
  action: Side;
  /** The entry; Market when absent. Its quantity is the brackets' total. */
  entry?: { orderType: OrderType; price?: number | undefined; stopPrice?: number | undefined } | undefined;
  brackets: Array<{
    qty: number;
    profitTarget?: number | undefined;
    stopLoss?: number | undefined;
    trailingStop?: boolean | undefined;
  }>;
}

export interface OrderChange {
  qty?: number | undefined;
  orderType?: OrderType | undefined;
  price?: number | undefined;
  stopPrice?: number | undefined;
  timeInForce?: TimeInForce | undefined;
  expireTime?: string | undefined;
}

export type Refused = { failureReason: string; failureText: string };
export type OrderResult = { orderId: number } | Refused;
export type OcoResult = { orderId: number; ocoId: number } | Refused;
export type OsoResult = { orderId: number; oso1Id: number; oso2Id?: number } | Refused;
export type StrategyResult = { orderStrategyId: number; orderId: number } | { errorText: string };
export type CommandResult = { commandId: number } | Refused;

export class TradingControl {
  constructor(
    private readonly trading: Trading,
    private readonly book: Book,
    private readonly hub: Hub,
    private readonly faults: Faults,
  ) {}

  placeOrder(account: string, order: ManualOrder): OrderResult {
    const { caller, body } = this.order(account, order);
    return this.call(() => this.trading.placeOrder(caller, body));
  }

  placeOco(account: string, order: ManualOrder, other: ManualExit): OcoResult {
    const { caller, body } = this.order(account, order);
    return this.call(() => this.trading.placeOco(caller, { ...body, other: exitBody(other, order.action) }));
  }

  placeOso(account: string, order: ManualOrder, bracket1: ManualExit, bracket2?: ManualExit): OsoResult {
    const { caller, body } = this.order(account, order);
    const exit = opposite(order.action);
    return this.call(() =>
      this.trading.placeOso(caller, {
        ...body,
        bracket1: exitBody(bracket1, exit),
        ...(bracket2 ? { bracket2: exitBody(bracket2, exit) } : {}),
      }),
    );
  }

  startStrategy(account: string, strategy: ManualStrategy): StrategyResult {
    const { caller, accountId } = this.caller(account);
    const qty = strategy.brackets.reduce((sum, b) => sum + b.qty, 0);
    const entry = strategy.entry ?? { orderType: "Market" };
    const reply = this.call<{ orderStrategy?: { id: number }; errorText?: string }>(() =>
      this.trading.startOrderStrategy(caller, {
        accountId,
        accountSpec: account,
        symbol: strategy.symbol,
        action: strategy.action,
        orderStrategyTypeId: 2,
        params: JSON.stringify({ entryVersion: { orderQty: qty, ...entry }, brackets: strategy.brackets }),
      }),
    );
    if (!reply.orderStrategy) return { errorText: reply.errorText ?? "strategy refused" };
    return {
      orderStrategyId: reply.orderStrategy.id,
      orderId: this.trading.strategyEntry(reply.orderStrategy.id)!,
    };
  }

  /** A new version of any open order; what `change` leaves out stays as it is. */
  modifyOrder(orderId: number, change: OrderChange): CommandResult {
    const o = this.trading.orderOf(orderId);
    if (!o) throw new Error(`unknown order ${orderId}`);
    const caller = this.owner(o.accountId);
    const type = change.orderType ?? o.type;
    return this.call(() =>
      this.trading.modifyOrder(caller, {
        orderId,
        orderQty: change.qty ?? o.qty,
        orderType: type,
        price: change.price ?? o.price,
        stopPrice: change.stopPrice ?? o.stopPrice,
        ...(type === "TrailingStop" && o.trail !== undefined ? { pegDifference: o.trail } : {}),
        timeInForce: change.timeInForce ?? o.timeInForce,
        expireTime: change.expireTime ?? o.expireTime,
        isAutomated: false,
      }),
    );
  }

  cancelOrder(orderId: number): CommandResult {
    const o = this.trading.orderOf(orderId);
    if (!o) throw new Error(`unknown order ${orderId}`);
    const caller = this.owner(o.accountId);
    return this.call(() => this.trading.cancelOrder(caller, { orderId, isAutomated: false }));
  }

  setDepth(symbol: string, depth: number | null): void {
    this.trading.setDepth(symbol, depth ?? undefined);
  }

  setFee(symbol: string, fee: number): void {
    this.trading.setFee(symbol, fee);
  }

  setLiquidationOnly(account: string, on: boolean): void {
    this.hub.hold(() => this.trading.setLiquidationOnly(account, on));
  }

  bustFill(fillId: number): { fillId: number; orderId: number; accountName: string } {
    return this.hub.hold(() => this.trading.bustFill(fillId));
  }

  eventsBeforeReplies(on: boolean): void {
    this.faults.eventsFirst = on;
  }

  // ------------------------------------------------------------------------------------------

  private caller(accountName: string): { caller: Caller; accountId: number } {
    const account = this.book.accountByName(accountName);
    if (!account) throw new Error(`unknown account ${accountName}`);
    return { caller: this.owner(account.id), accountId: account.id };
  }

  private owner(accountId: number): Caller {
    const account = this.book.get<{ id: number; userId: number }>("account", accountId)!;
    return { user: this.book.userById(account.userId)!, sessionId: 0 };
  }

  private order(account: string, order: ManualOrder) {
    const { caller, accountId } = this.caller(account);
    return {
      caller,
      body: {
        accountId,
        accountSpec: account,
        action: order.action,
        symbol: order.symbol,
        orderQty: order.qty,
        orderType: order.orderType,
        ...defined({
          price: order.price,
          stopPrice: order.stopPrice,
          timeInForce: order.timeInForce,
          expireTime: order.expireTime,
        }),
        isAutomated: false,
      },
    };
  }

  /** Run an order operation as a request (its events after its reply); a malformed one throws. */
  private call<T>(fn: () => Reply): T {
    const reply = this.hub.hold(fn);
    if (reply.status !== 200) throw new Error(String(reply.body));
    return reply.body as T;
  }
}

function exitBody(exit: ManualExit, action: Side) {
  return {
    action: exit.action ?? action,
    orderType: exit.orderType,
    ...defined({ price: exit.price, stopPrice: exit.stopPrice }),
  };
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
