/**
 * Market-data socket (tradovate-protocol.md §1, §3): opened on the first subscription, authorized
 * with `mdAccessToken` when Tradovate gave one (falling back to the access token), `md/subscribeQuote`
 * per symbol, `md` events → prices. Resubscribes after every reconnect. Quotes are best effort:
 * a dead md socket never changes the trading connection's state.
 *
 * A refused token (authorize 401) is renewed through the login (TokenHolder.renewNow), never
 * retried as it is. When a token that came after the refusal is refused too, or the login itself
 * is refused, the feed stops and says why (`onStopped`): retrying would only hammer the broker.
 * A new token (a renewal, a login) or a restart tries again.
 */
import type { Clock, Logger, MonoMs } from "../types.js";
import { asBrokerError, type TokenHolder } from "./auth.js";
import { type ReconnectOptions, ReconnectPolicy } from "./connectPolicy.js";
import type { BrokerRequestError } from "./errors.js";
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
  /** Why quotes stopped coming (undefined: they come again). Called on each change. */
  onStopped?: ((reason: string | undefined) => void) | undefined;
  /** The feed came up (subscriptions sent) or went down (lost, or could not connect). */
  onState?: ((up: boolean, reason?: string) => void) | undefined;
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
  /** No socket is tried until a new token comes (or a restart). */
  private waitingForToken = false;
  /** A token that came after a refusal: refused in turn, it is not the token's age. */
  private freshToken: string | undefined;
  /** Why quotes stopped, as last said through onStopped. */
  private problem: string | undefined;

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
    this.waitingForToken = false;
    this.freshToken = undefined;
    this.policy.reset();
    if (this.symbols.size > 0) this.ensureConnected();
  }

  /** The login has a new token: a feed that waited for one tries again, with it. */
  tokenChanged(): void {
    if (!this.waitingForToken) return;
    this.waitingForToken = false;
    this.freshToken = this.opts.tokens.current()?.accessToken;
    this.ensureConnected();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.close("session stopped");
    this.socket = undefined;
  }

  private ensureConnected(): void {
    if (this.stopped || this.waitingForToken || this.connecting || this.socket?.isOpen()) return;
    if (this.retryTimer !== undefined) return;
    this.connecting = true;
    void this.connect().finally(() => {
      this.connecting = false;
    });
  }

  private async connect(): Promise<void> {
    let socket: TradovateSocket | undefined;
    let token: string | undefined;
    let usedMdToken = false;
    try {
      const tokens = await this.opts.tokens.get();
      token = tokens.accessToken;
      usedMdToken = !this.useAccessToken && tokens.mdAccessToken !== undefined;
      socket = new TradovateSocket({
        url: this.opts.url,
        token: usedMdToken ? tokens.mdAccessToken! : tokens.accessToken,
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
          this.opts.onState?.(false, `market data socket lost: ${loss.reason}`);
          this.retry(this.policy.lost());
        },
      });
      await socket.open();
      if (this.stopped) {
        socket.close("session stopped");
        return;
      }
      this.socket = socket;
      // The backoff resets only once this socket has held (ReconnectPolicy).
      this.policy.connected();
      this.say(undefined);
      for (const s of this.symbols) this.sendSubscribe(socket, s);
      this.opts.onState?.(true);
    } catch (err) {
      socket?.close("connect failed");
      if (this.stopped) return;
      const e = asBrokerError(err);
      this.opts.onState?.(false, `market data socket could not connect: ${e.message}`);
      if (e.status === 401 && usedMdToken) this.useAccessToken = true;
      else if (e.status === 401 && token !== undefined) return this.refused(token, e);
      const stopped = this.opts.tokens.loginsStopped();
      if (stopped !== undefined) return this.waitForToken(`no market data: logins stopped (${stopped})`);
      // Logins locked (423): each try would keep the lockout going; the next token (the
      // connection's login after the lockout) or a restart tries again.
      if (e.status === 423) return this.waitForToken(`no market data: ${e.message}`);
      this.opts.logger.warn("market data socket could not connect", { error: e.message });
      this.retry(this.policy.failed());
    }
  }

  /** Tradovate refused `token` on the market-data socket: renew it through the login, once. */
  private async refused(token: string, e: BrokerRequestError): Promise<void> {
    if (token === this.freshToken) {
      this.waitForToken(
        `market data refused (${e.message}) with a new token too; no quotes until the next token or a restart, so open P&L and loss limits see no prices`,
      );
      return;
    }
    this.opts.logger.warn("market data socket: token refused; renewing it", { error: e.message });
    await this.opts.tokens.renewNow(token);
    if (this.stopped) return;
    const next = this.opts.tokens.current()?.accessToken;
    if (next !== undefined && next !== token) {
      this.freshToken = next;
      this.retry(this.policy.failed());
      return;
    }
    const stopped = this.opts.tokens.loginsStopped();
    if (stopped !== undefined) this.waitForToken(`no market data: logins stopped (${stopped})`);
    // No token: the login after the refused renewal failed on the way; connect again as after any failure.
    else if (this.opts.tokens.current() === undefined) this.retry(this.policy.failed());
    // Renewal not through yet (network, gateway): the login retries it; its token wakes the feed.
    else this.waitForToken(undefined);
  }

  /** No more sockets until a new token (tokenChanged) or a restart; `reason` is said when given. */
  private waitForToken(reason: string | undefined): void {
    this.waitingForToken = true;
    if (reason === undefined) return;
    this.opts.logger.error("market data stopped", { reason });
    this.say(reason);
  }

  private say(problem: string | undefined): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.opts.onStopped?.(problem);
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
