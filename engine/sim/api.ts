import type { Auth, Session } from "./auth.js";
import type { Book } from "./book.js";
import {
  type ContractEntity,
  ENTITY_TYPES,
  type Entity,
  type EntityType,
  MASTER_FIELD,
  NAMED,
} from "./entities.js";
import { type Faults, ORDER_ENDPOINTS, takeLostAnswer } from "./faults.js";
import type { Gates } from "./gates.js";
import { fail, ok, type Reply } from "./reply.js";
import { filterSnapshot, ONE_SYNC_PER_SOCKET, parseSyncBody } from "./sync.js";
import type { Trading } from "./trading.js";

/**
 * Tradovate's REST operations, shared by HTTP (`/v1/...`) and the WebSocket (first line of a
 * request frame). Endpoint names are matched case-insensitively, as Tradovate does.
 */

/** What only a WebSocket can do: subscribe to account events and quotes. */
export interface SocketHooks {
  /** The socket's one sync; false when it already had one. */
  startSync(): boolean;
  subscribeAccounts(accountIds: number[], entityTypes?: ReadonlySet<string>): void;
  subscribeQuote(contractId: number): void;
  unsubscribeQuote(contractId: number): void;
}

export interface CallContext {
  /** The authenticated session; undefined only for auth/accesstokenrequest. */
  session: Session | undefined;
  socket?: SocketHooks | undefined;
}

const TYPE_BY_LOWER = new Map<string, EntityType>(ENTITY_TYPES.map((t) => [t.toLowerCase(), t]));

function param(query: URLSearchParams, body: unknown, name: string): string | undefined {
  const q = query.get(name);
  if (q !== null) return q;
  if (body && typeof body === "object" && name in body) {
    const v = (body as Record<string, unknown>)[name];
    if (typeof v === "string" || typeof v === "number") return String(v);
    if (Array.isArray(v)) return v.join(",");
  }
  return undefined;
}

function ids(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(",").map((s) => Number(s.trim()));
  return list.every((n) => Number.isInteger(n)) ? list : undefined;
}

export class Api {
  constructor(
    private readonly book: Book,
    private readonly auth: Auth,
    private readonly trading: Trading,
    private readonly gates: Gates,
    private readonly faults: Faults,
  ) {}

  /** Limits, lockouts, token, permissions and penalty gates, then the operation. `endpoint` has no leading slash. */
  call(endpoint: string, query: URLSearchParams, body: unknown, ctx: CallContext): Reply {
    const name = endpoint.replace(/^\/+|\/+$/g, "").toLowerCase();
    const gated = this.gates.check(name, body, ctx);
    if (gated) return gated;
    // Lost on the way back (done at the venue) or on the way in (never done), the answer is a
    // gateway's 5xx either way: only a fresh read of the account can tell the client which.
    const lost = ORDER_ENDPOINTS.has(name) ? takeLostAnswer(this.faults) : undefined;
    if (lost?.carriedOut !== false) {
      const reply = this.route(name, query, body, ctx);
      if (!lost) return reply;
    }
    return fail(lost.status, "Internal Server Error");
  }

  private route(name: string, query: URLSearchParams, body: unknown, ctx: CallContext): Reply {
    if (name === "auth/accesstokenrequest") return this.auth.login(body);
    const session = ctx.session!;
    const caller = { user: session.user, sessionId: session.id };
    switch (name) {
      case "auth/renewaccesstoken":
        if (this.auth.check(session.token) !== session) return fail(401, "Expired access token");
        return this.failedRenewal() ?? this.auth.renew(session);
      case "auth/me":
        return ok({ userId: session.user.id, name: session.user.name, status: "Active" });
      case "order/placeorder":
        return this.trading.placeOrder(caller, body);
      case "order/cancelorder":
        return this.trading.cancelOrder(caller, body, true);
      case "order/liquidateposition":
        return this.trading.liquidatePosition(caller, body);
      case "order/modifyorder":
        return this.trading.modifyOrder(caller, body);
      case "order/placeoco":
        return this.trading.placeOco(caller, body);
      case "order/placeoso":
        return this.trading.placeOso(caller, body);
      case "orderstrategy/startorderstrategy":
        return this.trading.startOrderStrategy(caller, body);
      case "orderstrategy/interruptorderstrategy":
        return this.trading.interruptOrderStrategy(caller, body);
      case "cashbalance/getcashbalancesnapshot":
        return this.trading.cashBalanceSnapshot(caller, body);
      case "contract/suggest":
        return this.suggest(param(query, body, "t") ?? "", Number(param(query, body, "l") ?? 10));
      case "contract/rollcontract":
        return this.roll(param(query, body, "name"));
      case "user/syncrequest":
        return this.sync(session, body, ctx.socket);
      case "md/subscribequote":
      case "md/unsubscribequote":
        return this.quotes(name === "md/subscribequote", body, ctx.socket);
    }
    const [entity, op] = name.split("/");
    const type = entity ? TYPE_BY_LOWER.get(entity) : undefined;
    if (!type || op === undefined) return fail(404, `Not found: ${name}`);
    return this.entityOp(type, op, query, body, session);
  }

  /** A renewal the control API told to fail: the session and its token are left as they were. */
  private failedRenewal(): Reply | undefined {
    const f = this.faults.renewFailures;
    if (f.remaining <= 0) return undefined;
    f.remaining -= 1;
    return { status: f.status, body: f.status === 408 ? "Request Timeout" : "Bad Gateway" };
  }

  private visibleList(type: EntityType, session: Session): Entity[] {
    const out: Entity[] = [];
    for (const e of this.book.all(type)) if (this.book.visible(session.user, type, e)) out.push(e);
    return out;
  }

  private entityOp(
    type: EntityType,
    op: string,
    query: URLSearchParams,
    body: unknown,
    session: Session,
  ): Reply {
    const visible = (e: Entity | undefined): e is Entity =>
      e !== undefined && this.book.visible(session.user, type, e);
    switch (op) {
      case "list":
        return ok(this.visibleList(type, session));
      case "item": {
        const id = Number(param(query, body, "id"));
        const e = Number.isInteger(id) ? this.book.get(type, id) : undefined;
        return visible(e) ? ok(e) : fail(404, `${type} not found`);
      }
      case "items": {
        const list = ids(param(query, body, "ids"));
        if (!list) return fail(400, "Violation: ids must be a comma-separated list of integers");
        return ok(list.map((id) => this.book.get(type, id)).filter(visible));
      }
      case "find": {
        if (!NAMED.has(type)) return fail(404, `Not found: ${type}/find`);
        const wanted = param(query, body, "name");
        if (!wanted) return fail(400, "Violation: name is required");
        const e = this.visibleList(type, session).find(
          (x) => String(x.name).toUpperCase() === wanted.toUpperCase(),
        );
        return e ? ok(e) : fail(404, `${type} ${wanted} not found`);
      }
      case "deps":
      case "ldeps": {
        const field = MASTER_FIELD[type];
        if (!field) return fail(404, `Not found: ${type}/${op}`);
        const masters = ids(param(query, body, op === "deps" ? "masterid" : "masterids"));
        if (!masters) return fail(400, `Violation: ${op === "deps" ? "masterid" : "masterids"} is required`);
        return ok(this.visibleList(type, session).filter((e) => masters.includes(e[field] as number)));
      }
      default:
        return fail(404, `Not found: ${type}/${op}`);
    }
  }

  private suggest(text: string, limit: number): Reply {
    const t = text.toUpperCase();
    const all = [...this.book.all<ContractEntity>("contract")].filter((c) => c.name.includes(t));
    all.sort(
      (a, b) => Number(!a.name.startsWith(t)) - Number(!b.name.startsWith(t)) || a.name.localeCompare(b.name),
    );
    return ok(all.slice(0, Number.isInteger(limit) && limit > 0 ? limit : 10));
  }

  /** Best upcoming maturity: the scenario's front contract of the same product. */
  private roll(name: string | undefined): Reply {
    const contract = name ? this.book.contractByName(name) : undefined;
    if (!contract) return ok({ errorText: `Unknown contract ${name ?? ""}`.trim() });
    const product = this.book.productOf(contract.id)!;
    return ok({ contract: this.book.products.get(product.name)!.contracts[0] });
  }

  private sync(session: Session, body: unknown, socket: SocketHooks | undefined): Reply {
    const parsed = parseSyncBody(body);
    if (!parsed.ok) return fail(400, parsed.error);
    const { users, accounts, entityTypes } = parsed.sync;
    if (socket && !socket.startSync()) return fail(400, ONE_SYNC_PER_SOCKET);
    const mine = session.user.accountIds;
    const wanted = new Set<number>();
    if (users?.includes(session.user.id)) for (const id of mine) wanted.add(id);
    for (const id of accounts ?? []) if (mine.includes(id)) wanted.add(id);
    socket?.subscribeAccounts([...wanted], entityTypes);
    const snapshot = this.book.snapshot(session.user, wanted);
    if (this.faults.flatPositionsLeftOut)
      snapshot.positions = (snapshot.positions ?? []).filter((p) => (p as { netPos?: number }).netPos !== 0);
    return ok(filterSnapshot(snapshot, entityTypes));
  }

  private quotes(subscribe: boolean, body: unknown, socket: SocketHooks | undefined): Reply {
    if (!socket) return fail(404, "Not found: market data is only served on the WebSocket");
    const symbol = (body as { symbol?: unknown } | undefined)?.symbol;
    const contract =
      typeof symbol === "number"
        ? this.book.get<ContractEntity>("contract", symbol)
        : typeof symbol === "string"
          ? this.book.contractByName(symbol)
          : undefined;
    if (!contract) return fail(400, `Unknown symbol ${JSON.stringify(symbol ?? null)}`);
    if (subscribe) socket.subscribeQuote(contract.id);
    else socket.unsubscribeQuote(contract.id);
    return ok({});
  }
}
