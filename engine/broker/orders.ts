/**
 * Order requests and their replies (tradovate-protocol.md §5): request bodies, and the mapping of
 * every reply or transport failure to an OrderResult. Pure functions.
 */
import type {
  ModifyOrderRequest,
  MonoMs,
  OcoLeg,
  OrderResult,
  OrderType,
  PlaceOcoRequest,
  PlaceOrderRequest,
} from "../types.js";
import { asBrokerError } from "./auth.js";
import type { BrokerRequestError } from "./errors.js";

/** failureReason values that come from the transport or mimik's own budget, not from Tradovate. */
export const TRANSPORT_FAILURES = {
  timeout: "Timeout",
  disconnected: "Disconnected",
  rateLimited: "RateLimited",
  /** Refused at once by the request budget: never sent (issue 12 #3). */
  budget: "request budget",
  /** A penalty ticket too long to wait for, or with a captcha: never resent (issue 12 #4). */
  penalty: "penalty",
  requestFailed: "RequestFailed",
} as const;

/** Tradovate's contract ids are numbers, carried through the port as their digits. */
export function tradovateId(id: string): number | undefined {
  return /^\d+$/.test(id) ? Number(id) : undefined;
}

/**
 * An order, `isAutomated: true`, account name and id both sent (§5.1): Market unless the request
 * names another type; a limit price for Limit and StopLimit, a trigger for Stop and StopLimit.
 */
export function placeOrderBody(req: PlaceOrderRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    accountSpec: req.accountName,
    accountId: req.accountId,
    action: req.action,
    symbol: req.symbol,
    orderQty: req.qty,
    ...priced(req.orderType ?? "Market", req.price, req.stopPrice, req.trail),
    isAutomated: true,
    clOrdId: req.clOrdId,
  };
  if (req.timeInForce !== undefined) body.timeInForce = req.timeInForce;
  if (req.text !== undefined) body.text = req.text;
  return body;
}

/** order/placeoco: the first order's fields and `other`, the order its fill cancels (§5.2). */
export function placeOcoBody(req: PlaceOcoRequest): Record<string, unknown> {
  return { ...placeOrderBody(req), other: legBody(req.other) };
}

function legBody(leg: OcoLeg): Record<string, unknown> {
  const body: Record<string, unknown> = {
    action: leg.action,
    ...priced(leg.orderType, leg.price, leg.stopPrice, leg.trail),
    clOrdId: leg.clOrdId,
  };
  if (leg.timeInForce !== undefined) body.timeInForce = leg.timeInForce;
  return body;
}

/**
 * order/modifyorder: `orderQty` and `orderType` are required (§5.2), the prices the type needs. A
 * trailing stop's modify says no stopPrice unless asked: its stop trails at the broker, and any
 * other stop than its own is refused (TrailingStopNonOrderQtyModify).
 */
export function modifyOrderBody(req: ModifyOrderRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    orderId: req.orderId,
    orderQty: req.qty,
    ...priced(req.orderType, req.price, req.stopPrice, req.trail),
    isAutomated: true,
  };
  if (req.timeInForce !== undefined) body.timeInForce = req.timeInForce;
  return body;
}

/** The type with only the prices it uses: a stray price on a Stop is never sent. */
function priced(
  orderType: OrderType,
  price?: number,
  stopPrice?: number,
  trail?: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = { orderType };
  if ((orderType === "Limit" || orderType === "StopLimit") && price !== undefined) body.price = price;
  const stopped = orderType === "Stop" || orderType === "StopLimit" || orderType === "TrailingStop";
  if (stopped && stopPrice !== undefined) body.stopPrice = stopPrice;
  if (orderType === "TrailingStop" && trail !== undefined) body.pegDifference = trail;
  return body;
}

export function cancelOrderBody(orderId: number): Record<string, unknown> {
  return { orderId, isAutomated: true };
}

export function liquidatePositionBody(accountId: number, contractId: number): Record<string, unknown> {
  return { accountId, contractId, admin: false, isAutomated: true };
}

/**
 * `{orderId}` → ok; `{failureReason, failureText}` or `{errorText}` → not ok. A cancel answers
 * `{commandId}`: `fallbackOrderId` (the cancelled order) is reported then.
 */
export function orderResultFromReply(
  d: unknown,
  writtenAt: MonoMs | undefined,
  ackAt: MonoMs,
  fallbackOrderId?: number,
): OrderResult {
  const rec = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
  const reason = typeof rec.failureReason === "string" ? rec.failureReason : undefined;
  if (reason && reason !== "Success") {
    const text = typeof rec.failureText === "string" ? rec.failureText : undefined;
    return { ok: false, failureReason: reason, failureText: text, writtenAt, ackAt };
  }
  if (typeof rec.errorText === "string" && rec.errorText !== "") {
    return { ok: false, failureReason: "UnknownReason", failureText: rec.errorText, writtenAt, ackAt };
  }
  const orderId = typeof rec.orderId === "number" ? rec.orderId : fallbackOrderId;
  // placeoco answers {orderId, ocoId}: the second order's id.
  const otherOrderId = typeof rec.ocoId === "number" ? rec.ocoId : undefined;
  if (orderId === undefined) {
    return {
      ok: false,
      failureReason: "UnknownReason",
      failureText: "reply has no orderId",
      writtenAt,
      ackAt,
    };
  }
  const ok: OrderResult = { ok: true, orderId, writtenAt: writtenAt ?? ackAt, ackAt };
  if (otherOrderId !== undefined) ok.otherOrderId = otherOrderId;
  if (typeof rec.commandId === "number") ok.commandId = rec.commandId;
  return ok;
}

export function orderResultFromError(
  err: unknown,
  writtenAt: MonoMs | undefined,
  ackAt: MonoMs,
): OrderResult {
  const e = asBrokerError(err);
  return { ok: false, failureReason: failureReasonOf(e), failureText: e.message, writtenAt, ackAt };
}

function failureReasonOf(e: BrokerRequestError): string {
  switch (e.kind) {
    case "timeout":
      return TRANSPORT_FAILURES.timeout;
    case "disconnected":
      return TRANSPORT_FAILURES.disconnected;
    case "rateLimited":
      return TRANSPORT_FAILURES.rateLimited;
    case "budget":
      return TRANSPORT_FAILURES.budget;
    case "penalty":
    case "captcha":
      return TRANSPORT_FAILURES.penalty;
    default:
      // Live trading from an unverified device answers 401 (§2.1).
      return e.status === 401 ? "Unauthorized" : TRANSPORT_FAILURES.requestFailed;
  }
}
