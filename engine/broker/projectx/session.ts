/**
 * One ProjectX (TopstepX) login as a BrokerSession (projectx-protocol.md): an API-key token shared
 * by REST and both hubs, the configured accounts, a REST snapshot after every (re)connect of the
 * user hub (ProjectX has no sync request: positions, the day's orders and trades are read, and
 * hub events that arrive meanwhile wait for it; an account that cannot be read is left unknown
 * while the others sync), one account read again the same way after an order answer is lost or
 * while it cannot be read (accountReads.ts), the user hub's events turned into the port's
 * events, quotes from the market hub, and orders over REST within ProjectX's 200 requests a
 * minute. Contracts keep their canonical names in the engine (ESZ6); this adapter maps them to
 * ProjectX's ids (CON.F.US.EP.Z26) and back through its symbol map. Every text that leaves is
 * redacted: no API key or token gets out of the broker layer.
 */

import type { SymbolMap } from "../../symbols.js";
import {
  type BrokerAccount,
  type BrokerEvent,
  type BrokerSession,
  type CashBalance,
  type Clock,
  type ConnectionState,
  type ContractId,
  type ContractSpec,
  type Logger,
  type ModifyOrderRequest,
  type MonoMs,
  type OrderResult,
  type PlaceOrderRequest,
  type PositionSnapshot,
  type RateBudget,
  silentLogger,
  systemClock,
  type WorkingOrder,
} from "../../types.js";
import { backoffDelay } from "../backoff.js";
import { ConnectionStatus } from "../connectionStatus.js";
import { BrokerRequestError } from "../errors.js";
import { EventFanout } from "../eventFanout.js";
import { RateLimiter, type RequestKind } from "../rateLimiter.js";
import { Redactor, redactingLogger } from "../redact.js";
import { AccountReads } from "./accountReads.js";
import { ProjectXTokens } from "./auth.js";
import { ContractLookups } from "./contractLookups.js";
import { rateLimitAlerter } from "./errors.js";
import { FOLLOWING, FollowedAccounts } from "./followedAccounts.js";
import { HubLink } from "./hub.js";
import { ProjectXIntake } from "./intake.js";
import { MarketHubFeed } from "./marketHubFeed.js";
import { ProjectXModel } from "./model.js";
import { ProjectXOrderSender } from "./orders.js";
import { type Envelope, ProjectXRest } from "./rest.js";
import type { ProjectXSessionOptions } from "./sessionOptions.js";
import { readSettled } from "./settledRead.js";
import { HISTORY_MS } from "./snapshot.js";
import { projectxIdOf, projectxSymbols } from "./symbols.js";
import { unwrap } from "./wire.js";

export type { ProjectXSessionOptions } from "./sessionOptions.js";

export class ProjectXBrokerSession implements BrokerSession {
  readonly connection: string;
  readonly broker = "projectx";
  readonly symbols: SymbolMap;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  readonly limiter: RateLimiter;
  private readonly rest: ProjectXRest;
  private readonly tokens: ProjectXTokens;
  private readonly model: ProjectXModel;
  private readonly userHub: HubLink;
  private readonly quotes: MarketHubFeed;
  private readonly orders: ProjectXOrderSender;
  private readonly fanout = new EventFanout(() => this.logger);
  private readonly followed: FollowedAccounts;
  private readonly lookups: ContractLookups;
  private readonly status: ConnectionStatus;
  private stopped = true;
  private synced = false;
  private syncedOnce = false;
  private buffered: Array<() => void> = [];
  private bootTimer: unknown;
  private bootAttempt = 0;
  /** Bumped by every user hub connect and drop: a resync overtaken by either is dropped. */
  private hubEpoch = 0;
  private readonly intake: ProjectXIntake;
  private readonly reads: AccountReads;

  constructor(private readonly opts: ProjectXSessionOptions) {
    this.connection = opts.connection;
    this.clock = opts.clock ?? systemClock;
    this.symbols = projectxSymbols(opts.symbols);
    this.redactor = new Redactor([opts.apiKey]);
    this.logger = redactingLogger(opts.logger ?? silentLogger, this.redactor);
    this.status = new ConnectionStatus({
      connection: opts.connection,
      logger: this.logger,
      redact: (text) => this.redactor.text(text),
      stopped: () => this.stopped,
      emit: (event) => this.emit(event),
    });
    const perMinute = opts.rateLimit?.perMinute ?? 200;
    this.limiter = new RateLimiter({
      clock: this.clock,
      limits: { perSecond: perMinute, perMinute, perHour: perMinute * 60 },
      reportWindow: "minute",
      brokerName: "ProjectX",
    });
    this.rest = new ProjectXRest({
      baseUrl: opts.apiUrl,
      clock: this.clock,
      limiter: this.limiter,
      logger: this.logger,
      timeoutMs: opts.requestTimeoutMs ?? 10_000,
      lockoutMs: opts.rateLimit?.lockoutMs ?? 10_000,
      fetchImpl: opts.fetchImpl,
      onRateLimited: rateLimitAlerter(opts.connection, this.clock, (event) => this.emit(event)),
    });
    this.tokens = new ProjectXTokens({
      rest: this.rest,
      userName: opts.userName,
      apiKey: opts.apiKey,
      clock: this.clock,
      logger: this.logger,
      renewBeforeMs: opts.renewBeforeMs ?? 3_600_000,
      onToken: (token) => this.redactor.addToken(token),
      onFatal: (error) => this.status.set("reauth-needed", error.message),
    });
    this.model = new ProjectXModel(opts.connection, this.symbols, () => this.clock.now());
    this.lookups = new ContractLookups(this.model, (path, body) => this.call(path, body, "read"));
    this.followed = new FollowedAccounts(opts.accounts, {
      ...{ connection: opts.connection, userName: opts.userName, model: this.model },
      search: () => this.call("Account/search", { onlyActiveAccounts: true }, "exit"),
      alert: (event) => this.emit(event),
    });
    this.intake = new ProjectXIntake({
      connection: opts.connection,
      model: this.model,
      clock: this.clock,
      logger: this.logger,
      tradeWaitMs: opts.tradeWaitMs ?? 300,
      synced: () => this.synced,
      emit: (event) => this.emit(event),
    });
    const reconnect = opts.reconnect ?? { initialMs: 500, maxMs: 30_000 };
    const hubTiming = {
      reconnect,
      keepAliveMs: opts.keepAliveMs ?? 15_000,
      serverTimeoutMs: opts.serverTimeoutMs ?? 30_000,
      clock: this.clock,
      logger: this.logger,
      // Each hub connect checks the token with ProjectX first: a reconnect must not offer a
      // token the server stopped taking (the upgrade would fail with 401 forever).
      token: () => this.tokens.checked(),
    };
    const live = (apply: (value: unknown, receivedAt: MonoMs) => void) => (value: unknown) => {
      const receivedAt = this.clock.mono();
      const accountId = unwrap(value)?.accountId;
      // An account that cannot be read is unknown: its next read is the truth (accountReads.ts).
      const run = () => {
        if (this.reads.why(accountId) === undefined) apply(value, receivedAt);
      };
      if (!this.synced) this.buffered.push(run);
      else if (!this.reads.hold(accountId, run)) run();
    };
    this.userHub = new HubLink({
      name: "user hub",
      url: opts.userHubUrl,
      ...hubTiming,
      handlers: {
        GatewayUserAccount: live((v) => this.intake.account(v)),
        GatewayUserOrder: live((v) => this.intake.order(v)),
        GatewayUserPosition: live((v) => this.intake.position(v)),
        GatewayUserTrade: live((v, at) => this.intake.trade(v, at)),
      },
      onConnected: () => this.userHubUp(),
      onDown: (reason) => this.userHubDown(reason),
    });
    this.quotes = new MarketHubFeed({
      ...{ connection: opts.connection, url: opts.marketHubUrl, timing: hubTiming, logger: this.logger },
      quote: (id, data) => this.intake.quote(id, data),
      emit: (event) => this.emit(event),
    });
    this.orders = new ProjectXOrderSender({
      ...{ connection: opts.connection, clock: this.clock, limiter: this.limiter, symbols: this.symbols },
      call: (path, body, kind) => this.call(path, body, kind),
      redactor: this.redactor,
      notReady: (accountId, places) =>
        this.synced ? this.reads.refusal(accountId, places) : `${this.connection} is ${this.status.state}`,
      accountOfOrder: (orderId) => this.model.accountOfOrder(orderId),
      emit: (event) => this.emit(event),
      lost: (accountId) => this.reads.lost(accountId),
    });
    this.reads = new AccountReads({
      ...{ connection: opts.connection, clock: this.clock, logger: this.logger, model: this.model },
      ...{ delayMs: opts.lostAnswerReadMs ?? 1_000, epoch: () => this.hubEpoch, synced: () => this.synced },
      read: (path, body) => this.call(path, body, "exit"),
      activity: (accountId) => this.orders.activityOf(accountId),
      emit: (event) => this.emit(event),
      watchGap: (orderId) => this.intake.watchGap(orderId),
      redact: (text) => this.redactor.text(text),
      status: (list) => this.status.setUnreadable(list),
    });
  }

  // ------------------------------------------------------------------ lifecycle

  /** Resolves after the first connect attempt's outcome (connected, or a failure state). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.tokens.resume();
    const outcome = this.status.connecting();
    this.bootAttempt = 0;
    void this.boot();
    return outcome;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.synced = false;
    this.clock.clearTimeout(this.bootTimer);
    this.intake.stop();
    this.reads.reset();
    this.tokens.stop();
    this.rest.close();
    await Promise.all([this.userHub.stop(), this.quotes.stop()]);
    this.status.set("down", "stopped");
  }

  state(): ConnectionState {
    return this.status.state;
  }

  readonly unreadable = (accountId: number): string | undefined => this.reads.why(accountId);

  setAccounts(names: readonly string[]): void {
    if (this.followed.set(names) && this.synced) this.userHub.renew(FOLLOWING);
  }

  on(listener: (event: BrokerEvent) => void): () => void {
    return this.fanout.on(listener);
  }

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return this.model.accounts();
  }
  contractByName(name: string): ContractSpec | undefined {
    const id = projectxIdOf(name.toUpperCase(), this.symbols, this.clock.now());
    return id ? this.model.contract(id) : undefined;
  }
  contractById(id: ContractId): ContractSpec | undefined {
    return this.model.contract(id);
  }
  positions(accountId: number): PositionSnapshot[] {
    return this.model.positions(accountId);
  }
  cashBalance(accountId: number): CashBalance | undefined {
    return this.model.cashBalance(accountId);
  }
  workingOrders(accountId: number): WorkingOrder[] {
    return this.model.workingOrders(accountId);
  }
  lastPrice(contractId: ContractId): number | undefined {
    return this.model.lastPrice(contractId);
  }
  readonly rateBudget = (): RateBudget => this.limiter.budget();
  /** A fill its order told, held back for its trade (the account's position report may be out). */
  readonly fillsWaiting = (): boolean => this.intake.waiting();
  readonly readAgain = (accountId: number): void => this.reads.lost(accountId);

  /** Contract/searchById for the canonical name's ProjectX id (cached; undefined when ProjectX has none). */
  findContract(name: string): Promise<ContractSpec | undefined> {
    const id = projectxIdOf(name.toUpperCase(), this.symbols, this.clock.now());
    return id ? this.lookups.find(id) : Promise.resolve(undefined);
  }

  subscribeQuotes(contract: string): void {
    const id = projectxIdOf(contract.toUpperCase(), this.symbols, this.clock.now());
    if (!id || !this.quotes.subscribe(id) || this.model.contract(id)) return;
    // Nobody awaits this lookup: a failure (429, timeout, a spent budget) is logged, not thrown.
    this.lookups
      .find(id)
      .catch((e) =>
        this.logger.warn("ProjectX contract lookup failed", { contractId: id, error: (e as Error).message }),
      );
  }

  // ------------------------------------------------------------------ orders

  placeOrder(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.orders.place(req);
  }

  cancelOrder(orderId: number): Promise<OrderResult> {
    return this.orders.cancel(orderId);
  }

  /** ProjectX has no OCO of two working orders (only brackets in ticks): the mirror links its legs itself. */
  modifyOrder(req: ModifyOrderRequest): Promise<OrderResult> {
    return this.orders.modify(req, this.model.orderType(req.orderId));
  }

  liquidatePosition(accountId: number, contractId: ContractId): Promise<OrderResult> {
    return this.orders.close(accountId, contractId);
  }

  // ------------------------------------------------------------------ connecting

  /** Login and the account list, then the hubs; retried with backoff until it works or needs the trader. */
  private async boot(): Promise<void> {
    try {
      await this.followed.read();
      if (this.stopped) return;
      this.userHub.start();
      this.quotes.start();
    } catch (error) {
      if (this.stopped || this.status.state === "reauth-needed") return;
      const wait = backoffDelay(this.bootAttempt++, this.opts.reconnect ?? { initialMs: 500, maxMs: 30_000 });
      this.status.set("reconnecting", (error as Error).message);
      this.bootTimer = this.clock.setTimeout(() => void this.boot(), wait);
    }
  }

  /** After every user hub connect: subscribe, then the REST snapshot, then the events that waited. */
  private async userHubUp(): Promise<void> {
    const epoch = ++this.hubEpoch;
    this.synced = false;
    this.buffered = [];
    if (this.followed.stale) await this.followed.read();
    await this.userHub.invoke("SubscribeAccounts");
    for (const a of this.model.accounts()) {
      await this.userHub.invoke("SubscribeOrders", a.id);
      await this.userHub.invoke("SubscribePositions", a.id);
      await this.userHub.invoke("SubscribeTrades", a.id);
    }
    const snapshot = await readSettled({
      call: (path, body) => this.call(path, body, "exit"),
      accounts: this.model.accounts(),
      since: new Date(this.clock.now() - HISTORY_MS).toISOString(),
      activity: (accountId) => this.orders.activityOf(accountId),
      settled: () => this.orders.settled(),
      overtaken: () => this.stopped || epoch !== this.hubEpoch,
      clock: this.clock,
      delayMs: this.opts.lostAnswerReadMs ?? 1_000,
    });
    // The hub dropped while the snapshot was read: its subscriptions are gone, so this picture
    // would say "connected" over a dead hub; the next connect resyncs.
    if (!snapshot || this.stopped || epoch !== this.hubEpoch) return;
    const initial = !this.syncedOnce;
    const accounts = this.model.accounts();
    this.reads.connected(accounts, snapshot.unreadable);
    // Synced first: what the engine sends in answer to the sync (a re-sync's exits) must not be refused.
    this.syncedOnce = true;
    this.synced = true;
    const readable = this.reads.readable(accounts, snapshot.unreadable);
    for (const ev of this.model.applySnapshot(snapshot, initial, readable)) this.emit(ev);
    this.status.set("connected");
    const waiting = this.buffered;
    this.buffered = [];
    for (const apply of waiting) apply();
    for (const o of snapshot.orders) if (readable.has(o.accountId)) this.intake.watchGap(o.id);
    if (this.followed.stale) this.userHub.renew(FOLLOWING); // named while this connect was under way
  }

  private userHubDown(reason: string): void {
    if (this.stopped) return;
    this.hubEpoch += 1;
    this.synced = false;
    // A login refused for good needs the trader: no reconnect can mend it, so it stays the state.
    if (this.status.state !== "reauth-needed") this.status.set("reconnecting", reason);
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * A REST call with the login's token. A 401 means ProjectX stopped taking it (expired early,
   * logged out elsewhere): log in again and send once more; a request answered 401 did nothing.
   */
  private async call(path: string, body: object, kind: RequestKind): Promise<Envelope> {
    const token = await this.tokens.get();
    try {
      return await this.rest.call(path, body, { kind, token });
    } catch (error) {
      if (!(error instanceof BrokerRequestError) || error.status !== 401) throw error;
      this.tokens.invalidate();
      return this.rest.call(path, body, { kind, token: await this.tokens.get() });
    }
  }

  private emit(event: BrokerEvent): void {
    this.fanout.emit(event);
  }
}
