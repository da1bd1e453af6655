import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { Api } from "./api.js";
import { Auth } from "./auth.js";
import { Book } from "./book.js";
import type { ProjectXHook, SimControl, SimOptions, SimRecords, Simulator } from "./control.js";
import { handleControl } from "./controlHttp.js";
import {
  type ManualExit,
  type ManualOrder,
  type ManualStrategy,
  type OrderChange,
  TradingControl,
} from "./controlTrading.js";
import { MD_SOCKET_PATH, projectxSimEndpoints, simEndpoints, TRADING_SOCKET_PATH } from "./endpoints.js";
import { type Faults, noFaults, takeLostAnswer } from "./faults.js";
import { frame } from "./frames.js";
import { Gates } from "./gates.js";
import { Hub } from "./hub.js";
import { RequestLimits } from "./limits.js";
import { Market } from "./market.js";
import { Penalties } from "./penalties.js";
import { API_PREFIX as PROJECTX_API } from "./projectx/api.js";
import { ProjectXFace } from "./projectx/face.js";
import { seededRandom } from "./random.js";
import type { Reply } from "./reply.js";
import { defaultScenario, type Scenario } from "./scenario.js";
import { type ClockReading, clockStartFrom, SessionClock } from "./session.js";
import { SimSocket } from "./socket.js";
import { type SimStamps, Stamps } from "./stamps.js";
import { Trading } from "./trading.js";
import { parseBody } from "./wire.js";
import { WsEndpoint } from "./wsEndpoint.js";

/** Tradovate's server heartbeat period: `h` after this much silence towards the client. */
export const SERVER_HEARTBEAT_MS = 2500;
const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (reply.status >= 200 && reply.status < 300) {
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify(reply.body));
  } else if (reply.body === "" || reply.body === undefined) {
    res.writeHead(reply.status);
    res.end();
  } else {
    res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8" });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  }
}

export class SimServer implements SimControl {
  readonly scenario: Scenario;
  readonly book: Book;
  readonly market: Market;
  readonly faults: Faults = noFaults();
  readonly auth: Auth;
  readonly trading: Trading;
  readonly hub: Hub;
  readonly api: Api;
  /** ProjectX's REST routes and SignalR hubs over the same book, for the scenario's ProjectX users. */
  readonly projectx: ProjectXFace;
  private readonly orders: TradingControl;
  readonly gates: Gates;
  private readonly ws: WsEndpoint;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly timers: NodeJS.Timeout[] = [];
  private nextSocketId = 1;
  private readonly log: (line: string) => void;
  private readonly heartbeatTimeoutMs: number;
  private projectxHook: ProjectXHook | undefined;
  private readonly projectxRequestCounts = new Map<string, number>();
  private connectionCount = 0;
  /** The simulator's clock (tests move it); sockets' heartbeats keep to the machine's. */
  private readonly sessionClock: SessionClock;

  constructor(opts: SimOptions = {}) {
    this.sessionClock = new SessionClock(
      () => this.trading.endSession(),
      () => this.trading.newTradeDate(),
      Date.now,
      {
        // One that keeps no session is the same at any hour: the variable has nothing to try there.
        start: opts.clock ?? (opts.alwaysOpen ? undefined : clockStartFrom(process.env.MIMIK_SIM_CLOCK)),
        alwaysOpen: opts.alwaysOpen,
      },
    );
    const now = this.sessionClock.now;
    this.scenario = opts.scenario ?? defaultScenario;
    this.log = opts.log ?? (() => {});
    this.heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 10_000;
    const seed = opts.seed ?? 1;
    this.book = new Book(this.scenario, now, opts.firstId);
    this.market = new Market(this.scenario.products, seededRandom(seed));
    this.hub = new Hub(this.faults, opts.varyFrames === false ? undefined : seededRandom(seed ^ 0x5eed), now);
    if (opts.stamps) this.hub.stamps = new Stamps();
    this.projectx = new ProjectXFace({
      book: this.book,
      users: this.scenario.users,
      perMinute: this.scenario.limits.projectxRequestsPerMinute,
      tokenLifetimeMs: opts.projectxTokenLifetimeMs ?? 24 * 3_600_000,
      hubPingMs: opts.hubPingMs ?? 15_000,
      hubTimeoutMs: opts.hubTimeoutMs ?? 30_000,
      now,
      later: (fn) => this.hub.later(fn),
      duplicate: () => this.faults.duplicate,
      rateLimited: () => this.faults.rateLimited,
      delayFor: (user) => this.faults.delays.get(user) ?? 0,
      loseAnswer: () => takeLostAnswer(this.faults),
      locked: (accountId) => this.trading.accountLocked(accountId),
      log: this.log,
    });
    this.trading = new Trading(
      this.book,
      this.market,
      (accountId, events) => this.hub.publish(accountId, events),
      opts.historyLimit ?? 5000,
      [this.projectx.events],
      this.sessionClock,
    );
    this.projectx.attach(this.trading, this.market);
    const apiKeys = new Map(
      this.scenario.users.flatMap((u) =>
        u.broker !== "projectx" && u.apiKey ? [[u.name, u.apiKey] as const] : [],
      ),
    );
    this.auth = new Auth(
      this.book,
      opts.tokenLifetimeMs ?? 90 * 60_000,
      now,
      (s) => this.ws.evicted(s),
      apiKeys,
    );
    this.gates = new Gates(
      this.faults,
      new RequestLimits(this.scenario.limits, now),
      new Penalties(this.faults, now),
      (name) => this.book.userByName(name) !== undefined,
    );
    this.api = new Api(this.book, this.auth, this.trading, this.gates, this.faults);
    this.ws = new WsEndpoint({
      auth: this.auth,
      api: this.api,
      hub: this.hub,
      faults: this.faults,
      connectionsPerUser: this.scenario.limits.connectionsPerUser,
      heartbeatTimeoutMs: this.heartbeatTimeoutMs,
      heartbeatMs: SERVER_HEARTBEAT_MS,
      log: this.log,
    });
    this.orders = new TradingControl(this.trading, this.book, this.hub, this.faults);
    this.market.onChange((product, price) => {
      const info = this.book.products.get(product)!;
      this.hub.quotes(info.contracts, price, info.product.tickSize);
      this.projectx.priceChanged(info.contracts.map((c) => c.id));
      this.trading.onPrice(product, price);
    });
    this.http = createServer((req, res) => {
      this.handleHttp(req, res).catch((err: unknown) => {
        this.log(`http error: ${(err as Error).message}`);
        if (!res.headersSent) writeReply(res, { status: 500, body: "Internal error" });
        else res.end();
      });
    });
    // An idle connection is kept as ASP.NET Core's server keeps one (130 s), not Node's 5 s: a
    // client that drops its own sooner is seen doing so.
    this.http.keepAliveTimeout = 130_000;
    this.http.on("connection", () => {
      this.connectionCount += 1;
    });
    this.http.on("upgrade", (req, socket, head) => {
      if (this.projectx.hubs.upgrade(req, socket, head, this.wss)) return;
      const path = new URL(req.url ?? "/", "http://x").pathname.replace(/\/+$/, "").toLowerCase();
      const kind = path === TRADING_SOCKET_PATH ? "trading" : path === MD_SOCKET_PATH ? "md" : undefined;
      if (!kind) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      if (kind === "md" && this.projectx.hubs.marketDown) {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.ws.connected(new SimSocket(this.nextSocketId++, ws, this.socketEnv, kind)),
      );
    });
    const interval = opts.priceIntervalMs ?? 1000;
    // The halt and the weekend are quiet: no trades print, so the price stands still.
    const walk = () => {
      if (!this.sessionClock.quiet()) this.market.step();
    };
    if (interval > 0) this.timers.push(setInterval(walk, interval));
    this.timers.push(
      setInterval(() => this.ws.sweep(), Math.max(20, Math.min(250, this.heartbeatTimeoutMs / 4))),
      setInterval(() => this.sessionClock.tick(), 1000),
      setInterval(
        () => this.projectx.hubs.sweep(),
        Math.max(20, Math.min(1000, (opts.hubPingMs ?? 15_000) / 4)),
      ),
    );
    for (const t of this.timers) t.unref();
  }

  private readonly socketEnv = {
    now: () => Date.now(),
    delayFor: (user: string) => this.faults.delays.get(user) ?? 0,
    quoteSubscribed: (socket: SimSocket, contractId: number) => {
      const product = this.book.productOf(contractId)!;
      const info = this.book.products.get(product.name)!;
      this.hub.quotes(
        info.contracts.filter((c) => c.id === contractId),
        this.market.price(product.name)!,
        product.tickSize,
        socket,
      );
    },
  };

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, "127.0.0.1", () => {
        this.http.off("error", reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.hub.sockets) s.terminate();
    this.hub.sockets.clear();
    this.projectx.hubs.closeAll();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      writeReply(res, { status: 413, body: "Request body too large" });
      return;
    }
    if (url.pathname.startsWith("/sim/") || url.pathname === "/sim") {
      const reply = handleControl(this, req.method ?? "GET", url, text);
      writeReply(res, reply);
      return;
    }
    // ProjectX's routes; the reply goes out before the hub events the request caused.
    const method = req.method ?? "GET";
    if (url.pathname.startsWith(PROJECTX_API)) {
      const route = url.pathname.slice(PROJECTX_API.length);
      this.projectxRequestCounts.set(route, (this.projectxRequestCounts.get(route) ?? 0) + 1);
    }
    if (this.projectxHook && url.pathname.startsWith(PROJECTX_API)) {
      const parsed = parseBody(text);
      const held = this.projectxHook(
        url.pathname.slice(PROJECTX_API.length),
        parsed.ok ? parsed.value : undefined,
      );
      if (held) await held;
    }
    if (this.hub.hold(() => this.projectx.handle(method, url.pathname, req.headers.authorization, text, res)))
      return;
    if (!url.pathname.startsWith("/v1/")) {
      writeReply(res, { status: 404, body: `Not found: ${url.pathname}` });
      return;
    }
    const endpoint = url.pathname.slice(4);
    const body = parseBody(text);
    if (!body.ok) {
      writeReply(res, { status: 400, body: "Invalid JSON body" });
      return;
    }
    const header = req.headers.authorization ?? "";
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const session = bearer ? this.auth.check(bearer) : undefined;
    if (!session && bearer && this.auth.wasSuperseded(bearer)) {
      // A session a newer login ended: Tradovate answers 408 with little to say (SDK JSDoc).
      writeReply(res, { status: 408, body: "Request Timeout" });
      return;
    }
    this.hub.hold(() => {
      const reply = this.api.call(endpoint, url.searchParams, body.value, { session });
      writeReply(res, reply);
    });
  }

  // ------------------------------------------------------------------------------------------
  // SimControl

  setPrice(symbol: string, price: number): number {
    return this.market.set(symbol, price);
  }

  setWalk(on: boolean): void {
    this.market.walking = on;
  }

  jumpPrice(symbol: string, delta: number): number {
    return this.market.jump(symbol, delta);
  }

  price(symbol: string): number | undefined {
    return this.market.price(symbol);
  }

  rejectOrders(
    accountName: string,
    failureReason: string | null,
    failureText?: string,
    mode: "reply" | "event" = "reply",
    orderTypes?: readonly string[],
  ): void {
    const failure = failureText ?? `Simulated rejection: ${failureReason}`;
    this.trading.setRejection(
      accountName,
      failureReason === null ? null : { failureReason, failureText: failure, mode, orderTypes },
    );
  }

  rejectModifies(
    accountName: string,
    failureReason: string | null,
    failureText?: string,
    mode: "reply" | "event" = "reply",
  ): void {
    const failure = failureText ?? `Simulated rejection: ${failureReason}`;
    this.trading.setModifyRejection(
      accountName,
      failureReason === null ? null : { failureReason, failureText: failure, mode },
    );
  }

  slowCancels(accountName: string, ms: number | null): void {
    this.trading.setCancelLag(accountName, ms);
  }

  refuseCancels(
    accountName: string,
    count: number,
    failureText = "Simulated rejection: cancel refused",
    mode: "reply" | "event" = "event",
  ): void {
    this.trading.setCancelRefusals(accountName, count, failureText, mode);
  }

  dropSockets(filter: { user?: string; kind?: "trading" | "md" } = {}): number {
    let n = filter.kind === undefined ? this.projectx.hubs.drop(filter) : 0;
    for (const s of [...this.hub.sockets]) {
      if (filter.user !== undefined && s.userName !== filter.user) continue;
      if (filter.kind !== undefined && s.kind !== filter.kind) continue;
      s.terminate();
      this.hub.sockets.delete(s);
      n += 1;
    }
    return n;
  }

  delaySocket(user: string, ms: number): void {
    if (ms > 0) this.faults.delays.set(user, ms);
    else this.faults.delays.delete(user);
  }

  leaveOutFlatPositions(on: boolean): void {
    this.faults.flatPositionsLeftOut = on;
  }

  duplicateEvents(on: boolean): void {
    this.faults.duplicate = on;
  }

  reorderEvents(on: boolean): void {
    this.faults.reorder = on;
  }

  penaltyTicket(count: number, pTime: number, captcha = false): void {
    this.faults.penalty = { remaining: count, pTime, captcha };
  }

  rateLimit(on: boolean): void {
    this.faults.rateLimited = on;
  }

  expireTokens(): void {
    this.auth.expireAll();
    this.projectx.auth.expireAll();
  }

  failRenewals(count: number, status: number): void {
    this.faults.renewFailures = { remaining: count, status };
  }

  loseAnswers(count: number, status = 500, carriedOut = true): void {
    this.faults.lostAnswers = { remaining: count, status, carriedOut };
  }

  refuseMarketData(on: boolean): void {
    this.faults.marketDataRefused = on;
  }

  marketDataDown(down: boolean): number {
    this.projectx.hubs.marketDown = down;
    if (!down) return 0;
    let n = this.projectx.hubs.drop({ hub: "market" });
    for (const s of [...this.hub.sockets]) {
      if (s.kind !== "md") continue;
      s.terminate();
      this.hub.sockets.delete(s);
      n += 1;
    }
    return n;
  }

  lockLogins(on: boolean): void {
    this.gates.loginsLocked = on;
  }

  otherLogin(user: string): number {
    return this.auth.externalLogin(user);
  }

  shutdownSockets(reasonCode: string, reason?: string): number {
    let n = 0;
    for (const s of [...this.hub.sockets]) {
      s.send(frame([{ e: "shutdown", d: { reasonCode, ...(reason !== undefined ? { reason } : {}) } }]));
      s.close(1000, reason ?? reasonCode);
      this.hub.sockets.delete(s);
      n += 1;
    }
    return n;
  }

  manualTrade(accountName: string, symbol: string, action: "Buy" | "Sell", qty: number) {
    return this.orders.placeOrder(accountName, { symbol, action, qty, orderType: "Market" });
  }

  // The trading side of the control API lives in control-trading.ts.
  placeOrder(accountName: string, order: ManualOrder) {
    return this.orders.placeOrder(accountName, order);
  }

  placeOco(accountName: string, order: ManualOrder, other: ManualExit) {
    return this.orders.placeOco(accountName, order, other);
  }

  placeOso(accountName: string, order: ManualOrder, bracket1: ManualExit, bracket2?: ManualExit) {
    return this.orders.placeOso(accountName, order, bracket1, bracket2);
  }

  startStrategy(accountName: string, strategy: ManualStrategy) {
    return this.orders.startStrategy(accountName, strategy);
  }

  modifyOrder(orderId: number, change: OrderChange) {
    return this.orders.modifyOrder(orderId, change);
  }

  cancelOrder(orderId: number) {
    return this.orders.cancelOrder(orderId);
  }

  setDepth(symbol: string, depth: number | null): void {
    this.orders.setDepth(symbol, depth);
  }

  setFee(symbol: string, fee: number): void {
    this.orders.setFee(symbol, fee);
  }

  setLiquidationOnly(accountName: string, on: boolean): void {
    this.orders.setLiquidationOnly(accountName, on);
  }

  bustFill(fillId: number) {
    return this.orders.bustFill(fillId);
  }

  eventsBeforeReplies(on: boolean): void {
    this.orders.eventsBeforeReplies(on);
  }

  setCanTrade(accountName: string, on: boolean): void {
    this.projectx.setCanTrade(this.projectxAccount(accountName), on);
  }

  failAccountReads(accountName: string, errorMessage: string | null): void {
    this.projectx.failReads(this.projectxAccount(accountName), errorMessage);
  }

  setBracketMode(accountName: string, mode: "position" | "autoOco"): void {
    this.projectx.setBracketMode(this.projectxAccount(accountName), mode);
  }

  marketClosed(on: boolean): void {
    this.projectx.setMarketClosed(on);
  }

  fillsAsTradesOnly(on: boolean): void {
    this.projectx.setTradesOnly(on);
  }

  delayTrades(accountName: string, ms: number): void {
    this.projectx.delayTrades(this.projectxAccount(accountName), ms);
  }

  splitFrames(accountName: string, ms: number): void {
    this.projectx.splitFrames(this.projectxAccount(accountName), ms);
  }

  private projectxAccount(name: string): number {
    const account = this.book.accountByName(name);
    if (!account) throw new Error(`unknown account ${name}`);
    if (!this.projectx.isProjectX(account.id))
      throw new Error(`${name} is not an account of a ProjectX user`);
    return account.id;
  }

  sessionHalt(on: boolean): void {
    this.sessionClock.haltRefuses = on;
  }

  clock(): ClockReading {
    return this.sessionClock.reading();
  }

  advanceClock(ms: number): ClockReading {
    return this.sessionClock.advance(ms);
  }

  endSession(): { expired: number } {
    return { expired: this.sessionClock.endNow() };
  }

  records(): SimRecords {
    return this.trading.records();
  }

  stamps(): SimStamps {
    return this.hub.stamps?.take() ?? { orders: [], fills: [] };
  }

  interceptProjectX(hook: ProjectXHook | undefined): void {
    this.projectxHook = hook;
  }

  projectxRequests(): Record<string, number> {
    return Object.fromEntries(this.projectxRequestCounts);
  }

  connectionsOpened(): number {
    return this.connectionCount;
  }

  socketCount(filter: { user?: string } = {}): number {
    let n = this.projectx.hubs.count(filter);
    for (const s of this.hub.sockets) if (filter.user === undefined || s.userName === filter.user) n += 1;
    return n;
  }
}

export async function startServer(opts: SimOptions): Promise<Simulator> {
  const server = new SimServer(opts);
  const port = await server.listen(opts.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    ...simEndpoints(url),
    projectx: projectxSimEndpoints(url),
    port,
    scenario: server.scenario,
    control: server,
    close: () => server.close(),
  };
}
