import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { SimUser } from "../book.js";
import type { ProjectXAuth } from "./auth.js";
import type { ProjectXContracts } from "./entities.js";
import type { HubEvent } from "./events.js";
import { type HubConnectionOptions, HubError, type HubMethod, SignalRConnection } from "./signalr.js";

/**
 * ProjectX's two SignalR hubs on the simulator (projectx-protocol.md "Real time"): the user hub
 * (`/hubs/user`: SubscribeAccounts, SubscribeOrders/Positions/Trades(accountId), and the events
 * GatewayUserAccount/Order/Position/Trade) and the market hub (`/hubs/market`:
 * SubscribeContractQuotes(contractId) → GatewayQuote(contractId, quote)). The token comes as the
 * `access_token` query parameter or a bearer header; a bad one is refused before the upgrade.
 * Subscriptions belong to one connection: a reconnect starts with none, as on ProjectX.
 */

export const USER_HUB_PATH = "/hubs/user";
export const MARKET_HUB_PATH = "/hubs/market";

interface UserSubs {
  accounts: boolean;
  orders: Set<number>;
  positions: Set<number>;
  trades: Set<number>;
}

interface Conn {
  hub: "user" | "market";
  user: SimUser;
  signalr: SignalRConnection;
  subs: UserSubs;
  quotes: Set<string>;
}

const KIND_SUB: Record<HubEvent["kind"], keyof Omit<UserSubs, "accounts"> | "accounts"> = {
  Account: "accounts",
  Order: "orders",
  Position: "positions",
  Trade: "trades",
};

export interface HubsDeps {
  auth: ProjectXAuth;
  contracts: ProjectXContracts;
  /** The last price and tick of a contract (by ProjectX id), for quotes. */
  quoteOf(contractId: string): { price: number; tickSize: number } | undefined;
  /** Runs `fn` once the request being answered has had its reply (the Tradovate hub's hold). */
  later(fn: () => void): void;
  /** Extra latency of a user's hub events, in order (the control API's delaySocket). */
  delayFor(user: string): number;
  /** Send every event batch twice (the control API's duplicate fault). */
  duplicate(): boolean;
  options: Omit<HubConnectionOptions, "log">;
  log(line: string): void;
}

export class ProjectXHubs {
  private readonly conns = new Set<Conn>();
  private nextId = 1;
  /** Market data is down (SimControl.marketDataDown): the market hub refuses connections. */
  marketDown = false;
  /**
   * Extra latency of an account's GatewayUserTrade events alone, by account id (SimControl.delayTrades):
   * its order, position and account events go out first, as a hub that lags one stream may.
   */
  readonly tradeDelays = new Map<number, number>();
  /**
   * Accounts whose user hub events go out one per frame, this many ms apart (SimControl.splitFrames):
   * ProjectX sends each order update as a message of its own, so a client may act between them.
   */
  readonly frameSplits = new Map<number, number>();

  constructor(private readonly d: HubsDeps) {}

  /** Takes a WebSocket upgrade for a hub path; false when the path is not a hub. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer): boolean {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/\/+$/, "").toLowerCase();
    const hub = path === USER_HUB_PATH ? "user" : path === MARKET_HUB_PATH ? "market" : undefined;
    if (!hub) return false;
    if (hub === "market" && this.marketDown) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
    const token = url.searchParams.get("access_token") ?? bearer;
    const user = token ? this.d.auth.check(token) : undefined;
    if (!user) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => this.open(hub, user, ws));
    return true;
  }

  /** User hub events for one account, to the connections that subscribed to their kind. */
  publish(accountId: number, events: HubEvent[]): void {
    this.d.later(() => {
      for (const c of this.conns) {
        if (c.hub !== "user" || !c.user.accountIds.includes(accountId)) continue;
        const mine = events.filter((e) => {
          const sub = KIND_SUB[e.kind];
          return sub === "accounts" ? c.subs.accounts : c.subs[sub].has(accountId);
        });
        const late = this.tradeDelays.get(accountId) ?? 0;
        const now = late > 0 ? mine.filter((e) => e.kind !== "Trade") : mine;
        const delay = this.d.delayFor(c.user.name);
        const split = this.frameSplits.get(accountId) ?? 0;
        if (split > 0) for (const [i, e] of now.entries()) this.send(c, [e], delay + i * split);
        else this.send(c, now, delay);
        if (now !== mine)
          this.send(
            c,
            mine.filter((e) => e.kind === "Trade"),
            delay + late,
          );
      }
    });
  }

  private send(c: Conn, events: HubEvent[], delay: number): void {
    if (events.length === 0) return;
    const calls = events.map((e) => ({ target: `GatewayUser${e.kind}`, args: [e.data] }));
    const twice = this.d.duplicate();
    const send = () => {
      c.signalr.invokeAll(calls);
      if (twice) c.signalr.invokeAll(calls);
    };
    // Equal delays keep the events' order (timers of one length run in the order set).
    if (delay > 0) setTimeout(send, delay).unref();
    else send();
  }

  /** A price changed: GatewayQuote to every market hub connection watching one of `contractIds`. */
  quotes(contractIds: readonly string[]): void {
    this.d.later(() => {
      for (const c of this.conns) {
        if (c.hub !== "market") continue;
        for (const id of contractIds) if (c.quotes.has(id)) this.sendQuote(c, id);
      }
    });
  }

  /** Pings, silent clients, handshakes that never came. */
  sweep(): void {
    for (const c of this.conns) c.signalr.tick();
  }

  drop(filter: { user?: string; hub?: "user" | "market" } = {}): number {
    let n = 0;
    for (const c of [...this.conns]) {
      if (filter.user !== undefined && c.user.name !== filter.user) continue;
      if (filter.hub !== undefined && c.hub !== filter.hub) continue;
      c.signalr.terminate();
      n += 1;
    }
    return n;
  }

  count(filter: { user?: string } = {}): number {
    let n = 0;
    for (const c of this.conns) if (filter.user === undefined || c.user.name === filter.user) n += 1;
    return n;
  }

  closeAll(): void {
    for (const c of [...this.conns]) c.signalr.terminate();
  }

  // ------------------------------------------------------------------------------------------

  private open(hub: "user" | "market", user: SimUser, ws: WebSocket): void {
    const conn = {} as Conn;
    conn.hub = hub;
    conn.user = user;
    conn.subs = { accounts: false, orders: new Set(), positions: new Set(), trades: new Set() };
    conn.quotes = new Set();
    const methods = hub === "user" ? this.userMethods(conn) : this.marketMethods(conn);
    conn.signalr = new SignalRConnection(this.nextId++, ws, methods, { ...this.d.options, log: this.d.log });
    this.conns.add(conn);
    conn.signalr.onClose(() => this.conns.delete(conn));
  }

  private userMethods(conn: Conn): Record<string, HubMethod> {
    const account = (args: unknown[]): number => {
      const id = args[0];
      if (typeof id !== "number" || !Number.isInteger(id))
        throw new HubError("InvalidDataException: accountId must be an integer.");
      if (!conn.user.accountIds.includes(id)) throw new HubError(`Account ${id} not found.`);
      return id;
    };
    const subscribe = (set: "orders" | "positions" | "trades", on: boolean) => (args: unknown[]) => {
      const id = account(args);
      if (on) conn.subs[set].add(id);
      else conn.subs[set].delete(id);
      return undefined;
    };
    return {
      SubscribeAccounts: () => {
        conn.subs.accounts = true;
        return undefined;
      },
      UnsubscribeAccounts: () => {
        conn.subs.accounts = false;
        return undefined;
      },
      SubscribeOrders: subscribe("orders", true),
      UnsubscribeOrders: subscribe("orders", false),
      SubscribePositions: subscribe("positions", true),
      UnsubscribePositions: subscribe("positions", false),
      SubscribeTrades: subscribe("trades", true),
      UnsubscribeTrades: subscribe("trades", false),
    };
  }

  private marketMethods(conn: Conn): Record<string, HubMethod> {
    const contract = (args: unknown[]): string => {
      const id = args[0];
      if (typeof id !== "string") throw new HubError("InvalidDataException: contractId must be a string.");
      if (!this.d.contracts.byId(id)) throw new HubError(`Contract ${id} not found.`);
      return id;
    };
    return {
      SubscribeContractQuotes: (args) => {
        const id = contract(args);
        conn.quotes.add(id);
        // The current quote at once, so a client has a price before the next move.
        this.d.later(() => this.sendQuote(conn, id));
        return undefined;
      },
      UnsubscribeContractQuotes: (args) => {
        conn.quotes.delete(contract(args));
        return undefined;
      },
    };
  }

  private sendQuote(c: Conn, contractId: string): void {
    const q = this.d.quoteOf(contractId);
    if (!q) return;
    const now = new Date().toISOString();
    const symbol = contractId.split(".").slice(1, 4).join(".");
    c.signalr.invoke("GatewayQuote", [
      contractId,
      {
        symbol,
        symbolName: this.d.contracts.byId(contractId)?.name ?? symbol,
        lastPrice: q.price,
        bestBid: q.price,
        bestAsk: Number((q.price + q.tickSize).toFixed(6)),
        timestamp: now,
        lastUpdated: now,
      },
    ]);
  }
}
