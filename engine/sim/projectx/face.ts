import type { ServerResponse } from "node:http";
import type { Book } from "../book.js";
import type { PositionEntity } from "../entities.js";
import type { Market } from "../market.js";
import type { Reply } from "../reply.js";
import type { ScenarioUser } from "../scenario.js";
import type { Trading } from "../trading.js";
import { ProjectXApi } from "./api.js";
import { ProjectXAuth } from "./auth.js";
import { ProjectXContracts } from "./entities.js";
import { type HubEvent, ProjectXEvents } from "./events.js";
import { ProjectXHubs } from "./hubs.js";
import { WindowLimits } from "./limits.js";
import { ProjectXOrders } from "./orders.js";

/**
 * The simulator's ProjectX face: the same book and order engine as the Tradovate face, served
 * through ProjectX's REST routes and SignalR hubs to the scenario's ProjectX users. Built in two
 * steps: its event reporter must exist before the order engine (which reports to every face),
 * and its order routes need the order engine.
 */

export interface ProjectXFaceOptions {
  book: Book;
  users: readonly ScenarioUser[];
  perMinute: number;
  tokenLifetimeMs: number;
  hubPingMs: number;
  hubTimeoutMs: number;
  now: () => number;
  later(fn: () => void): void;
  duplicate(): boolean;
  rateLimited(): boolean;
  loseAnswer(): { status: number; carriedOut: boolean } | undefined;
  /** Extra latency of the user hub's events to this user (SimControl.delaySocket). */
  delayFor(user: string): number;
  /** The venue's own lock (a server-side loss limit): such an account cannot trade either. */
  locked(accountId: number): boolean;
  log(line: string): void;
}

export class ProjectXFace {
  readonly contracts: ProjectXContracts;
  readonly auth: ProjectXAuth;
  readonly events: ProjectXEvents;
  readonly hubs: ProjectXHubs;
  private api: ProjectXApi | undefined;
  private readonly accounts = new Set<number>();
  private readonly cannotTrade = new Set<number>();
  private readonly autoOco = new Set<number>();
  /** Accounts whose reads fail (SimControl.failAccountReads), with the errorMessage they answer. */
  private readonly unreadable = new Map<number, string>();
  private closed = false;
  private market: Market | undefined;

  constructor(private readonly o: ProjectXFaceOptions) {
    const { book } = o;
    this.contracts = new ProjectXContracts(book);
    this.auth = new ProjectXAuth(book, o.tokenLifetimeMs, o.now);
    for (const u of o.users) {
      if (u.broker !== "projectx") continue;
      for (const a of u.accounts) {
        const id = book.accountByName(a.name)!.id;
        this.accounts.add(id);
        if (a.canTrade === false) this.cannotTrade.add(id);
        if (a.brackets === "autoOco") this.autoOco.add(id);
      }
    }
    this.hubs = new ProjectXHubs({
      auth: this.auth,
      contracts: this.contracts,
      quoteOf: (id) => this.quoteOf(id),
      later: o.later,
      delayFor: o.delayFor,
      duplicate: o.duplicate,
      options: {
        pingMs: o.hubPingMs,
        clientTimeoutMs: o.hubTimeoutMs,
        handshakeTimeoutMs: 15_000,
        now: o.now,
      },
      log: o.log,
    });
    this.events = new ProjectXEvents({
      book,
      contracts: this.contracts,
      isProjectX: (id) => this.accounts.has(id),
      canTrade: (id) => this.canTrade(id),
      publish: (id, events: HubEvent[]) => this.hubs.publish(id, events),
    });
  }

  /** The order engine is up: the order routes can be served. */
  attach(trading: Trading, market: Market): void {
    this.market = market;
    const orders = new ProjectXOrders({
      book: this.o.book,
      market,
      trading,
      contracts: this.contracts,
      events: this.events,
      canTrade: (id) => this.canTrade(id),
      bracketMode: (id) => (this.autoOco.has(id) ? "autoOco" : "position"),
      marketClosed: () => this.closed,
    });
    this.api = new ProjectXApi({
      book: this.o.book,
      auth: this.auth,
      limits: new WindowLimits(this.o.perMinute, this.o.now),
      contracts: this.contracts,
      events: this.events,
      orders,
      rateLimited: this.o.rateLimited,
      loseAnswer: this.o.loseAnswer,
      unreadable: (id) => this.unreadable.get(id),
    });
  }

  /** Serves a request under /api/; false when the path is not ProjectX's. */
  handle(
    method: string,
    pathname: string,
    authorization: string | undefined,
    text: string,
    res: ServerResponse,
  ): boolean {
    const reply = this.api?.handle(method, pathname, authorization, text);
    if (!reply) return false;
    write(res, reply);
    return true;
  }

  isProjectX(accountId: number): boolean {
    return this.accounts.has(accountId);
  }

  canTrade(accountId: number): boolean {
    return !this.cannotTrade.has(accountId) && !this.o.locked(accountId);
  }

  /** The control API: the account's trading permission, announced as a GatewayUserAccount event. */
  setCanTrade(accountId: number, on: boolean): void {
    if (!this.accounts.has(accountId)) throw new Error("not a ProjectX account");
    if (on) this.cannotTrade.delete(accountId);
    else this.cannotTrade.add(accountId);
    this.events.accountChanged(accountId);
    this.events.flush();
  }

  setBracketMode(accountId: number, mode: "position" | "autoOco"): void {
    if (!this.accounts.has(accountId)) throw new Error("not a ProjectX account");
    for (const p of this.o.book.all<PositionEntity>("position"))
      if (p.accountId === accountId && p.netPos !== 0)
        throw new Error("the bracket mode can be switched only while the account is flat");
    if (mode === "autoOco") this.autoOco.add(accountId);
    else this.autoOco.delete(accountId);
  }

  /** The account's reads answer `errorMessage` (success false); null: they are served again. */
  failReads(accountId: number, errorMessage: string | null): void {
    if (!this.accounts.has(accountId)) throw new Error("not a ProjectX account");
    if (errorMessage === null) this.unreadable.delete(accountId);
    else this.unreadable.set(accountId, errorMessage);
  }

  setMarketClosed(on: boolean): void {
    this.closed = on;
  }

  /** A fill told by GatewayUserTrade alone, without its GatewayUserOrder (ProjectXEvents.tradesOnly). */
  setTradesOnly(on: boolean): void {
    this.events.tradesOnly = on;
  }

  /** The account's trades go out on the user hub `ms` after its other events (0: with them). */
  delayTrades(accountId: number, ms: number): void {
    if (!this.accounts.has(accountId)) throw new Error("not a ProjectX account");
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`ms must be zero or more (got ${ms})`);
    if (ms === 0) this.hubs.tradeDelays.delete(accountId);
    else this.hubs.tradeDelays.set(accountId, ms);
  }

  /** The account's user hub events go out one per frame, `ms` apart (0: each batch in one frame). */
  splitFrames(accountId: number, ms: number): void {
    if (!this.accounts.has(accountId)) throw new Error("not a ProjectX account");
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`ms must be zero or more (got ${ms})`);
    if (ms === 0) this.hubs.frameSplits.delete(accountId);
    else this.hubs.frameSplits.set(accountId, ms);
  }

  /** A product's price moved: quotes for its contracts. */
  priceChanged(contractIds: readonly number[]): void {
    this.hubs.quotes(contractIds.map((id) => this.contracts.idOf(id)));
  }

  private quoteOf(id: string): { price: number; tickSize: number } | undefined {
    const c = this.contracts.byId(id);
    const product = c ? this.o.book.productOf(c.id) : undefined;
    const price = product ? this.market?.price(product.name) : undefined;
    return product && price !== undefined ? { price, tickSize: product.tickSize } : undefined;
  }
}

/**
 * As ASP.NET Core's server answers: a persistent connection with no `Keep-Alive: timeout=` hint
 * (Node's own server would send one, and a client would then keep the connection for as long as
 * it says, which ProjectX never told it).
 */
const PERSISTENT = { connection: "keep-alive" };

function write(res: ServerResponse, reply: Reply): void {
  if (reply.body === "" || reply.body === undefined) {
    res.writeHead(reply.status, PERSISTENT);
    res.end();
    return;
  }
  if (typeof reply.body === "string") {
    res.writeHead(reply.status, { ...PERSISTENT, "content-type": "text/plain; charset=utf-8" });
    res.end(reply.body);
    return;
  }
  const type = reply.status === 400 ? "application/problem+json" : "application/json";
  res.writeHead(reply.status, { ...PERSISTENT, "content-type": `${type}; charset=utf-8` });
  res.end(JSON.stringify(reply.body));
}
