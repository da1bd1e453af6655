import type { BrokerAlertEvent, Clock } from "../../types.js";

/**
 * Every ProjectX error code a copier meets (projectx-protocol.md "Auth", "Enums") as a reason a
 * trader can act on. ProjectX answers business failures with HTTP 200, `success: false`, an
 * endpoint-specific `errorCode` and an `errorMessage`; the reason names the code, the text keeps
 * ProjectX's own words.
 */

/** Auth/loginKey's codes: what was wrong and what to do. */
const LOGIN: Record<number, string> = {
  1: "user not found: check the connection's username (your ProjectX / TopstepX user name)",
  2: "password verification failed",
  3: "invalid credentials: the API key does not belong to this user name, or was revoked",
  4: "app not found",
  5: "app verification failed",
  6: "invalid device",
  7: "agreements not signed: sign the platform's agreements in its web app first",
  8: "unknown login error",
  9: "API subscription not found: the API add-on is not active on this user (TopstepX: Settings → API)",
  10: "API key authentication is disabled for this user",
};

export function loginErrorText(code: number, message: string | null | undefined): string {
  const what = LOGIN[code] ?? `login error ${code}`;
  return `ProjectX refused the login (${code}: ${what})${message ? `: ${message}` : ""}`;
}

/** Login codes after which trying again with the same user name and key cannot help. */
export function loginIsFatal(code: number): boolean {
  return code !== 8;
}

/** Order/place's codes as failureReasons (the copier shows `reason: text`). */
const PLACE: Record<number, string> = {
  1: "AccountNotFound",
  2: "OrderRejected",
  3: "InsufficientFunds",
  4: "AccountViolation",
  5: "OutsideTradingHours",
  6: "OrderPending",
  7: "UnknownReason",
  8: "InvalidContract",
  9: "ContractNotActive",
  10: "AccountRejected",
};

export function placeFailure(code: number): string {
  return PLACE[code] ?? `ProjectXError${code}`;
}

/** Order/modify and Order/cancel. */
const ORDER: Record<number, string> = { 1: "AccountNotFound", 2: "OrderNotFound", 3: "OrderRejected" };

export function orderFailure(code: number): string {
  return ORDER[code] ?? `ProjectXError${code}`;
}

/** Position/closeContract's "the account holds nothing in that contract". */
export const CLOSE_POSITION_NOT_FOUND = 2;

/** Position/closeContract and partialCloseContract. */
const CLOSE: Record<number, string> = {
  1: "AccountNotFound",
  [CLOSE_POSITION_NOT_FOUND]: "PositionNotFound",
  3: "InvalidContract",
  4: "OrderRejected",
};

export function closeFailure(code: number): string {
  return CLOSE[code] ?? `ProjectXError${code}`;
}

/** A contract the broker does not know: say where the name came from, so the trader can map it. */
export function contractHint(contractId: string): string {
  return `ProjectX has no contract ${contractId}; if ProjectX names this product differently, add its root to the connection's "symbols" (e.g. {"ES": "EP"})`;
}

/** A 429: what stops, for how long, and that copies are refused rather than sent late. */
export function rateLimitedText(seconds: number): string {
  return `ProjectX answered 429 (more than its 200 requests a minute): requests paused for ${seconds} s; copies in that time are refused at once, not sent late`;
}

/**
 * Says a 429 lockout once per spell, not on every request refused in it: the returned function
 * takes when each lockout ends.
 */
export function rateLimitAlerter(
  connection: string,
  clock: Pick<Clock, "now">,
  emit: (event: BrokerAlertEvent) => void,
): (until: number) => void {
  let alertUntil = 0;
  return (until) => {
    if (until <= alertUntil) return;
    const first = alertUntil < clock.now();
    alertUntil = until;
    if (!first) return;
    const message = rateLimitedText(Math.round((until - clock.now()) / 1000));
    emit({ type: "brokerAlert", connection, level: "warn", message });
  };
}
