/**
 * Typed failures of broker requests. Messages never contain tokens, passwords or secrets.
 */

export type BrokerErrorKind =
  /** Non-2xx reply: `status` says which. */
  | "status"
  /** HTTP 429 / WS s:429, or our own limiter is in a lockout. */
  | "rateLimited"
  /** Our own request budget refused the request (it was never sent). */
  | "budget"
  /** An order got a penalty ticket whose wait is too long to be worth it: it was not resent. */
  | "penalty"
  /** A p-captcha penalty: a third-party app cannot complete the call; wait ~1 h. */
  | "captcha"
  /** Business failure (`errorText`) e.g. wrong password. */
  | "rejected"
  | "timeout"
  | "disconnected"
  /** Network failure, bad JSON and the like. */
  | "transport";

export class BrokerRequestError extends Error {
  constructor(
    readonly kind: BrokerErrorKind,
    message: string,
    readonly status?: number,
    /** The broker's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "BrokerRequestError";
  }
}

export interface PenaltyTicket {
  ticket: string;
  /** Seconds to wait before resending. */
  waitSeconds: number;
  captcha: boolean;
}

/** Recognises `{"p-ticket","p-time","p-captcha"}` (§2.1, §3.3, §6). */
export function penaltyOf(body: unknown): PenaltyTicket | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const rec = body as Record<string, unknown>;
  const ticket = rec["p-ticket"];
  const captcha = rec["p-captcha"] === true;
  if (typeof ticket !== "string" && !captcha) return undefined;
  const time = Number(rec["p-time"]);
  return {
    ticket: typeof ticket === "string" ? ticket : "",
    waitSeconds: Number.isFinite(time) && time > 0 ? time : 1,
    captcha,
  };
}

export const CAPTCHA_REASON =
  "Tradovate asked for a captcha (p-captcha): an API client cannot solve it. Wait about an hour, " +
  "log in once through Tradovate's own app if it persists, then start again.";
