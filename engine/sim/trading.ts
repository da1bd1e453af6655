import { AccountGate, type Rejection } from "./account-gate.js";
import { AutoLiquidation } from "./auto-liquidation.js";
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
  type ProductEntity,
  type PropsEvent,
  riskModeOf,
} from "./entities.js";
import { Links } from "./links.js";
import type { Market } from "./market.js";
import { type Instrument, isOpen, type Origin, type Side, type SimOrder, signed } from "./order.js";
import { OrderFlow } from "./order-flow.js";
import {
  cancelOrderBody,
  checkStrategy,
  checkTerms,
  describeIssues,
  type Failure,
  interruptStrategyBody,
  liquidateBody,
  modifyOrderBody,
  type PlaceOrderBody,
  placeOcoBody,
  placeOrderBody,
  placeOsoBody,
  startStrategyBody,
  type VersionFields,
} from "./order-requests.js";
import { TradeRecords } from "./records.js";
import { fail, ok, type Reply } from "./reply.js";
import { TradovateEvents } from "./tradovate-events.js";
import { Venue } from "./venue.js";

/**
 * Tradovate's order operations on the simulated venue (tradovate-protocol.md §5): each request is
 * parsed, checked as Tradovate checks it, and handed to the order engine (order-flow.ts); the
 * engine's changes reach clients as `props` events through the Tradovate face
 * (tradovate-events.ts). Also the trading side of the control API: venue depth, fees,
 * liquidation-only accounts, busted fills, and the broker's records for tests.
 */

export interface Caller {
  user: SimUser;
  /** 0 for orders placed "by hand" through the control API (the trader's own Tradovate window). */
  sessionId: number;
}

export type Publish = (accountId: number, events: PropsEvent[]) => void;

export type { Rejection };

const violation = (text: string): Reply => fail(400, `Violation: ${text}`);
const denied = (text = "Access is denied") => ok({ failureReason: "UnknownReason", failureText: text });
const failed = (f: Failure): Reply => ok({ ...f });

interface Target {
  account: AccountEntity;
  contract: ContractEntity;
  product: ProductEntity;
  instrument: Instrument;
}

export class Trading {
  private readonly venue: Venue;
  private readonly clearing: Clearing;
  private readonly links: Links;
  private readonly gate: AccountGate;
  private readonly records_ = new TradeRecords();
  private readonly out: TradovateEvents;
  private readonly flow: OrderFlow;
  private readonly autoLiq: AutoLiquidation;

  constructor(
    private readonly book: Book,
    private readonly market: Market,
    publish: Publish,
    /** Finished orders kept in the book (and in sync snapshots); older ones are dropped. */
    historyLimit = 5000,
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
    this.gate = new AccountGate((id) =>
      riskModeOf(book.get<AccountRiskStatusEntity>("accountRiskStatus", id)),
    );
    this.out = new TradovateEvents(book, publish, historyLimit, (id) => this.venue.has(id));
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
    });
    this.autoLiq = new AutoLiquidation(book, this.clearing, this.venue, this.flow, this.out, priceOf, (id) =>
      this.gate.mode(id),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Order entry

  placeOrder(caller: Caller, raw: unknown): Reply {
    const parsed = placeOrderBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const body = parsed.data;
    const target = this.target(caller, body);
    if ("status" in target) return target;
    const automated = this.automated(body);
    if (automated) return failed(automated);
    const terms = this.terms(body, body.orderQty, target);
    if (!terms.ok) return failed(terms.failure);
    const refusal = this.refusal(target, body, this.opening(target.instrument, body.action, body.orderQty));
    if (refusal && "reply" in refusal) return refusal.reply;
    const origin = originOf(caller, body);
    const req = this.flow.request("New", origin);
    const o = this.flow.create({ ...target.instrument, action: body.action, ...terms.terms }, req);
    this.enter([o], [req], refusal?.rejection);
    return ok({ orderId: o.id });
  }

  /** Two orders, one cancelling the other (`other` shares the quantity). Response {orderId, ocoId}. */
  placeOco(caller: Caller, raw: unknown): Reply {
    const parsed = placeOcoBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const body = parsed.data;
    const target = this.target(caller, body);
    if ("status" in target) return target;
    const automated = this.automated(body);
    if (automated) return failed(automated);
    const first = this.terms(body, body.orderQty, target);
    if (!first.ok) return failed(first.failure);
    const second = this.terms(body.other, body.orderQty, target, "other");
    if (!second.ok) return failed(second.failure);
    const opening =
      this.opening(target.instrument, body.action, body.orderQty) ||
      this.opening(target.instrument, body.other.action, body.orderQty);
    const refusal = this.refusal(target, body, opening);
    if (refusal && "reply" in refusal) return refusal.reply;
    const [a, b] = [this.book.newId(), this.book.newId()];
    const origin = originOf(caller, body);
    const reqA = this.flow.request("New", origin);
    const reqB = this.flow.request("New", { ...origin, clOrdId: body.other.clOrdId });
    const oa = this.flow.create({ ...target.instrument, action: body.action, ...first.terms }, reqA, {
      id: a,
      linkedId: b,
      ocoId: a,
    });
    const ob = this.flow.create({ ...target.instrument, action: body.other.action, ...second.terms }, reqB, {
      id: b,
      linkedId: a,
      ocoId: a,
    });
    this.links.addOco([a, b], body.orderQty);
    this.enter([oa, ob], [reqA, reqB], refusal?.rejection);
    return ok({ orderId: a, ocoId: b });
  }

  /**
   * An entry with one or two exits that wait (Suspended) until it fills, then work sized to what
   * filled; two exits form an OCO. Response {orderId, oso1Id, oso2Id}.
   */
  placeOso(caller: Caller, raw: unknown): Reply {
    const parsed = placeOsoBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const body = parsed.data;
    const target = this.target(caller, body);
    if ("status" in target) return target;
    const automated = this.automated(body);
    if (automated) return failed(automated);
    const entry = this.terms(body, body.orderQty, target);
    if (!entry.ok) return failed(entry.failure);
    const brackets = [body.bracket1, ...(body.bracket2 ? [body.bracket2] : [])];
    const exits = [];
    for (const [i, bracket] of brackets.entries()) {
      if (bracket.action === body.action)
        return failed({
          failureReason: "UnknownReason",
          failureText: `bracket${i + 1} must be a ${body.action === "Buy" ? "Sell" : "Buy"}: brackets close what the entry opens`,
        });
      const terms = this.terms(bracket, body.orderQty, target, `bracket${i + 1}`);
      if (!terms.ok) return failed(terms.failure);
      exits.push({ action: bracket.action, terms: terms.terms, clOrdId: bracket.clOrdId });
    }
    const refusal = this.refusal(target, body, this.opening(target.instrument, body.action, body.orderQty));
    if (refusal && "reply" in refusal) return refusal.reply;
    const origin = originOf(caller, body);
    const ids = exits.map(() => this.book.newId());
    const req = this.flow.request("New", origin);
    const parent = this.flow.create({ ...target.instrument, action: body.action, ...entry.terms }, req);
    const legs = exits.map((exit, i) => {
      const legReq = this.flow.request("New", { ...origin, clOrdId: exit.clOrdId });
      const partner = ids.length === 2 ? ids[1 - i] : undefined;
      const leg = this.flow.create({ ...target.instrument, action: exit.action, ...exit.terms }, legReq, {
        id: ids[i]!,
        parentId: parent.id,
        ...(partner !== undefined ? { linkedId: partner, ocoId: ids[0]! } : {}),
      });
      return { leg, legReq };
    });
    this.links.addBrackets(parent.id, ids);
    if (refusal?.rejection) {
      this.enter([parent], [req], refusal.rejection);
    } else {
      this.flow.accept(parent, req);
      for (const { leg, legReq } of legs) this.flow.accept(leg, legReq, true);
      this.flow.start(parent);
      this.settle(parent.accountId);
    }
    return ok({ orderId: parent.id, oso1Id: ids[0], ...(ids[1] !== undefined ? { oso2Id: ids[1] } : {}) });
  }

  /** Tradovate's multibracket strategy (orderStrategyTypeId 2). Response {orderStrategy} or {errorText}. */
  startOrderStrategy(caller: Caller, raw: unknown): Reply {
    const parsed = startStrategyBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const body = parsed.data;
    if (body.orderStrategyTypeId !== 2)
      return ok({
        errorText: `orderStrategyTypeId ${body.orderStrategyTypeId} is not supported: use 2 (multibracket)`,
      });
    const target = this.target(caller, body);
    if ("status" in target) return target;
    const strategy = checkStrategy(body.params, body.action, target.product.tickSize);
    if (!strategy.ok) return ok({ errorText: strategy.errorText });
    const { entryVersion } = strategy.params;
    const entry = this.terms(entryVersion, entryVersion.orderQty, target);
    if (!entry.ok) return ok({ errorText: `${entry.failure.failureReason}: ${entry.failure.failureText}` });
    const refusal = this.gate.refusal(
      target.account.id,
      this.opening(target.instrument, body.action, entryVersion.orderQty),
    );
    if (refusal?.mode === "reply")
      return ok({ errorText: `${refusal.failureReason}: ${refusal.failureText}` });
    const origin = originOf(caller, body);
    const s = {
      id: this.book.newId(),
      accountId: target.account.id,
      contractId: target.contract.id,
      action: body.action,
      params: body.params,
      entryId: this.book.newId(),
      status: "ActiveStrategy" as const,
      userId: caller.user.id,
      sets: [],
    };
    this.links.addStrategy(s, strategy.brackets);
    this.out.strategyStarted(s);
    const req = this.flow.request("New", origin);
    const o = this.flow.create({ ...target.instrument, action: body.action, ...entry.terms }, req, {
      id: s.entryId,
      strategyId: s.id,
    });
    this.out.strategyLinked(s, o.id, "Entry");
    this.enter([o], [req], refusal);
    return ok({ orderStrategy: { ...this.book.get<OrderStrategyEntity>("orderStrategy", s.id)! } });
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

  /** A new version of a working order: quantity, type, prices. Response {commandId}. */
  modifyOrder(caller: Caller, raw: unknown): Reply {
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
    const product = this.book.productOf(o.contractId)!;
    const terms = checkTerms(body, body.orderQty, product, this.market.price(o.product)!, this.book.now());
    if (!terms.ok) return failed(terms.failure);
    const opening = o.parentId === undefined && this.opening(o, o.action, body.orderQty - o.filled, o.id);
    const refusal = this.gate.modifyRefusal(o.accountId, opening);
    if (refusal) return ok({ failureReason: refusal.failureReason, failureText: refusal.failureText });
    const req = this.flow.request("Modify", originOf(caller, body));
    this.flow.revise(o, terms.terms, req);
    this.settle(o.accountId);
    return ok({ commandId: req.id });
  }

  cancelOrder(caller: Caller, raw: unknown): Reply {
    const parsed = cancelOrderBody.safeParse(raw);
    if (!parsed.success) return violation(describeIssues(parsed.error));
    const o = this.ownOrder(caller, parsed.data.orderId);
    if (!o) return denied("Order not found");
    if (!isOpen(o)) return ok({ failureReason: "TooLate", failureText: `Order is ${o.state}, not working` });
    const req = this.flow.request("Cancel", originOf(caller, parsed.data));
    this.flow.cancel(o, req);
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
  onPrice(product: string, price: number): void {
    this.flow.onPrice(product, price);
    for (const accountId of this.clearing.accountsIn(product)) this.autoLiq.check(accountId);
  }

  // ------------------------------------------------------------------------------------------
  // Control

  setRejection(accountName: string, rejection: Rejection | null): void {
    this.gate.setRejection(this.account(accountName).id, rejection);
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

  /** Accept (or reject, event mode) orders made for one request, match them, publish, check limits. */
  private enter(orders: SimOrder[], reqs: Parameters<OrderFlow["accept"]>[1][], rejection?: Rejection): void {
    orders.forEach((o, i) => {
      if (rejection) this.flow.reject(o, reqs[i], rejection.failureReason, rejection.failureText);
      else this.flow.accept(o, reqs[i]!);
    });
    for (const o of orders) this.flow.start(o);
    this.settle(orders[0]!.accountId);
  }

  private settle(accountId: number): void {
    this.out.flush();
    this.autoLiq.check(accountId);
  }

  /** accountId wins; accountSpec (the account name) is the fallback, as in Tradovate's examples. */
  private target(
    caller: Caller,
    body: Pick<PlaceOrderBody, "accountId" | "accountSpec" | "symbol">,
  ): Target | Reply {
    let account: AccountEntity | undefined;
    if (body.accountId !== undefined) account = this.book.get<AccountEntity>("account", body.accountId);
    else if (body.accountSpec !== undefined) account = this.book.accountByName(body.accountSpec);
    else return violation("accountId or accountSpec is required");
    if (!account || !caller.user.accountIds.includes(account.id)) return denied();
    const contract =
      typeof body.symbol === "number"
        ? this.book.get<ContractEntity>("contract", body.symbol)
        : this.book.contractByName(body.symbol);
    if (!contract) return denied();
    const product = this.book.productOf(contract.id)!;
    return {
      account,
      contract,
      product,
      instrument: {
        accountId: account.id,
        contractId: contract.id,
        symbol: contract.name,
        product: product.name,
        tickSize: product.tickSize,
      },
    };
  }

  /** Orders through the API must say whether a machine placed them (exchange policy, §5.1). */
  private automated(body: { isAutomated?: boolean | undefined }): Failure | undefined {
    if (body.isAutomated !== undefined) return undefined;
    return {
      failureReason: "UnknownReason",
      failureText:
        "isAutomated is required: true for orders a program places, false for orders a person enters",
    };
  }

  private terms(v: VersionFields, qty: number, target: Target, where?: string) {
    const r = checkTerms(v, qty, target.product, this.market.price(target.product.name)!, this.book.now());
    if (r.ok || where === undefined) return r;
    return {
      ok: false as const,
      failure: { ...r.failure, failureText: `${where}: ${r.failure.failureText}` },
    };
  }

  /**
   * A refusal answered in the reply (recorded, no order made), or a rejection to apply as events
   * after the order is accepted for processing.
   */
  private refusal(
    target: Target,
    body: PlaceOrderBody,
    opening: boolean,
  ): { reply: Reply } | { rejection: Rejection } | undefined {
    const refusal = this.gate.refusal(target.account.id, opening);
    if (!refusal) return undefined;
    if (refusal.mode === "event") return { rejection: refusal };
    this.records_.refused({
      orderId: null,
      accountId: target.account.id,
      accountName: target.account.name,
      clOrdId: body.clOrdId,
      isAutomated: body.isAutomated ?? false,
      symbol: target.contract.name,
      action: body.action,
      qty: body.orderQty,
      orderType: body.orderType,
      status: "Rejected",
      filledQty: 0,
      failureReason: refusal.failureReason,
      failureText: refusal.failureText,
    });
    return { reply: ok({ failureReason: refusal.failureReason, failureText: refusal.failureText }) };
  }

  /**
   * Whether an order could open or add: anything but a reduction that, with the account's other
   * working orders on the same side, stays within the position.
   */
  private opening(instrument: Instrument, action: Side, qty: number, except?: number): boolean {
    const pos = this.clearing.netPos(instrument.accountId, instrument.contractId);
    if (pos === 0 || Math.sign(signed(action, 1)) === Math.sign(pos)) return true;
    return (
      qty + this.venue.pending(instrument.accountId, instrument.contractId, action, except) > Math.abs(pos)
    );
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

function originOf(
  caller: Caller,
  body: { clOrdId?: string | undefined; customTag50?: string | undefined; isAutomated?: boolean | undefined },
): Origin {
  return {
    userId: caller.user.id,
    sessionId: caller.sessionId,
    isAutomated: body.isAutomated ?? false,
    clOrdId: body.clOrdId,
    customTag50: body.customTag50,
  };
}
