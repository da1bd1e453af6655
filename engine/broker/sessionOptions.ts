import type { Clock, Logger } from "../types.js";
import { type BudgetLimits, TRADOVATE_LIMITS } from "./budgetRules.js";
import type { ReconnectOptions, SupersededOptions } from "./connectPolicy.js";
import type { Credentials } from "./rest.js";
import type { WebSocketConstructor } from "./socket.js";

export interface BrokerSessionOptions {
  /** The config connection name (echoed in every event). */
  connection: string;
  restUrl: string;
  wsUrl: string;
  mdUrl: string;
  credentials: Credentials;
  /** Account names to sync; default: every account of account/list. */
  accounts?: string[];
  clock?: Clock;
  logger?: Logger;
  /**
   * The request budget (default Tradovate's published 1,000/s, 5,000/min, 5,000/h); a 429 stops
   * every request for lockoutMs (default 1 h).
   */
  rateLimit?: Partial<BudgetLimits> & { lockoutMs?: number };
  heartbeatMs?: number;
  watchdogMs?: number;
  requestTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** Another login took the session: how long to wait, and when it is an eviction loop. */
  superseded?: Partial<SupersededOptions>;
  /** Logins stop this long after a 423 that names no Retry-After (default 1 h). */
  loginLockoutMs?: number;
  /** The longest penalty wait an order accepts before failing with "penalty" (default 1000). */
  maxOrderPenaltyWaitMs?: number;
  /** A split sync snapshot is complete after this long without a part (default 150). */
  syncSettleMs?: number;
  /**
   * A split snapshot still without its accounts or positions this long after its first part reads
   * them itself (account/list, position/list); if that fails, the login reconnects (default 5 000).
   */
  syncCompleteMs?: number;
  renewBeforeMs?: number;
  /** A renewal that failed on the way (network, 5xx, 408, 502) is retried this long after (default 30 s). */
  renewRetryMs?: number;
  /** Defaults to the `ws` package; any WHATWG-style WebSocket constructor works. */
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
  /** Authorize this long after the socket opened when no `o` frame came (default 1000). */
  authorizeFallbackMs?: number;
  /** How long a fill whose order is unknown waits for the order before order/item (default 300). */
  orderWaitMs?: number;
  /** How long after an order answer is lost on a live socket the account is read again (default 1 000). */
  lostAnswerReadMs?: number;
}

/** The options' timings with Tradovate's defaults filled in. */
export function timingsOf(opts: BrokerSessionOptions) {
  const { lockoutMs = 3_600_000, ...limits } = opts.rateLimit ?? {};
  return {
    lockoutMs,
    heartbeatMs: opts.heartbeatMs ?? 2500,
    watchdogMs: opts.watchdogMs ?? 10_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    reconnect: opts.reconnect ?? { initialMs: 500, maxMs: 30_000 },
    limits: budgetLimits(limits),
  };
}

/** Tradovate's published user limits unless the connection says otherwise. */
export function budgetLimits(budget: Partial<BudgetLimits>): BudgetLimits {
  return { ...TRADOVATE_LIMITS, ...budget };
}
