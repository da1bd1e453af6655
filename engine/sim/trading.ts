import { AccountGate, type Rejection } from "./accountGate.js";
import { AutoLiquidation } from "./autoLiquidation.js";
import type { Book, SimUser } from "./book.js";
import { Clearing, cents, type ProductTerms } from "./clearing.js";
import {
  type AccountEntity,
  type AccountRiskStatusEntity,
  type CashBalanceEntity,
  type ContractEntity,
  liquidationOnlyFields,
  type OrderStrategyEntity,
  type PositionEntity,
  type PropsEvent,
  riskModeOf,
  type TradeDate,
} from "./entities.js";
import { Links } from "./links.js";
import type { Market } from "./market.js";
import { isOpen, type SimOrder } from "./order.js";
import { denied, OrderEntry, originOf, violation } from "./orderEntry.js";
import { OrderFlow } from "./orderFlow.js";
import {
  cancelOrderBody,
  checkTerms,
  describeIssues,
  interruptStrategyBody,
  liquidateBody,
  modifyOrderBody,
  trailingStopModify,
} from "./orderRequests.js";
import { TradeRecords } from "./records.js";
import { ok, type Reply } from "./reply.js";
import { type FaceReporter, Reporters } from "./reporters.js";
import { sameWeek } from "./session.js";
import { TradovateEvents } from "./tradovateEvents.js";
import { type Phase, Venue } from "./venue.js";

/**
 * Tradovate's order operations on the simulated venue (tradovate-protocol.md §5): new orders go
 * through order-entry.ts; changes to working orders, liquidation and the cash snapshot are here.
 * The order engine (order-flow.ts) carries them out and its changes reach clients as `props`
 * events through the Tradovate face (tradovate-events.ts). Also the trading side of the control
 * API: venue depth, fees, liquidation-only accounts, busted fills, and the records for tests.
 */

export interface Caller {
  user: SimUser;
  /** 0 for orders placed "by hand" through the control API (the trader's own Tradovate window). */
  sessionId: number;
}

export type Publish = (accountId: number, events: PropsEvent[]) => void;

export type { Rejection };

export interface VenueSession {
  /** The exchange is halted (the daily halt, the weekend): nothing trades. */
  quiet(): boolean;
  /** New orders are refused now. */
  closed(): boolean;
}

export class Trading {
  private readonly venue: Venue;
  private readonly clearing: Clearing;
  private readonly links: Links;
  private readonly gate: AccountGate;
  private readonly records_ = new TradeRecords();
  private readonly out: Reporters;
  private readonly flow: OrderFlow;
  private readonly autoLiq: AutoLiquidation;
  private readonly entry: OrderEntry;
  /** The trade date of the last roll (or of the start). */
  private tradeDate: TradeDate;
  /**
   * Each product's price at the last close: its settlement, which the next trade date's P&L counts
   * from, so a gap through the halt is a loss of the day it reopens into, as on the exchange.
   */
  private settlement = new Map<string, number>();
  /** Per account: how long after its answer a cancel reaches the exchange (setCancelLag). */
  private readonly cancelLags = new Map<number, number>();
  /**
   * Account → how many more of its Tradovate cancels are refused, and where: in the command's
   * report after the answer ("event"), or in the answer itself ("reply").
   */
  private readonly cancelRefusals = new Map<
    number,
    { left: number; text: string; mode: "reply" | "event" }
  >();

  constructor(
    private readonly book: Book,
    private readonly market: Market,
    publish: Publish,
    /** Finished orders kept in the book (and in sync snapshots); older ones are dropped. */
    historyLimit = 5000,
    /** Other broker faces (ProjectX's), told of every change after Tradovate's. */
    faces: readonly FaceReporter[] = [],
    /** The exchange's session: halted (quiet), and refusing new orders (the halt, when switched on). */
    private readonly session: VenueSession = { quiet: () => false, closed: () => false },
  ) {
    const newId = () => book.newId();
    const priceOf = (product: string) => market.price(product)!;
    const terms = new Map<string, ProductTerms>();
    const depths: Array<[string, number]> = [];
    for (const [name, info] of book.products) {
      terms.set(name, { valuePerPoint: info.product.valuePerPoint, fee: info.fee });
      if (info.depth !== undefined) depths.push([name, info.depth]);
    }
    this.venue = new Venue(depths);
    this.clearing = new Clearing(terms, newId);
    this.links = new Links(newId);
    this.gate = new AccountGate(
      (id) => riskModeOf(book.get<AccountRiskStatusEntity>("accountRiskStatus", id)),
      () => session.closed(),
    );
    this.tradeDate = book.tradeDate();
    this.out = new Reporters(
      new TradovateEvents(book, publish, historyLimit, (id) => this.venue.has(id)),
      faces,
    );
    this.flow = new OrderFlow({
      venue: this.venue,
      clearing: this.clearing,
      links: this.links,
      out: this.out,
      records: this.records_,
      newId,
      priceOf,
      nameOf: (id) => book.get<AccountEntity>("account", id)!.name,
      now: book.now,
      quiet: () => session.quiet(),
    });
    this.autoLiq = new AutoLiquidation(book, this.clearing, this.venue, this.flow, this.out, priceOf, (id) =>
      this.gate.mode(id),
    );
    this.entry = new OrderEntry({
      book,
      market,
      flow: this.flow,
      links: this.links,
      gate: this.gate,
      records: this.records_,
      out: this.out,
      clearing: this.clearing,
      venue: this.venue,
      settle: (id) => this.settle(id),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Order operations

  placeOrder(caller: Caller, raw: unknown): Reply {
    return this.entry.placeOrder(caller, raw);
  }

  /** Two orders, one cancelling the other (`other` shares the quantity). Response {orderId, ocoId}. */
  placeOco(caller: Caller, raw: unknown): Reply {
    return this.entry.placeOco(caller, raw);
  }

  /** An entry with one or two exits (an OCO) working once it fills. Response {orderId, oso1Id, oso2Id}. */
  placeOso(caller: Caller, raw: unknown): Reply {
    return this.entry.placeOso(caller, raw);
  }

  /** Tradovate's multibracket strategy (orderStrategyTypeId 2). Response {orderStrategy} or {errorText}. */
  startOrderStrategy(caller: Caller, raw: unknown): Reply {
    return this.entry.startOrderStrategy(caller, raw);
  }

  interruptOrderStrategy(caller: Caller, raw: unknown): Reply {
    const parsed = interruptStrategyBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const s = this.links.strategy(parsed.data.orderStrategyId);
    if (!s || !caller.user.accountIds.includes(s.accountId))
      return ok({ errorText: "Order strategy not found" });
    if (s.status !== "ActiveStrategy") return ok({ errorText: `The strategy is already ${s.status}` });
    this.flow.interrupt(s, { userId: caller.user.id, sessionId: caller.sessionId, isAutomated: false });
    this.settle(s.accountId);
    return ok({ orderStrategy: { ...this.book.get<OrderStrategyEntity>("orderStrategy", s.id)! } });
  }

  /**
   * A new version of a working order: quantity, type, prices. Response {commandId}. `anyTrail`:
   * the face lets a trailing stop change more than its quantity (ProjectX's trailPrice).
   */
  modifyOrder(caller: Caller, raw: unknown, anyTrail = false): Reply {
    const parsed = modifyOrderBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const body = parsed.data;
    const o = this.ownOrder(caller, body.orderId);
    if (!o) return denied("Order not found");
    if (!isOpen(o)) return ok({ failureReason: "TooLate", failureText: `Order is ${o.state}, not working` });
    if (body.orderQty <= o.filled)
      return ok({
        failureReason: "UnknownReason",
        failureText: `orderQty ${body.orderQty} must be more than the ${o.filled} already filled`,
      });
    const trailing = anyTrail ? { ok: true as const, body } : trailingStopModify(o, body);
    if (!trailing.ok) return ok({ ...trailing.failure });
    const product = this.book.productOf(o.contractId)!;
    const terms = checkTerms(
      trailing.body,
      body.orderQty,
      product,
      this.market.price(o.product)!,
      this.book.now(),
    );
    if (!terms.ok) return ok({ ...terms.failure });
    const opening =
      o.parentId === undefined && this.entry.opening(o, o.action, body.orderQty - o.filled, o.id);
    const refusal = this.gate.modifyRefusal(o.accountId, opening);
    if (refusal?.mode === "reply")
      return ok({ failureReason: refusal.failureReason, failureText: refusal.failureText });
    const req = this.flow.request("Modify", originOf(caller, body));
    if (refusal) {
      // Taken, then refused in its report: the answer says nothing of it.
      queueMicrotask(() =>
        this.out.tradovate.refusedInReport(o, req, refusal.failureReason, refusal.failureText),
      );
      return ok({ commandId: req.id });
    }
    this.flow.revise(o, terms.terms, req);
    this.settle(o.accountId);
    return ok({ commandId: req.id });
  }

  /** `refusable`: a Tradovate cancel, which refuseCancels may refuse in its command's report. */
  cancelOrder(caller: Caller, raw: unknown, refusable = false): Reply {
    const parsed = cancelOrderBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const o = this.ownOrder(caller, parsed.data.orderId);
    if (!o) return denied("Order not found");
    if (!isOpen(o)) return ok({ failureReason: "TooLate", failureText: `Order is ${o.state}, not working` });
    const refusal = refusable ? this.cancelRefusals.get(o.accountId) : undefined;
    if (refusal && --refusal.left <= 0) this.cancelRefusals.delete(o.accountId);
    // Refused in the answer: no command is made, and the order works on as it was.
    if (refusal?.mode === "reply") return ok({ failureReason: "UnknownReason", failureText: refusal.text });
    const req = this.flow.request("Cancel", originOf(caller, parsed.data));
    if (refusal) {
      // Taken, then refused in its report: the order works on as it was, and no order event says so.
      queueMicrotask(() => this.out.tradovate.refusedInReport(o, req, "UnknownReason", refusal.text));
      return ok({ commandId: req.id });
    }
    const lag = this.cancelLags.get(o.accountId);
    if (lag === undefined) this.flow.cancel(o, req);
    // The answer only says the cancel was taken: the order may still fill before it lands.
    else
      setTimeout(() => {
        if (isOpen(o)) this.flow.cancel(o, req);
        else this.out.tradovate.cancelTooLate(o, req);
      }, lag).unref();
    return ok({ commandId: req.id });
  }

  liquidatePosition(caller: Caller, raw: unknown): Reply {
    const parsed = liquidateBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const { accountId, contractId, admin } = parsed.data;
    if (admin === true)
      return ok({
        failureReason: "Unauthorized",
        failureText: "admin must be false: admin orders are for Tradovate administrators and B2B partners",
      });
    if (!caller.user.accountIds.includes(accountId)) return denied();
    const halted = this.gate.halted();
    if (halted) return ok({ failureReason: halted.failureReason, failureText: halted.failureText });
    const contract = this.book.get<ContractEntity>("contract", contractId);
    if (!contract) return denied("Unknown contract");
    const product = this.book.productOf(contractId)!;
    const o = this.flow.liquidate(
      { accountId, contractId, symbol: contract.name, product: product.name, tickSize: product.tickSize },
      originOf(caller, parsed.data),
    );
    this.settle(accountId);
    if (!o) return ok({ failureReason: "UnknownReason", failureText: "No open position to liquidate" });
    return ok({ orderId: o.id });
  }

  cashBalanceSnapshot(caller: Caller, raw: unknown): Reply {
    const accountId = (raw as { accountId?: unknown } | undefined)?.accountId;
    if (typeof accountId !== "number") return violation("accountId: required");
    if (!caller.user.accountIds.includes(accountId)) return ok({ errorText: "Access is denied" });
    const cash = this.book.get<CashBalanceEntity>("cashBalance", accountId)!;
    const openPnL = this.openPnL(accountId);
    return ok({
      totalCashValue: cash.amount,
      totalPnL: cents(cash.realizedPnL + openPnL),
      initialMargin: 0,
      maintenanceMargin: 0,
      netLiq: cents(cash.amount + openPnL),
      openPnL,
      realizedPnL: cash.realizedPnL,
      weekRealizedPnL: cash.weekRealizedPnL,
    });
  }

  /** Resting orders trigger and trade as the price walks; then daily-loss limits are checked. */
  onPrice(product: string, price: number, phase: Phase = "tick"): void {
    // In the halt no trade prints: a price set then is where the market reopens, and the orders
    // it reaches trade at the reopen (newTradeDate) from that opening price, as a weekend's gap
    // fills a stop, or a limit it went through, on Globex.
    if (this.session.quiet()) return;
    // Taken before the tick: a stop that closes the position leaves the account flat, but its
    // realized loss still counts against the limit.
    const accounts = this.clearing.accountsIn(product);
    for (const o of this.venue.orders((w) => w.product === product)) accounts.add(o.accountId);
    this.flow.onPrice(product, price, phase);
    for (const accountId of accounts) this.autoLiq.check(accountId);
  }

  /** The session closed: Day orders expire (GTC and GTD ones work on). Returns how many expired. */
  endSession(): number {
    this.settlement = new Map([...this.book.products.keys()].map((p) => [p, this.market.price(p)!]));
    const ended = this.flow.expireAll((o) => o.timeInForce === "Day");
    for (const accountId of new Set(ended.map((o) => o.accountId))) this.settle(accountId);
    this.autoLiq.sessionClosed();
    return ended.length;
  }

  /** The reopen at 17:00 CT: a new trade date, so the day's P&L and daily-loss locks start again. */
  newTradeDate(): void {
    const next = this.book.tradeDate();
    this.out.tradovate.tradeDateRolled(!sameWeek(this.tradeDate, next));
    this.tradeDate = next;
    this.out.flush();
    this.autoLiq.newTradeDate((product) => this.settlement.get(product) ?? this.market.price(product)!);
    for (const product of this.book.products.keys())
      this.onPrice(product, this.market.price(product)!, "open");
  }

  // ------------------------------------------------------------------------------------------
  // Control

  setRejection(accountName: string, rejection: Rejection | null): void {
    this.gate.setRejection(this.account(accountName).id, rejection);
  }

  /**
   * Tradovate's cancels on `accountName` reach the exchange `ms` after they are answered (null:
   * at once): an order can fill meanwhile, and its cancel is then refused as too late.
   */
  setCancelLag(accountName: string, ms: number | null): void {
    const id = this.account(accountName).id;
    if (ms === null) this.cancelLags.delete(id);
    else this.cancelLags.set(id, ms);
  }

  /**
   * The account's next `count` Tradovate cancels are refused (0: none): taken, then refused in
   * their report ("event"), or refused in their answer ("reply").
   */
  setCancelRefusals(
    accountName: string,
    count: number,
    text: string,
    mode: "reply" | "event" = "event",
  ): void {
    const id = this.account(accountName).id;
    if (count <= 0) this.cancelRefusals.delete(id);
    else this.cancelRefusals.set(id, { left: count, text, mode });
  }

  setModifyRejection(accountName: string, rejection: Rejection | null): void {
    this.gate.setModifyRejection(this.account(accountName).id, rejection);
  }

  /** Contracts that trade at each price level of a product (undefined = unlimited). */
  setDepth(product: string, depth: number | undefined): void {
    this.venue.setDepth(this.product(product), depth);
  }

  setFee(product: string, fee: number): void {
    this.clearing.setFee(this.product(product), fee);
  }

  setLiquidationOnly(accountName: string, on: boolean): void {
    const account = this.account(accountName);
    if (this.gate.mode(account.id) === "locked")
      throw new Error(
        `${accountName} is locked (trading locked by the broker); liquidation-only does not apply`,
      );
    this.out.riskChanged(
      account.id,
      liquidationOnlyFields(on, { timestamp: this.book.timestamp(), tradeDate: this.book.tradeDate() }),
    );
    this.out.flush();
  }

  /** The exchange busts a fill: it is updated with active:false; position, cash and pairs are corrected. */
  bustFill(fillId: number): { fillId: number; orderId: number; accountName: string } {
    const fill = this.clearing.fill(fillId);
    if (!fill) throw new Error(`unknown fill ${fillId}`);
    const booking = this.flow.bust(fillId);
    this.settle(fill.accountId);
    return {
      fillId,
      orderId: booking.fill.orderId,
      accountName: this.book.get<AccountEntity>("account", fill.accountId)!.name,
    };
  }

  /** The venue locked the account (a server-side loss limit). */
  accountLocked(accountId: number): boolean {
    return this.gate.mode(accountId) === "locked";
  }

  /** Any order by id (the control API acts for whichever account holds it). */
  orderOf(orderId: number): SimOrder | undefined {
    return this.flow.get(orderId);
  }

  strategyEntry(strategyId: number): number | undefined {
    return this.links.strategy(strategyId)?.entryId;
  }

  records() {
    return {
      orders: this.records_.orders(),
      workingOrders: this.records_.working(),
      fills: this.records_.fills(),
      positions: [...this.book.all<PositionEntity>("position")].map((p) => ({
        accountName: this.book.get<AccountEntity>("account", p.accountId)!.name,
        accountId: p.accountId,
        contract: this.book.get<ContractEntity>("contract", p.contractId)!.name,
        contractId: p.contractId,
        netPos: p.netPos,
        netPrice: p.netPrice,
      })),
      cashBalances: [...this.book.all<CashBalanceEntity>("cashBalance")].map((c) => ({
        accountName: this.book.get<AccountEntity>("account", c.accountId)!.name,
        accountId: c.accountId,
        amount: c.amount,
        realizedPnL: c.realizedPnL,
        openPnL: this.openPnL(c.accountId),
        fees: this.clearing.feesPaid(c.accountId),
      })),
    };
  }

  // ------------------------------------------------------------------------------------------

  private settle(accountId: number): void {
    this.out.flush();
    this.autoLiq.check(accountId);
  }

  private ownOrder(caller: Caller, orderId: number): SimOrder | undefined {
    const o = this.flow.get(orderId);
    return o && caller.user.accountIds.includes(o.accountId) ? o : undefined;
  }

  private openPnL(accountId: number): number {
    return this.clearing.openPnL(accountId, (p) => this.market.price(p)!);
  }

  private account(name: string): AccountEntity {
    const account = this.book.accountByName(name);
    if (!account) throw new Error(`unknown account ${name}`);
    return account;
  }

  private product(symbol: string): string {
    const product = this.market.productOf(symbol);
    if (!product) throw new Error(`unknown symbol ${symbol}`);
    return product;
  }
}
