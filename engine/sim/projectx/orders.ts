import { z } from "zod";
import type { Book, SimUser } from "../book.js";
import type { ProductEntity } from "../entities.js";
import type { Market } from "../market.js";
import { isOpen, type SimOrder } from "../order.js";
import type { Reply } from "../reply.js";
import type { Caller, Trading } from "../trading.js";
import type { ProjectXContracts } from "./entities.js";
import type { ProjectXEvents } from "./events.js";

/**
 * ProjectX's order operations on the simulated venue (projectx-protocol.md "Endpoints",
 * "Brackets"): Order/place, modify and cancel, Position/closeContract and partialCloseContract.
 * Each is checked as ProjectX checks it (the account, canTrade, the contract, the type's prices,
 * customTag unique per account, brackets only in Auto OCO mode with signed ticks) and carried out
 * by the same order engine the Tradovate face uses. Business failures are HTTP 200 with
 * `success: false` and the endpoint's error code.
 */

/** Order/place's error codes (PlaceOrderErrorCode). */
export const PLACE_ERRORS = {
  accountNotFound: 1,
  orderRejected: 2,
  insufficientFunds: 3,
  accountViolation: 4,
  outsideTradingHours: 5,
  orderPending: 6,
  unknown: 7,
  contractNotFound: 8,
  contractNotActive: 9,
  accountRejected: 10,
} as const;

/** Order/modify's and Order/cancel's error codes. */
export const ORDER_ERRORS = { accountNotFound: 1, orderNotFound: 2, rejected: 3 } as const;

/** Position/closeContract's and partialCloseContract's error codes. */
export const CLOSE_ERRORS = {
  accountNotFound: 1,
  positionNotFound: 2,
  contractNotFound: 3,
  rejected: 4,
} as const;

const int = z.number().int();
const bracket = z.object({ ticks: int, type: int });

export const placeBody = z.object({
  accountId: int,
  contractId: z.string().min(1),
  type: int.min(1).max(7),
  side: int.min(0).max(1),
  size: int.positive(),
  limitPrice: z.number().nullish(),
  stopPrice: z.number().nullish(),
  trailPrice: z.number().nullish(),
  customTag: z.string().max(64).nullish(),
  stopLossBracket: bracket.nullish(),
  takeProfitBracket: bracket.nullish(),
});
export const modifyBody = z.object({
  accountId: int,
  orderId: int,
  size: int.positive().nullish(),
  limitPrice: z.number().nullish(),
  stopPrice: z.number().nullish(),
  trailPrice: z.number().nullish(),
});
export const cancelBody = z.object({ accountId: int, orderId: int });
export const closeBody = z.object({ accountId: int, contractId: z.string().min(1) });
export const partialCloseBody = closeBody.extend({ size: int.positive() });

export type Envelope = Record<string, unknown>;
const success = (fields: Envelope = {}): Envelope => ({
  ...fields,
  success: true,
  errorCode: 0,
  errorMessage: null,
});
export const failure = (errorCode: number, errorMessage: string, fields: Envelope = {}): Envelope => ({
  ...fields,
  success: false,
  errorCode,
  errorMessage,
});

const TYPES: Record<number, "Limit" | "Market" | "StopLimit" | "Stop" | "TrailingStop"> = {
  1: "Limit",
  2: "Market",
  3: "StopLimit",
  4: "Stop",
  5: "TrailingStop",
};

export interface PxOrderDeps {
  book: Book;
  market: Market;
  trading: Trading;
  contracts: ProjectXContracts;
  events: ProjectXEvents;
  canTrade(accountId: number): boolean;
  bracketMode(accountId: number): "position" | "autoOco";
  marketClosed(): boolean;
}

export class ProjectXOrders {
  /** customTags used, per account: ProjectX refuses a second order with the same one. */
  private readonly tags = new Map<number, Set<string>>();

  constructor(private readonly d: PxOrderDeps) {}

  place(user: SimUser, b: z.infer<typeof placeBody>): Envelope {
    if (!user.accountIds.includes(b.accountId))
      return failure(PLACE_ERRORS.accountNotFound, `Account ${b.accountId} not found`);
    const contract = this.d.contracts.byId(b.contractId);
    if (!contract) return failure(PLACE_ERRORS.contractNotFound, `Contract ${b.contractId} not found`);
    if (!this.d.canTrade(b.accountId))
      return failure(
        PLACE_ERRORS.accountViolation,
        "The account is not allowed to trade (canTrade is false)",
      );
    if (this.d.marketClosed())
      return failure(PLACE_ERRORS.outsideTradingHours, "The market is closed: outside of trading hours");
    const tag = b.customTag ?? undefined;
    if (tag !== undefined && this.tags.get(b.accountId)?.has(tag))
      return failure(
        PLACE_ERRORS.orderRejected,
        `An order with custom tag '${tag}' already exists on this account`,
      );
    const product = this.d.book.productOf(contract.id) as ProductEntity;
    const terms = this.terms(b, product);
    if ("error" in terms) return failure(PLACE_ERRORS.orderRejected, terms.error);
    const action = b.side === 0 ? "Buy" : "Sell";
    const brackets = this.brackets(b, action, product);
    if (typeof brackets === "string") return failure(PLACE_ERRORS.orderRejected, brackets);
    const order = {
      accountId: b.accountId,
      symbol: contract.id,
      action,
      orderQty: b.size,
      ...terms,
      ...(tag !== undefined ? { clOrdId: tag } : {}),
      isAutomated: true,
    };
    const caller = callerOf(user);
    let orderId: number | undefined;
    let refusal: string | undefined;
    if (brackets) {
      const reply = this.d.trading.startOrderStrategy(caller, {
        accountId: b.accountId,
        symbol: contract.id,
        action,
        orderStrategyTypeId: 2,
        params: JSON.stringify({
          entryVersion: { orderQty: b.size, ...terms },
          brackets: [{ qty: b.size, ...brackets }],
        }),
        ...(tag !== undefined ? { customTag50: tag } : {}),
        isAutomated: true,
      });
      const body = reply.body as { orderStrategy?: { id: number }; errorText?: string };
      if (body.orderStrategy) orderId = this.d.trading.strategyEntry(body.orderStrategy.id);
      else refusal = body.errorText ?? textOf(reply);
    } else {
      const result = outcome(this.d.trading.placeOrder(caller, order));
      orderId = result.orderId;
      refusal = result.refusal;
    }
    if (orderId === undefined) return failure(codeOf(refusal), refusal ?? "Order rejected");
    if (tag !== undefined) {
      const set = this.tags.get(b.accountId) ?? new Set();
      set.add(tag);
      this.tags.set(b.accountId, set);
    }
    return success({ orderId });
  }

  modify(user: SimUser, b: z.infer<typeof modifyBody>): Envelope {
    const found = this.own(user, b.accountId, b.orderId);
    if (!found.ok) return found.envelope;
    const o = found.order;
    const reply = this.d.trading.modifyOrder(
      callerOf(user),
      {
        orderId: o.id,
        orderQty: b.size ?? o.qty,
        orderType: o.type,
        price: b.limitPrice ?? o.price,
        stopPrice: b.stopPrice ?? o.stopPrice,
        ...(o.type === "TrailingStop" ? { pegDifference: b.trailPrice ?? o.trail } : {}),
        timeInForce: o.timeInForce,
        isAutomated: true,
      },
      true,
    );
    const result = outcome(reply);
    return result.refusal === undefined ? success() : failure(ORDER_ERRORS.rejected, result.refusal);
  }

  cancel(user: SimUser, b: z.infer<typeof cancelBody>): Envelope {
    const found = this.own(user, b.accountId, b.orderId);
    if (!found.ok) return found.envelope;
    const result = outcome(
      this.d.trading.cancelOrder(callerOf(user), { orderId: b.orderId, isAutomated: true }),
    );
    return result.refusal === undefined ? success() : failure(ORDER_ERRORS.rejected, result.refusal);
  }

  /** Closes the whole position (`size` undefined) or part of it, at market. */
  close(user: SimUser, b: z.infer<typeof closeBody> & { size?: number }): Envelope {
    if (!user.accountIds.includes(b.accountId))
      return failure(CLOSE_ERRORS.accountNotFound, `Account ${b.accountId} not found`);
    const contract = this.d.contracts.byId(b.contractId);
    if (!contract) return failure(CLOSE_ERRORS.contractNotFound, `Contract ${b.contractId} not found`);
    const netPos = this.d.book.position(b.accountId, contract.id)?.netPos ?? 0;
    if (netPos === 0) return failure(CLOSE_ERRORS.positionNotFound, `No open position in ${b.contractId}`);
    if (b.size !== undefined && b.size > Math.abs(netPos))
      return failure(
        CLOSE_ERRORS.rejected,
        `size ${b.size} is more than the position of ${Math.abs(netPos)}`,
      );
    if (!this.d.canTrade(b.accountId))
      return failure(CLOSE_ERRORS.rejected, "The account is not allowed to trade (canTrade is false)");
    const result = outcome(
      this.d.trading.placeOrder(callerOf(user), {
        accountId: b.accountId,
        symbol: contract.id,
        action: netPos > 0 ? "Sell" : "Buy",
        orderQty: b.size ?? Math.abs(netPos),
        orderType: "Market",
        isAutomated: true,
      }),
    );
    return result.refusal === undefined ? success() : failure(CLOSE_ERRORS.rejected, result.refusal);
  }

  // ------------------------------------------------------------------------------------------

  private own(
    user: SimUser,
    accountId: number,
    orderId: number,
  ): { ok: true; order: SimOrder } | { ok: false; envelope: Envelope } {
    const refuse = (code: number, text: string) => ({ ok: false as const, envelope: failure(code, text) });
    if (!user.accountIds.includes(accountId))
      return refuse(ORDER_ERRORS.accountNotFound, `Account ${accountId} not found`);
    const order = this.d.trading.orderOf(orderId);
    if (!order || order.accountId !== accountId)
      return refuse(ORDER_ERRORS.orderNotFound, `Order ${orderId} not found`);
    if (!isOpen(order)) return refuse(ORDER_ERRORS.rejected, `Order ${orderId} is no longer open`);
    return { ok: true, order };
  }

  /** ProjectX's order type and prices as the order engine's terms; JoinBid/JoinAsk rest at the touch. */
  private terms(b: z.infer<typeof placeBody>, product: ProductEntity) {
    const price = this.d.market.price(product.name)!;
    if (b.type === 6) return { orderType: "Limit", price };
    if (b.type === 7) return { orderType: "Limit", price: Number((price + product.tickSize).toFixed(6)) };
    const type = TYPES[b.type]!;
    const needs = (field: string) => ({ error: `A ${type} order needs ${field}` });
    if ((type === "Limit" || type === "StopLimit") && b.limitPrice == null) return needs("limitPrice");
    if ((type === "Stop" || type === "StopLimit") && b.stopPrice == null) return needs("stopPrice");
    if (type === "TrailingStop" && b.trailPrice == null) return needs("trailPrice (the trailing distance)");
    if (type === "TrailingStop") {
      const trail = b.trailPrice!;
      const stop = b.side === 0 ? price + trail : price - trail;
      return { orderType: type, stopPrice: Number(stop.toFixed(6)), pegDifference: trail };
    }
    return {
      orderType: type,
      ...(b.limitPrice != null ? { price: b.limitPrice } : {}),
      ...(b.stopPrice != null ? { stopPrice: b.stopPrice } : {}),
    };
  }

  /**
   * Brackets: only in Auto OCO mode; signed ticks (a buy's stop below: negative; its target above:
   * positive), a stop leg of type Stop or TrailingStop and a target leg of type Limit.
   */
  private brackets(
    b: z.infer<typeof placeBody>,
    action: "Buy" | "Sell",
    product: ProductEntity,
  ): { stopLoss?: number; profitTarget?: number; trailingStop?: boolean } | undefined | string {
    const sl = b.stopLossBracket ?? undefined;
    const tp = b.takeProfitBracket ?? undefined;
    if (!sl && !tp) return undefined;
    if (this.d.bracketMode(b.accountId) !== "autoOco")
      return "Brackets are refused in Position Brackets mode: switch the account to Auto OCO Brackets (while flat) to send them with an order";
    const up = action === "Buy" ? 1 : -1;
    if (sl) {
      if (sl.ticks === 0 || Math.sign(sl.ticks) !== -up)
        return `stopLossBracket.ticks must be ${up > 0 ? "negative" : "positive"} for a ${action.toLowerCase()} (got ${sl.ticks})`;
      if (sl.type !== 4 && sl.type !== 5) return `stopLossBracket.type must be 4 (Stop) or 5 (TrailingStop)`;
    }
    if (tp) {
      if (tp.ticks === 0 || Math.sign(tp.ticks) !== up)
        return `takeProfitBracket.ticks must be ${up > 0 ? "positive" : "negative"} for a ${action.toLowerCase()} (got ${tp.ticks})`;
      if (tp.type !== 1) return "takeProfitBracket.type must be 1 (Limit)";
    }
    const tick = product.tickSize;
    return {
      ...(sl ? { stopLoss: Number((sl.ticks * tick).toFixed(6)), trailingStop: sl.type === 5 } : {}),
      ...(tp ? { profitTarget: Number((tp.ticks * tick).toFixed(6)) } : {}),
    };
  }
}

function callerOf(user: SimUser): Caller {
  return { user, sessionId: user.id };
}

function outcome(reply: Reply): { orderId?: number; refusal?: string } {
  const body = reply.body as { orderId?: number; failureReason?: string; failureText?: string } | string;
  if (reply.status !== 200 || typeof body !== "object") return { refusal: textOf(reply) };
  if (body.failureReason !== undefined)
    return { refusal: `${body.failureReason}: ${body.failureText ?? ""}`.trim() };
  return body.orderId !== undefined ? { orderId: body.orderId } : {};
}

function textOf(reply: Reply): string {
  return typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
}

/** The venue's refusals in ProjectX's codes: its risk state is an account violation, its halt outside trading hours. */
function codeOf(refusal: string | undefined): number {
  if (refusal?.startsWith("TradingLocked") || refusal?.startsWith("LiquidationOnly"))
    return PLACE_ERRORS.accountViolation;
  if (refusal?.startsWith("SessionClosed")) return PLACE_ERRORS.outsideTradingHours;
  return PLACE_ERRORS.orderRejected;
}
