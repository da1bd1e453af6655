/**
 * One Tradovate login (design.md §1, §10): connecting → connected → reconnecting (backoff with
 * jitter) / reauth-needed / down. Every (re)connect: token → account/list (REST) → trading socket
 * → authorize → user/syncrequest once → snapshot → SyncEvent. Live `props` are turned into
 * events synchronously inside the frame handler, so a fill reaches listeners with no extra hop.
 */
import WebSocket from "ws";
import {
  type BrokerAccount,
  type BrokerEvent,
  type BrokerSession,
  type Clock,
  type ConnectionState,
  type ContractSpec,
  type Logger,
  type MonoMs,
  type OrderResult,
  type PlaceOrderRequest,
  type PositionSnapshot,
  type RateBudget,
  silentLogger,
  systemClock,
  type WorkingOrder,
} from "../types.js";
import { asBrokerError, TokenHolder } from "./auth.js";
import { backoffDelay } from "./backoff.js";
import { parseAccount } from "./entities.js";
import { BrokerRequestError } from "./errors.js";
import type { EventMessage } from "./frames.js";
import { EntityLookups } from "./lookups.js";
import { BrokerModel } from "./model.js";
import {
  cancelOrderBody,
  liquidatePositionBody,
  orderResultFromError,
  orderResultFromReply,
  placeOrderBody,
  TRANSPORT_FAILURES,
} from "./orders.js";
import { QuoteFeed } from "./quotes.js";
import { RateLimiter } from "./rateLimiter.js";
import { type Credentials, RestClient } from "./rest.js";
import { TradovateSocket, type WebSocketConstructor } from "./socket.js";

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
  /** Default 80/min, 5000/h; a 429 pauses everything for lockoutMs (default 1 h) or Retry-After. */
  rateLimit?: { perMinute: number; perHour: number; lockoutMs?: number };
  heartbeatMs?: number;
  watchdogMs?: number;
  requestTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  renewBeforeMs?: number;
  /** Defaults to the `ws` package; any WHATWG-style WebSocket constructor works. */
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
  /** Authorize this long after the socket opened when no `o` frame came (default 1000). */
  authorizeFallbackMs?: number;
  /** How long a fill whose order is unknown waits for the order before order/item (default 300). */
  orderWaitMs?: number;
}

class FatalSetupError extends Error {}

/** Tradovate throttles a login after >100 failures per endpoint per hour: never loop on 4xx. */
const MAX_CLIENT_ERRORS = 3;

export class TradovateBrokerSession implements BrokerSession {
  readonly connection: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly limiter: RateLimiter;
  private readonly rest: RestClient;
  private readonly tokens: TokenHolder;
  private readonly model: BrokerModel;
  private readonly quotes: QuoteFeed;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly wsImpl: WebSocketConstructor;
  private readonly lockoutMs: number;
  private current: ConnectionState = "down";
  private currentReason: string | undefined;
  private socket: TradovateSocket | undefined;
  /** True once the current socket's snapshot is applied; props before that are buffered. */
  private synced = false;
  private buffered: Array<{ msg: EventMessage; receivedAt: MonoMs }> = [];
  private syncedOnce = false;
  private stopped = true;
  private loopRunning = false;
  private attempt = 0;
  /** Consecutive setup failures with a 4xx status: retrying those forever gets a login throttled. */
  private clientErrors = 0;
  private sleepTimer: unknown;
  private wake: (() => void) | undefined;
  private firstOutcome: (() => void) | undefined;
  private readonly lookups: EntityLookups;
  private readonly quoteNames = new Set<string>();

  constructor(private readonly opts: BrokerSessionOptions) {
    this.connection = opts.connection;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.wsImpl = opts.WebSocketImpl ?? (WebSocket as unknown as WebSocketConstructor);
    this.lockoutMs = opts.rateLimit?.lockoutMs ?? 3_600_000;
    this.limiter = new RateLimiter({
      perMinute: opts.rateLimit?.perMinute ?? 80,
      perHour: opts.rateLimit?.perHour ?? 5000,
      clock: this.clock,
    });
    this.rest = new RestClient({
      baseUrl: opts.restUrl,
      clock: this.clock,
      limiter: this.limiter,
      logger: this.logger,
      timeoutMs: this.requestTimeoutMs,
      lockoutMs: this.lockoutMs,
      fetchImpl: opts.fetchImpl,
    });
    this.tokens = new TokenHolder({
      rest: this.rest,
      credentials: opts.credentials,
      clock: this.clock,
      logger: this.logger,
      renewBeforeMs: opts.renewBeforeMs ?? 15 * 60_000,
      onFatal: (err) => this.setState("reauth-needed", err.message),
    });
    this.model = new BrokerModel(opts.connection, this.logger, () => this.clock.now());
    this.lookups = new EntityLookups({
      model: this.model,
      read: (endpoint, query) => this.read(endpoint, query),
      clock: this.clock,
      logger: this.logger,
      orderWaitMs: opts.orderWaitMs ?? 300,
      onResolved: () => this.flushPending(),
    });
    this.quotes = new QuoteFeed({
      url: opts.mdUrl,
      tokens: this.tokens,
      clock: this.clock,
      logger: this.logger,
      limiter: this.limiter,
      WebSocketImpl: this.wsImpl,
      heartbeatMs: this.heartbeatMs,
      watchdogMs: this.watchdogMs,
      requestTimeoutMs: this.requestTimeoutMs,
      lockoutMs: this.lockoutMs,
      authorizeFallbackMs: opts.authorizeFallbackMs,
      reconnect: this.reconnectOpts,
      onQuote: (q) => this.handleQuote(q.contractId, q.price, q.ts),
    });
  }

  private get heartbeatMs(): number {
    return this.opts.heartbeatMs ?? 2500;
  }
  private get watchdogMs(): number {
    return this.opts.watchdogMs ?? 10_000;
  }
  private get requestTimeoutMs(): number {
    return this.opts.requestTimeoutMs ?? 10_000;
  }
  private get reconnectOpts(): { initialMs: number; maxMs: number } {
    return this.opts.reconnect ?? { initialMs: 500, maxMs: 30_000 };
  }

  // ------------------------------------------------------------------ lifecycle

  /** Resolves after the first connect attempt's outcome (connected, or a failure state). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.tokens.resume();
    const outcome = new Promise<void>((resolve) => {
      this.firstOutcome = resolve;
    });
    this.setState("connecting");
    void this.connectLoop();
    this.quotes.resume();
    return outcome;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sleepTimer !== undefined) this.clock.clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    this.lookups.stop();
    this.wake?.();
    this.socket?.close("session stopped");
    this.socket = undefined;
    this.quotes.stop();
    this.tokens.stop();
    this.limiter.dispose();
    this.setState("down", "stopped");
  }

  state(): ConnectionState {
    return this.current;
  }

  on(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return this.model.accounts();
  }
  contractByName(name: string): ContractSpec | undefined {
    return this.model.contractByName(name);
  }
  contractById(id: number): ContractSpec | undefined {
    return this.model.contractById(id);
  }
  positions(accountId: number): PositionSnapshot[] {
    return this.model.positions(accountId);
  }
  cashBalance(accountId: number): { amount: number; realizedPnL: number } | undefined {
    return this.model.cashBalance(accountId);
  }
  workingOrders(accountId: number): WorkingOrder[] {
    return this.model.workingOrders(accountId);
  }
  lastPrice(contractId: number): number | undefined {
    return this.model.lastPrice(contractId);
  }
  rateBudget(): RateBudget {
    return this.limiter.budget();
  }

  findContract(name: string): Promise<ContractSpec | undefined> {
    return this.lookups.findContract(name);
  }

  subscribeQuotes(contract: string): void {
    const name = contract.toUpperCase();
    this.quoteNames.add(name);
    // Quotes carry only contractId: make sure the id → name mapping exists.
    if (!this.model.contractByName(name)) void this.findContract(name);
    this.quotes.subscribe(name);
  }

  // ------------------------------------------------------------------ orders

  flushWrites(): void {
    TradovateSocket.uncorkAll();
  }

  placeOrder(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.orderRequest("order/placeorder", placeOrderBody(req), (orderId) =>
      this.model.rememberClOrdId(orderId, req.clOrdId),
    );
  }

  cancelOrder(orderId: number): Promise<OrderResult> {
    return this.orderRequest("order/cancelorder", cancelOrderBody(orderId), undefined, orderId);
  }

  liquidatePosition(accountId: number, contractId: number): Promise<OrderResult> {
    return this.orderRequest("order/liquidateposition", liquidatePositionBody(accountId, contractId));
  }

  /** Over the trading socket (lower latency than REST). Never rejects. */
  private orderRequest(
    endpoint: string,
    body: Record<string, unknown>,
    onOrderId?: (orderId: number) => void,
    fallbackOrderId?: number,
  ): Promise<OrderResult> {
    const socket = this.socket;
    if (!socket?.isOpen() || !this.synced) {
      return Promise.resolve({
        ok: false,
        failureReason: TRANSPORT_FAILURES.disconnected,
        failureText: `${this.connection} is ${this.current}`,
        ackAt: this.clock.mono(),
      });
    }
    let writtenAt: MonoMs | undefined;
    const onWritten = (at: MonoMs) => {
      writtenAt = at;
    };
    return socket.request(endpoint, body, { priority: "order", onWritten }).then(
      (d) => {
        const result = orderResultFromReply(d, writtenAt, this.clock.mono(), fallbackOrderId);
        if (result.ok) onOrderId?.(result.orderId);
        return result;
      },
      (err: unknown) => orderResultFromError(err, writtenAt, this.clock.mono()),
    );
  }

  // ------------------------------------------------------------------ connecting

  private async connectLoop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    try {
      while (!this.stopped) {
        try {
          await this.connectOnce();
          this.attempt = 0;
          return;
        } catch (err) {
          if (this.stopped) return;
          if (err instanceof FatalSetupError) {
            this.setState("down", err.message);
            return;
          }
          const e = asBrokerError(err);
          if (e.kind === "rejected" || e.kind === "captcha") {
            this.setState("reauth-needed", e.message);
            return;
          }
          if (e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) {
            // 400/401 = expired token, 408 = session ended by a newer login: log in again next time.
            if (e.status === 400 || e.status === 401 || e.status === 408) this.tokens.invalidate();
            if (++this.clientErrors >= MAX_CLIENT_ERRORS) {
              this.setState("down", `${e.message} (gave up after ${this.clientErrors} attempts)`);
              return;
            }
          } else if (e.status === 502 && this.attempt >= 2) {
            this.tokens.invalidate();
          }
          this.setState("reconnecting", e.message);
          await this.sleep(backoffDelay(this.attempt++, this.reconnectOpts));
        }
      }
    } finally {
      this.loopRunning = false;
    }
  }

  private async connectOnce(): Promise<void> {
    this.synced = false;
    this.buffered = [];
    const token = await this.tokens.get();
    const accounts = await this.loadAccounts(token.accessToken);
    this.model.setAccounts(accounts);
    const socket: TradovateSocket = new TradovateSocket({
      url: this.opts.wsUrl,
      token: token.accessToken,
      label: "trading",
      clock: this.clock,
      logger: this.logger,
      WebSocketImpl: this.wsImpl,
      limiter: this.limiter,
      heartbeatMs: this.heartbeatMs,
      watchdogMs: this.watchdogMs,
      requestTimeoutMs: this.requestTimeoutMs,
      lockoutMs: this.lockoutMs,
      authorizeFallbackMs: this.opts.authorizeFallbackMs,
      onEvent: (msg, receivedAt) => this.handleEvent(socket, msg, receivedAt),
      onClose: (reason) => this.handleSocketLost(socket, reason),
    });
    this.socket = socket;
    try {
      await socket.open();
      if (this.stopped) throw new BrokerRequestError("disconnected", "stopped");
      // Once per socket: the subscription lives as long as the socket does.
      const snapshot = await socket.request(
        "user/syncrequest",
        { accounts: accounts.map((a) => a.id) },
        { timeoutMs: Math.max(this.requestTimeoutMs, 30_000) },
      );
      if (this.stopped) throw new BrokerRequestError("disconnected", "stopped");
      this.applySnapshot(snapshot);
    } catch (err) {
      if (this.socket === socket) this.socket = undefined;
      socket.close("connect failed");
      throw err;
    }
  }

  private async loadAccounts(token: string): Promise<BrokerAccount[]> {
    const list = await this.rest.call("account/list", { token });
    if (!Array.isArray(list)) throw new BrokerRequestError("transport", "account/list: reply is not a list");
    const all = list.map(parseAccount).filter((a) => a !== undefined);
    const wanted = this.opts.accounts;
    if (!wanted || wanted.length === 0) return all.map((a) => ({ id: a.id, name: a.name }));
    const byName = new Map(all.map((a) => [a.name.toUpperCase(), a]));
    const found: BrokerAccount[] = [];
    const missing: string[] = [];
    for (const name of wanted) {
      const a = byName.get(name.toUpperCase());
      if (a) found.push({ id: a.id, name: a.name });
      else missing.push(name);
    }
    if (missing.length > 0) {
      this.logger.error("accounts not visible to this login", { connection: this.connection, missing });
    }
    if (found.length === 0) {
      throw new FatalSetupError(
        `none of the accounts ${wanted.join(", ")} is visible to login ${this.connection}`,
      );
    }
    return found;
  }

  private applySnapshot(snapshot: unknown): void {
    if (typeof snapshot !== "object" || snapshot === null) {
      throw new BrokerRequestError("transport", "user/syncrequest: reply has no snapshot");
    }
    const initial = !this.syncedOnce;
    const events = this.model.applySnapshot(snapshot, initial);
    this.syncedOnce = true;
    this.synced = true;
    this.attempt = 0;
    this.clientErrors = 0;
    for (const ev of events) this.emit(ev);
    this.setState("connected");
    const buffered = this.buffered;
    this.buffered = [];
    for (const b of buffered) this.applyProps(b.msg, b.receivedAt);
    this.lookups.resolveMissing();
  }

  private handleSocketLost(socket: TradovateSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasSynced = this.synced;
    this.synced = false;
    if (this.stopped || !wasSynced) return; // connectOnce reports its own failure
    this.logger.warn("trading socket lost", { connection: this.connection, reason });
    this.setState("reconnecting", reason);
    void (async () => {
      await this.sleep(backoffDelay(this.attempt++, this.reconnectOpts));
      if (!this.stopped) await this.connectLoop();
    })();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      this.sleepTimer = this.clock.setTimeout(() => {
        this.sleepTimer = undefined;
        this.wake?.();
      }, ms);
    });
  }

  // ------------------------------------------------------------------ live events

  private handleEvent(socket: TradovateSocket, msg: EventMessage, receivedAt: MonoMs): void {
    if (socket !== this.socket || msg.event !== "props") return;
    if (!this.synced) {
      this.buffered.push({ msg, receivedAt });
      return;
    }
    this.applyProps(msg, receivedAt);
    if (this.model.hasPending()) this.lookups.resolveMissing();
  }

  private applyProps(msg: EventMessage, receivedAt: MonoMs): void {
    for (const ev of this.model.applyProps(msg.data, receivedAt)) this.emit(ev);
  }

  private flushPending(): void {
    if (!this.synced) return;
    for (const ev of this.model.flush()) this.emit(ev);
  }

  /** Reads over the trading socket when it is up (cheaper), otherwise over REST. */
  private async read(endpoint: string, query: string): Promise<unknown> {
    const socket = this.socket;
    if (socket?.isOpen()) return socket.request(endpoint, undefined, { query });
    const token = await this.tokens.get();
    return this.rest.call(endpoint, { query, token: token.accessToken });
  }

  private handleQuote(contractId: number, price: number, ts: number): void {
    this.model.setLastPrice(contractId, price);
    const contract = this.model.contractName(contractId);
    if (!contract) return; // mapping arrives with findContract; the next quote will go out
    this.emit({ type: "quote", connection: this.connection, contractId, contract, price, ts });
  }

  // ------------------------------------------------------------------ plumbing

  private setState(state: ConnectionState, reason?: string): void {
    if (state !== "connecting") {
      this.firstOutcome?.();
      this.firstOutcome = undefined;
    }
    if (state === this.current && reason === this.currentReason) return;
    this.current = state;
    this.currentReason = reason;
    if ((state === "reauth-needed" || state === "down") && !this.stopped) {
      this.logger.error("broker connection needs attention", { connection: this.connection, state, reason });
    }
    this.emit({ type: "connection", connection: this.connection, state, reason });
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error("broker event listener threw", {
          type: event.type,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }
}
