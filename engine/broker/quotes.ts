/**
 * Market-data socket (tradovate-protocol.md §1, §3): opened on the first subscription, authorized
 * with `mdAccessToken` when Tradovate gave one (falling back to the access token), `md/subscribeQuote`
 * per symbol, `md` events → prices. Resubscribes after every reconnect. Quotes are best effort:
 * a dead md socket never changes the trading connection's state.
 */
import type { Clock, Logger, MonoMs } from "../types.js";
import { asBrokerError, type TokenHolder } from "./auth.js";
import { type ReconnectOptions, ReconnectPolicy } from "./connectPolicy.js";
import type { EventMessage } from "./frames.js";
import type { RateLimiter } from "./rateLimiter.js";
import { TradovateSocket, type WebSocketConstructor } from "./socket.js";

export interface Quote {
  contractId: number;
  price: number;
  ts: number;
}

export interface QuoteFeedOptions {
  url: string;
  tokens: TokenHolder;
  clock: Clock;
  logger: Logger;
  limiter: RateLimiter;
  WebSocketImpl: WebSocketConstructor;
  heartbeatMs: number;
  watchdogMs: number;
  requestTimeoutMs: number;
  lockoutMs: number;
  authorizeFallbackMs?: number | undefined;
  maxOrderPenaltyWaitMs?: number | undefined;
  reconnect: ReconnectOptions;
  onQuote: (quote: Quote, receivedAt: MonoMs) => void;
}

/** Pulls quotes out of an `md` event: `{quotes:[{contractId, timestamp, entries:{Trade,Bid,Offer}}]}`. */
export function parseQuotes(data: unknown, now: number): Quote[] {
  const d = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : undefined;
  const quotes = Array.isArray(d?.quotes) ? d.quotes : [];
  const out: Quote[] = [];
  for (const raw of quotes) {
    if (typeof raw !== "object" || raw === null) continue;
    const q = raw as Record<string, unknown>;
    const contractId =
      typeof q.contractId === "number" ? q.contractId : typeof q.id === "number" ? q.id : undefined;
    const entries =
      typeof q.entries === "object" && q.entries !== null ? (q.entries as Record<string, unknown>) : {};
    const price = priceOf(entries);
    if (contractId === undefined || price === undefined) continue;
    const ts = typeof q.timestamp === "string" ? Date.parse(q.timestamp) : Number.NaN;
    out.push({ contractId, price, ts: Number.isFinite(ts) ? ts : now });
  }
  return out;
}

function entryPrice(entries: Record<string, unknown>, name: string): number | undefined {
  const e = entries[name];
  if (typeof e !== "object" || e === null) return undefined;
  const p = (e as Record<string, unknown>).price;
  return typeof p === "number" && Number.isFinite(p) ? p : undefined;
}

/** The last trade; without one, the middle of bid and offer. */
function priceOf(entries: Record<string, unknown>): number | undefined {
  const trade = entryPrice(entries, "Trade");
  if (trade !== undefined) return trade;
  const bid = entryPrice(entries, "Bid");
  const offer = entryPrice(entries, "Offer");
  if (bid !== undefined && offer !== undefined) return (bid + offer) / 2;
  return bid ?? offer;
}

export class QuoteFeed {
  private readonly symbols = new Set<string>();
  private socket: TradovateSocket | undefined;
  private connecting = false;
  /** Until the session starts (resume()), nothing connects: the connection logs in first. */
  private stopped = true;
  private readonly policy: ReconnectPolicy;
  private retryTimer: unknown;
  /** Set after the md token was refused once: the plain access token is tried instead. */
  private useAccessToken = false;

  constructor(private readonly opts: QuoteFeedOptions) {
    this.policy = new ReconnectPolicy(opts.clock, opts.reconnect);
  }

  subscribe(symbol: string): void {
    const name = symbol.toUpperCase();
    if (this.symbols.has(name)) return;
    this.symbols.add(name);
    if (this.socket?.isOpen()) this.sendSubscribe(this.socket, name);
    else this.ensureConnected();
  }

  /** After stop(): reconnects and resubscribes when symbols were subscribed. */
  resume(): void {
    this.stopped = false;
    this.policy.reset();
    if (this.symbols.size > 0) this.ensureConnected();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.close("session stopped");
    this.socket = undefined;
  }

  private ensureConnected(): void {
    if (this.stopped || this.connecting || this.socket?.isOpen() || this.retryTimer !== undefined) return;
    this.connecting = true;
    void this.connect().finally(() => {
      this.connecting = false;
    });
  }

  private async connect(): Promise<void> {
    let socket: TradovateSocket | undefined;
    try {
      const token = await this.opts.tokens.get();
      const usedMdToken = !this.useAccessToken && token.mdAccessToken !== undefined;
      socket = new TradovateSocket({
        url: this.opts.url,
        token: usedMdToken ? token.mdAccessToken! : token.accessToken,
        label: "md",
        clock: this.opts.clock,
        logger: this.opts.logger,
        WebSocketImpl: this.opts.WebSocketImpl,
        limiter: this.opts.limiter,
        heartbeatMs: this.opts.heartbeatMs,
        watchdogMs: this.opts.watchdogMs,
        requestTimeoutMs: this.opts.requestTimeoutMs,
        lockoutMs: this.opts.lockoutMs,
        authorizeFallbackMs: this.opts.authorizeFallbackMs,
        maxOrderPenaltyWaitMs: this.opts.maxOrderPenaltyWaitMs,
        onEvent: (msg, receivedAt) => this.handleEvent(msg, receivedAt),
        onClose: (loss) => {
          if (this.socket !== socket) return;
          this.socket = undefined;
          this.opts.logger.warn("market data socket lost", { reason: loss.reason });
          this.retry(this.policy.lost());
        },
      });
      try {
        await socket.open();
      } catch (err) {
        const e = asBrokerError(err);
        if (e.status === 401 && usedMdToken) this.useAccessToken = true;
        throw e;
      }
      if (this.stopped) {
        socket.close("session stopped");
        return;
      }
      this.socket = socket;
      // The backoff resets only once this socket has held (ReconnectPolicy).
      this.policy.connected();
      for (const s of this.symbols) this.sendSubscribe(socket, s);
    } catch (err) {
      socket?.close("connect failed");
      if (this.stopped) return;
      this.opts.logger.warn("market data socket could not connect", { error: asBrokerError(err).message });
      this.retry(this.policy.failed());
    }
  }

  private retry(delay: number): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    this.retryTimer = this.opts.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureConnected();
    }, delay);
  }

  private sendSubscribe(socket: TradovateSocket, symbol: string): void {
    socket.request("md/subscribeQuote", { symbol }).catch((err: unknown) => {
      this.opts.logger.warn("quote subscription failed", { symbol, error: asBrokerError(err).message });
    });
  }

  private handleEvent(msg: EventMessage, receivedAt: MonoMs): void {
    if (msg.event !== "md") return;
    for (const q of parseQuotes(msg.data, this.opts.clock.now())) this.opts.onQuote(q, receivedAt);
  }
}
