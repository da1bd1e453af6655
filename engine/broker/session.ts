/**
 * One Tradovate login as a BrokerSession (design.md §1, §10). The connection itself lives in
 * connector.ts; this file wires the parts (token, budget, entity model, lookups, quotes) and
 * turns live `props` into events synchronously inside the frame handler, so a fill reaches
 * listeners with no extra hop; an account whose order answer was lost is read again over the live
 * socket (accountRead.ts). Every text that leaves (reasons, alerts, failure texts, log lines) is
 * redacted first: no password, API secret or token gets out of the broker layer.
 */
import WebSocket from "ws";
import { SAME_SYMBOLS } from "../symbols.js";
import {
  type BrokerAccount,
  type BrokerEvent,
  type BrokerSession,
  type Clock,
  type ConnectionState,
  type ContractId,
  type ContractSpec,
  type Logger,
  type ModifyOrderRequest,
  type MonoMs,
  type OrderResult,
  type PlaceOcoRequest,
  type PlaceOrderRequest,
  type PositionSnapshot,
  type RateBudget,
  silentLogger,
  systemClock,
  type WorkingOrder,
} from "../types.js";
import { TradovateReread } from "./accountRead.js";
import { TokenHolder } from "./auth.js";
import type { BudgetLimits } from "./budgetRules.js";
import { ConnectionStatus } from "./connectionStatus.js";
import { Connector } from "./connector.js";
import { SUPERSEDED_DEFAULTS } from "./connectPolicy.js";
import { EventFanout } from "./eventFanout.js";
import type { EventMessage } from "./frames.js";
import { EntityLookups } from "./lookups.js";
import { BrokerModel } from "./model.js";
import { OrderSender } from "./orderSender.js";
import { tradovateId } from "./orders.js";
import { QuoteFeed } from "./quotes.js";
import { RateLimiter } from "./rateLimiter.js";
import { Redactor, redactingLogger } from "./redact.js";
import { RestClient } from "./rest.js";
import { type BrokerSessionOptions, budgetLimits, timingsOf } from "./sessionOptions.js";
import { TradovateSocket, type WebSocketConstructor } from "./socket.js";

export type { BrokerSessionOptions } from "./sessionOptions.js";

export class TradovateBrokerSession implements BrokerSession {
  readonly connection: string;
  readonly broker = "tradovate";
  /** Tradovate's contract names are the engine's canonical ones. */
  readonly symbols = SAME_SYMBOLS;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  readonly limiter: RateLimiter;
  private readonly rest: RestClient;
  private readonly tokens: TokenHolder;
  private readonly model: BrokerModel;
  private readonly lookups: EntityLookups;
  private readonly quotes: QuoteFeed;
  private readonly connector: Connector;
  private readonly orders: OrderSender;
  private readonly reread: TradovateReread;
  private readonly fanout = new EventFanout(() => this.logger);
  private readonly status: ConnectionStatus;
  /** Live props that arrived before the snapshot was applied. */
  private buffered: Array<{ msg: EventMessage; receivedAt: MonoMs }> = [];
  private syncedOnce = false;
  private orderUpdatesDue = false;
  private stopped = true;

  constructor(opts: BrokerSessionOptions) {
    this.connection = opts.connection;
    this.clock = opts.clock ?? systemClock;
    this.redactor = new Redactor([opts.credentials.password, opts.credentials.sec]);
    this.logger = redactingLogger(opts.logger ?? silentLogger, this.redactor);
    this.status = new ConnectionStatus({
      connection: opts.connection,
      logger: this.logger,
      redact: (text) => this.redactor.text(text),
      stopped: () => this.stopped,
      emit: (event) => this.fanout.emit(event),
    });
    const wsImpl = opts.WebSocketImpl ?? (WebSocket as unknown as WebSocketConstructor);
    const { lockoutMs, heartbeatMs, watchdogMs, requestTimeoutMs, reconnect, limits } = timingsOf(opts);
    this.limiter = new RateLimiter({ clock: this.clock, limits });
    this.rest = new RestClient({
      baseUrl: opts.restUrl,
      clock: this.clock,
      limiter: this.limiter,
      logger: this.logger,
      timeoutMs: requestTimeoutMs,
      lockoutMs,
      fetchImpl: opts.fetchImpl,
    });
    this.tokens = new TokenHolder({
      rest: this.rest,
      credentials: opts.credentials,
      clock: this.clock,
      logger: this.logger,
      renewBeforeMs: opts.renewBeforeMs ?? 15 * 60_000,
      renewRetryMs: opts.renewRetryMs,
      onFatal: (err) => this.status.set("reauth-needed", err.message),
      onToken: (token) => {
        this.redactor.addToken(token.accessToken);
        this.redactor.addToken(token.mdAccessToken);
        this.quotes.tokenChanged();
      },
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
    const socket = {
      heartbeatMs,
      watchdogMs,
      requestTimeoutMs,
      lockoutMs,
      authorizeFallbackMs: opts.authorizeFallbackMs,
      maxOrderPenaltyWaitMs: opts.maxOrderPenaltyWaitMs,
    };
    this.quotes = new QuoteFeed({
      url: opts.mdUrl,
      tokens: this.tokens,
      clock: this.clock,
      logger: this.logger,
      limiter: this.limiter,
      WebSocketImpl: wsImpl,
      ...socket,
      reconnect,
      onQuote: (q) => this.handleQuote(q.contractId, q.price, q.ts),
      onStopped: (reason) => {
        this.status.setMarketData(reason);
        if (reason !== undefined) this.alert("error", reason);
      },
      onState: (up, reason) =>
        this.fanout.emit({ type: "marketData", connection: this.connection, up, reason }),
    });
    this.connector = new Connector({
      connection: opts.connection,
      user: opts.credentials.name,
      appId: opts.credentials.appId,
      wsUrl: opts.wsUrl,
      accounts: opts.accounts,
      clock: this.clock,
      logger: this.logger,
      WebSocketImpl: wsImpl,
      limiter: this.limiter,
      tokens: this.tokens,
      rest: this.rest,
      socket,
      reconnect,
      superseded: { ...SUPERSEDED_DEFAULTS, ...opts.superseded },
      loginLockoutMs: opts.loginLockoutMs ?? 3_600_000,
      syncSettleMs: opts.syncSettleMs ?? 150,
      syncCompleteMs: opts.syncCompleteMs ?? 5_000,
      setState: (state, reason) => this.status.set(state, reason),
      alert: (level, message) => this.alert(level, message),
      onAccounts: (accounts) => this.model.setAccounts(accounts),
      onEvent: (msg, receivedAt) => this.handleEvent(msg, receivedAt),
      onSynced: (snapshot, forAccounts) => this.applySnapshot(snapshot, forAccounts),
      onLatePart: (part, receivedAt) => this.applyLatePart(part, receivedAt),
      onLost: () => {
        this.buffered = [];
        this.reread.reset();
      },
    });
    this.orders = new OrderSender({
      connection: opts.connection,
      clock: this.clock,
      limiter: this.limiter,
      redactor: this.redactor,
      socket: () => {
        const socket = this.connector.socket;
        return socket?.isOpen() && this.connector.synced
          ? socket
          : { notReady: `${this.connection} is ${this.status.state}` };
      },
      rememberClOrdId: (orderId, clOrdId) => this.model.rememberClOrdId(orderId, clOrdId),
      accountOf: (orderId) => this.model.order(orderId)?.accountId,
      emit: (event) => this.fanout.emit(event),
      lost: (accountId) => this.reread.lost(accountId),
    });
    this.reread = new TradovateReread({
      ...{ connection: opts.connection, clock: this.clock, logger: this.logger, model: this.model },
      ...{ connector: this.connector, orders: this.orders, lookups: this.lookups },
      delayMs: opts.lostAnswerReadMs ?? 1_000,
      emit: (event) => this.fanout.emit(event),
    });
  }

  // ------------------------------------------------------------------ lifecycle

  /** Resolves after the first connect attempt's outcome (connected, or a failure state). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.tokens.resume();
    this.buffered = [];
    const outcome = this.status.connecting();
    this.connector.start();
    this.quotes.resume();
    return outcome;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.lookups.stop();
    this.reread.reset();
    this.connector.stop();
    this.quotes.stop();
    this.tokens.stop();
    this.status.set("down", "stopped");
  }

  state(): ConnectionState {
    return this.status.state;
  }

  setAccounts(names: readonly string[]): void {
    this.connector.setAccounts(names);
  }

  on(listener: (event: BrokerEvent) => void): () => void {
    return this.fanout.on(listener);
  }

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return this.model.accounts();
  }
  contractByName(name: string): ContractSpec | undefined {
    return this.model.contractByName(name);
  }
  contractById(id: ContractId): ContractSpec | undefined {
    const n = tradovateId(id);
    return n === undefined ? undefined : this.model.contractById(n);
  }
  positions(accountId: number): PositionSnapshot[] {
    return this.model.positions(accountId);
  }
  cashBalance(accountId: number): ReturnType<BrokerModel["cashBalance"]> {
    return this.model.cashBalance(accountId);
  }
  workingOrders(accountId: number): WorkingOrder[] {
    return this.model.workingOrders(accountId);
  }
  lastPrice(contractId: ContractId): number | undefined {
    const n = tradovateId(contractId);
    return n === undefined ? undefined : this.model.lastPrice(n);
  }
  readonly rateBudget = (): RateBudget => this.limiter.budget();
  /** A fill held back while its order or contract is looked up (its position report may be out). */
  readonly fillsWaiting = (): boolean => this.model.hasPending();
  setRequestBudget(budget: Partial<BudgetLimits>): BudgetLimits {
    return this.limiter.setLimits(budgetLimits(budget));
  }

  findContract(name: string): Promise<ContractSpec | undefined> {
    return this.lookups.findContract(name);
  }

  subscribeQuotes(contract: string): void {
    const name = contract.toUpperCase();
    // Quotes carry only contractId: make sure the id → name mapping exists.
    if (!this.model.contractByName(name)) void this.findContract(name);
    this.quotes.subscribe(name);
  }

  // ------------------------------------------------------------------ orders

  flushWrites(): void {
    TradovateSocket.uncorkAll();
  }

  placeOrder(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.orders.place(req);
  }

  placeOco(req: PlaceOcoRequest): Promise<OrderResult> {
    return this.orders.placeOco(req);
  }

  modifyOrder(req: ModifyOrderRequest): Promise<OrderResult> {
    return this.orders.modify(req);
  }

  cancelOrder(orderId: number): Promise<OrderResult> {
    return this.orders.cancel(orderId);
  }

  liquidatePosition(accountId: number, contractId: ContractId): Promise<OrderResult> {
    return this.orders.liquidate(accountId, contractId);
  }

  // ------------------------------------------------------------------ events

  private applySnapshot(snapshot: Record<string, unknown>, forAccounts: boolean): void {
    const initial = !this.syncedOnce;
    const events = this.model.applySnapshot(snapshot, initial);
    if (forAccounts) for (const ev of events) if (ev.type === "sync") ev.forAddedAccounts = true;
    this.syncedOnce = true;
    for (const ev of events) this.fanout.emit(ev);
    this.status.set("connected");
    const buffered = this.buffered;
    this.buffered = [];
    for (const b of buffered) this.applyProps(b.msg, b.receivedAt);
    this.lookups.resolveMissing();
  }

  private applyLatePart(part: unknown, receivedAt: MonoMs): void {
    this.logger.warn("a part of the sync snapshot came late; merged as updates", {
      connection: this.connection,
    });
    for (const ev of this.model.applySnapshotPart(part, receivedAt)) this.fanout.emit(ev);
    this.emitOrderUpdatesSoon();
    this.lookups.resolveMissing();
  }

  private handleEvent(msg: EventMessage, receivedAt: MonoMs): void {
    if (msg.event !== "props") return;
    if (!this.connector.synced) {
      this.buffered.push({ msg, receivedAt });
      return;
    }
    // A closure only while an account is read again, not one a message.
    if (this.reread.isReading && this.reread.hold(msg.data, () => this.applyProps(msg, receivedAt, true)))
      return;
    this.applyProps(msg, receivedAt, true);
  }

  private applyProps(msg: EventMessage, receivedAt: MonoMs, lookUpMissing = false): void {
    for (const ev of this.model.applyProps(msg.data, receivedAt)) this.fanout.emit(ev);
    this.emitOrderUpdatesSoon();
    if (lookUpMissing && this.model.hasPending()) this.lookups.resolveMissing();
  }

  private flushPending(): void {
    if (!this.connector.synced) return;
    for (const ev of this.model.flush()) this.fanout.emit(ev);
    this.emitOrderUpdatesSoon();
  }

  /** Orders' updates (issue 14) go out once the frame in hand is handled, each order once: never
   * in front of a copy's fan-out, which runs inside the frame at its fill. */
  private emitOrderUpdatesSoon(): void {
    if (this.orderUpdatesDue || !this.model.hasOrderUpdates()) return;
    this.orderUpdatesDue = true;
    queueMicrotask(() => {
      this.orderUpdatesDue = false;
      for (const ev of this.model.orderUpdates()) this.fanout.emit(ev);
    });
  }

  /** Reads over the trading socket when it is up (cheaper), otherwise over REST. */
  private async read(endpoint: string, query: string): Promise<unknown> {
    const socket = this.connector.socket;
    if (socket?.isOpen()) return socket.request(endpoint, undefined, { query });
    const token = await this.tokens.get();
    return this.rest.call(endpoint, { query, token: token.accessToken });
  }

  private handleQuote(contractId: number, price: number, ts: number): void {
    this.model.setLastPrice(contractId, price);
    const contract = this.model.contractName(contractId);
    if (!contract) return; // mapping arrives with findContract; the next quote will go out
    this.fanout.emit({
      type: "quote",
      connection: this.connection,
      contractId: String(contractId),
      contract,
      price,
      ts,
    });
  }

  // ------------------------------------------------------------------ plumbing

  private alert(level: "info" | "warn" | "error", message: string): void {
    this.fanout.emit({
      type: "brokerAlert",
      connection: this.connection,
      level,
      message: this.redactor.text(message),
    });
  }
}
