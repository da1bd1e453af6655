import type { Clock, Logger } from "../../types.js";

export interface ProjectXSessionOptions {
  /** The config connection name (echoed in every event). */
  connection: string;
  /** REST base (https://api.topstepx.com); requests go to <apiUrl>/api/... */
  apiUrl: string;
  userHubUrl: string;
  marketHubUrl: string;
  userName: string;
  apiKey: string;
  /** Account names to follow; default: every account of Account/search. */
  accounts?: string[];
  /** Canonical root → ProjectX root, on top of the built-in table (ES → EP, NQ → ENQ, …). */
  symbols?: Record<string, string>;
  clock?: Clock;
  logger?: Logger;
  /** ProjectX's 200 requests a minute; a 429 stops requests for lockoutMs (default 10 s). */
  rateLimit?: { perMinute?: number; lockoutMs?: number };
  requestTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  /** SignalR keep-alive and server timeout (defaults 15 s and 30 s, SignalR's own). */
  keepAliveMs?: number;
  serverTimeoutMs?: number;
  /** Renew the token this long before its 24 h are up (default 1 h). */
  renewBeforeMs?: number;
  /** How long an order's fillVolume may run ahead of its trade before the fill is taken from the order (default 300). */
  tradeWaitMs?: number;
  /** After an order request's answer is lost, its account's picture (positions, orders, trades) is read again this much later (default 1 000). */
  lostAnswerReadMs?: number;
  fetchImpl?: typeof fetch;
}
