/**
 * Order requests and their replies (tradovate-protocol.md §5): request bodies, and the mapping of
 * every reply or transport failure to an OrderResult. Pure functions.
 */
import type { MonoMs, OrderResult, PlaceOrderRequest } from "../types.js";
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

/** Market order, `isAutomated: true`, account name and id both sent (§5.1). */
export function placeOrderBody(req: PlaceOrderRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    accountSpec: req.accountName,
    accountId: req.accountId,
    action: req.action,
    symbol: req.symbol,
    orderQty: req.qty,
    orderType: "Market",
    isAutomated: true,
    clOrdId: req.clOrdId,
  };
  if (req.text !== undefined) body.text = req.text;
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
  if (orderId === undefined) {
    return {
      ok: false,
      failureReason: "UnknownReason",
      failureText: "reply has no orderId",
      writtenAt,
      ackAt,
    };
  }
  return { ok: true, orderId, writtenAt: writtenAt ?? ackAt, ackAt };
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
