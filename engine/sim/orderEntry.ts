import type { AccountGate, Rejection } from "./accountGate.js";
import type { Book } from "./book.js";
import type { Clearing } from "./clearing.js";
import type { AccountEntity, ContractEntity, OrderStrategyEntity, ProductEntity } from "./entities.js";
import type { Links } from "./links.js";
import type { Market } from "./market.js";
import { type Instrument, type Origin, type Side, type SimOrder, signed } from "./order.js";
import type { OrderFlow } from "./orderFlow.js";
import {
  checkStrategy,
  checkTerms,
  describeIssues,
  type Failure,
  type PlaceOrderBody,
  placeOcoBody,
  placeOrderBody,
  placeOsoBody,
  startStrategyBody,
  type VersionFields,
} from "./orderRequests.js";
import type { TradeRecords } from "./records.js";
import { fail, ok, type Reply } from "./reply.js";
import type { Reporters } from "./reporters.js";
import type { Caller } from "./trading.js";
import type { Venue } from "./venue.js";

/**
 * Tradovate's requests that make new orders — placeorder, placeoco, placeoso and
 * startorderstrategy — checked as Tradovate checks them (the account, the contract, isAutomated,
 * the terms, the account's risk state) and handed to the order engine as linked orders.
 */

export interface EntryParts {
  book: Book;
  market: Market;
  flow: OrderFlow;
  links: Links;
  gate: AccountGate;
  records: TradeRecords;
  out: Reporters;
  clearing: Clearing;
  venue: Venue;
  /** Publish, then check the account's server-side loss limit. */
  settle: (accountId: number) => void;
}

interface Target {
  account: AccountEntity;
  contract: ContractEntity;
  product: ProductEntity;
  instrument: Instrument;
}

export const violation = (text: string): Reply => fail(400, `Violation: ${text}`);
export const denied = (text = "Access is denied") =>
  ok({ failureReason: "UnknownReason", failureText: text });
const failed = (f: Failure): Reply => ok({ ...f });

export class OrderEntry {
  constructor(private readonly p: EntryParts) {}

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
    const req = this.p.flow.request("New", origin);
    const o = this.p.flow.create({ ...target.instrument, action: body.action, ...terms.terms }, req);
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
    const refusal = this.refusal(target, body, opening, [body.orderType, body.other.orderType]);
    if (refusal && "reply" in refusal) return refusal.reply;
    const [a, b] = [this.p.book.newId(), this.p.book.newId()];
    const origin = originOf(caller, body);
    const reqA = this.p.flow.request("New", origin);
    const reqB = this.p.flow.request("New", { ...origin, clOrdId: body.other.clOrdId });
    const oa = this.p.flow.create({ ...target.instrument, action: body.action, ...first.terms }, reqA, {
      id: a,
      linkedId: b,
      ocoId: a,
    });
    const ob = this.p.flow.create(
      { ...target.instrument, action: body.other.action, ...second.terms },
      reqB,
      {
        id: b,
        linkedId: a,
        ocoId: a,
      },
    );
    this.p.links.addOco([a, b], body.orderQty);
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
    const ids = exits.map(() => this.p.book.newId());
    const req = this.p.flow.request("New", origin);
    const parent = this.p.flow.create({ ...target.instrument, action: body.action, ...entry.terms }, req);
    const legs = exits.map((exit, i) => {
      const legReq = this.p.flow.request("New", { ...origin, clOrdId: exit.clOrdId });
      const partner = ids.length === 2 ? ids[1 - i] : undefined;
      const leg = this.p.flow.create({ ...target.instrument, action: exit.action, ...exit.terms }, legReq, {
        id: ids[i]!,
        parentId: parent.id,
        ...(partner !== undefined ? { linkedId: partner, ocoId: ids[0]! } : {}),
      });
      return { leg, legReq };
    });
    this.p.links.addBrackets(parent.id, ids);
    if (refusal?.rejection) {
      this.enter([parent], [req], refusal.rejection);
    } else {
      this.p.flow.accept(parent, req);
      for (const { leg, legReq } of legs) this.p.flow.accept(leg, legReq, true);
      this.p.flow.start(parent);
      this.p.settle(parent.accountId);
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
    const refusal = this.p.gate.refusal(
      target.account.id,
      this.opening(target.instrument, body.action, entryVersion.orderQty),
    );
    if (refusal?.mode === "reply")
      return ok({ errorText: `${refusal.failureReason}: ${refusal.failureText}` });
    const origin = originOf(caller, body);
    const s = {
      id: this.p.book.newId(),
      accountId: target.account.id,
      contractId: target.contract.id,
      action: body.action,
      params: body.params,
      entryId: this.p.book.newId(),
      status: "ActiveStrategy" as const,
      userId: caller.user.id,
      sets: [],
    };
    this.p.links.addStrategy(s, strategy.brackets);
    this.p.out.strategyStarted(s);
    const req = this.p.flow.request("New", origin);
    const o = this.p.flow.create({ ...target.instrument, action: body.action, ...entry.terms }, req, {
      id: s.entryId,
      strategyId: s.id,
    });
    this.p.out.strategyLinked(s, o.id, "Entry");
    this.enter([o], [req], refusal);
    return ok({ orderStrategy: { ...this.p.book.get<OrderStrategyEntity>("orderStrategy", s.id)! } });
  }

  // ------------------------------------------------------------------------------------------

  /** Accept (or reject, event mode) orders made for one request, match them, publish, check limits. */
  private enter(orders: SimOrder[], reqs: Parameters<OrderFlow["accept"]>[1][], rejection?: Rejection): void {
    if (rejection) this.p.flow.rejectAll(orders, reqs, rejection.failureReason, rejection.failureText);
    else for (const [i, o] of orders.entries()) this.p.flow.accept(o, reqs[i]!);
    for (const o of orders) this.p.flow.start(o);
    this.p.settle(orders[0]!.accountId);
  }

  /** accountId wins; accountSpec (the account name) is the fallback, as in Tradovate's examples. */
  private target(
    caller: Caller,
    body: Pick<PlaceOrderBody, "accountId" | "accountSpec" | "symbol">,
  ): Target | Reply {
    let account: AccountEntity | undefined;
    if (body.accountId !== undefined) account = this.p.book.get<AccountEntity>("account", body.accountId);
    else if (body.accountSpec !== undefined) account = this.p.book.accountByName(body.accountSpec);
    else return violation("accountId or accountSpec is required");
    if (!account || !caller.user.accountIds.includes(account.id)) return denied();
    const contract =
      typeof body.symbol === "number"
        ? this.p.book.get<ContractEntity>("contract", body.symbol)
        : this.p.book.contractByName(body.symbol);
    if (!contract) return denied();
    const product = this.p.book.productOf(contract.id)!;
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
    const r = checkTerms(
      v,
      qty,
      target.product,
      this.p.market.price(target.product.name)!,
      this.p.book.now(),
    );
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
    orderTypes: readonly string[] = [body.orderType],
  ): { reply: Reply } | { rejection: Rejection } | undefined {
    const refusal = this.p.gate.refusal(target.account.id, opening, orderTypes);
    if (!refusal) return undefined;
    if (refusal.mode === "event") return { rejection: refusal };
    this.p.records.refused({
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
  opening(instrument: Instrument, action: Side, qty: number, except?: number): boolean {
    const pos = this.p.clearing.netPos(instrument.accountId, instrument.contractId);
    if (pos === 0 || Math.sign(signed(action, 1)) === Math.sign(pos)) return true;
    return (
      qty + this.p.venue.pending(instrument.accountId, instrument.contractId, action, except) > Math.abs(pos)
    );
  }
}

export function originOf(
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
