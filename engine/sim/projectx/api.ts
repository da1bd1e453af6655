import { z } from "zod";
import type { Book, SimUser } from "../book.js";
import type { PositionEntity } from "../entities.js";
import type { Reply } from "../reply.js";
import type { ProjectXAuth } from "./auth.js";
import { orderEntity, type ProjectXContracts, positionEntity } from "./entities.js";
import type { ProjectXEvents } from "./events.js";
import type { WindowLimits } from "./limits.js";
import {
  cancelBody,
  closeBody,
  type Envelope,
  failure,
  modifyBody,
  type ProjectXOrders,
  partialCloseBody,
  placeBody,
} from "./orders.js";

/**
 * ProjectX's REST face on the simulator (projectx-protocol.md "REST conventions"): `POST
 * /api/<Controller>/<action>` with a JSON body and a bearer token (Auth/loginKey needs none), a
 * `{success, errorCode, errorMessage}` envelope on HTTP 200 for business results, 400 with
 * problem details for a body that is not what the route takes, 401 without a valid token, and
 * 429 past the login's 200 requests a minute (or while the control API's 429 fault is on).
 */

export const API_PREFIX = "/api/";

export interface ApiDeps {
  book: Book;
  auth: ProjectXAuth;
  limits: WindowLimits;
  contracts: ProjectXContracts;
  events: ProjectXEvents;
  orders: ProjectXOrders;
  rateLimited(): boolean;
  /** How this order request's answer is lost (its HTTP status, whether it was carried out), if it is. */
  loseAnswer(): { status: number; carriedOut: boolean } | undefined;
  /** Why the account's reads fail now (SimControl.failAccountReads); undefined: they are served. */
  unreadable(accountId: number): string | undefined;
}

/** Requests that change orders or positions: the ones whose answers the control API can lose. */
const ORDER_ROUTES = new Set([
  "order/place",
  "order/modify",
  "order/cancel",
  "position/closecontract",
  "position/partialclosecontract",
]);

type Handler = (user: SimUser, body: never, token: string) => Envelope;
interface Route {
  schema: z.ZodType;
  run: Handler;
}

const int = z.number().int();
const search = z.object({ accountId: int, startTimestamp: z.string(), endTimestamp: z.string().nullish() });
const accountOnly = z.object({ accountId: int });

const ok = (fields: Envelope = {}): Envelope => ({
  ...fields,
  success: true,
  errorCode: 0,
  errorMessage: null,
});

export class ProjectXApi {
  private readonly routes: Record<string, Route>;

  constructor(private readonly d: ApiDeps) {
    this.routes = {
      "auth/validate": {
        schema: z.unknown(),
        run: (_u, _b, token) => {
          const newToken = d.auth.validate(token);
          return newToken ? ok({ newToken }) : failure(1, "Token is not valid");
        },
      },
      "auth/logout": {
        schema: z.unknown(),
        run: (_u, _b, token) => {
          d.auth.logout(token);
          return ok();
        },
      },
      "account/search": {
        schema: z.object({ onlyActiveAccounts: z.boolean() }),
        run: (user) => ok({ accounts: user.accountIds.map((id) => d.events.accountEntity(id)) }),
      },
      "contract/search": {
        schema: z.object({ searchText: z.string().nullish(), live: z.boolean() }),
        run: (_u, b: { searchText?: string | null }) => {
          const text = (b.searchText ?? "").toUpperCase();
          const all = d.contracts.all().map((c) => d.contracts.entity(c));
          return ok({
            contracts: all.filter(
              (c) =>
                !text ||
                [c.name, c.id, c.symbolId, c.description].some((f) => f.toUpperCase().includes(text)),
            ),
          });
        },
      },
      "contract/searchbyid": {
        schema: z.object({ contractId: z.string() }),
        run: (_u, b: { contractId: string }) => {
          const c = d.contracts.byId(b.contractId);
          return c
            ? ok({ contract: d.contracts.entity(c) })
            : failure(1, `Contract ${b.contractId} not found`, { contract: null });
        },
      },
      "contract/available": {
        schema: z.object({ live: z.boolean() }),
        run: () => ok({ contracts: d.contracts.all().map((c) => d.contracts.entity(c)) }),
      },
      "order/place": { schema: placeBody, run: (u, b) => d.orders.place(u, b) },
      "order/modify": { schema: modifyBody, run: (u, b) => d.orders.modify(u, b) },
      "order/cancel": { schema: cancelBody, run: (u, b) => d.orders.cancel(u, b) },
      "order/search": {
        schema: search,
        run: (u, b: z.infer<typeof search>) =>
          this.owned(u, b.accountId, () => {
            const within = between(b.startTimestamp, b.endTimestamp);
            return ok({
              orders: d.events
                .ordersOf(b.accountId)
                .filter((o) => within(o.times.created))
                .map((o) => orderEntity(o.order, o.times, d.contracts)),
            });
          }),
      },
      "order/searchopen": {
        schema: accountOnly,
        run: (u, b: { accountId: number }) =>
          this.owned(u, b.accountId, () =>
            ok({
              orders: d.events
                .ordersOf(b.accountId)
                .filter((o) => ["PendingNew", "Suspended", "Working"].includes(o.order.state))
                .map((o) => orderEntity(o.order, o.times, d.contracts)),
            }),
          ),
      },
      "position/searchopen": {
        schema: accountOnly,
        run: (u, b: { accountId: number }) =>
          this.owned(u, b.accountId, () =>
            ok({
              positions: [...d.book.all<PositionEntity>("position")]
                .filter((p) => p.accountId === b.accountId && p.netPos !== 0)
                .map((p) => positionEntity(p, d.contracts)),
            }),
          ),
      },
      "position/closecontract": { schema: closeBody, run: (u, b) => d.orders.close(u, b) },
      "position/partialclosecontract": { schema: partialCloseBody, run: (u, b) => d.orders.close(u, b) },
      "trade/search": {
        schema: search,
        run: (u, b: z.infer<typeof search>) =>
          this.owned(u, b.accountId, () => {
            const within = between(b.startTimestamp, b.endTimestamp);
            return ok({ trades: d.events.tradesOf(b.accountId).filter((t) => within(t.creationTimestamp)) });
          }),
      },
    };
  }

  /** One request under /api/; undefined for a path that is not the API's. */
  handle(
    method: string,
    pathname: string,
    authorization: string | undefined,
    text: string,
  ): Reply | undefined {
    if (!pathname.toLowerCase().startsWith(API_PREFIX)) return undefined;
    const name = pathname.slice(API_PREFIX.length).replace(/\/+$/, "").toLowerCase();
    if (name === "status/ping") return method === "GET" ? { status: 200, body: "pong" } : notAllowed();
    const login = name === "auth/loginkey";
    if (!login && !this.routes[name]) return { status: 404, body: "" };
    if (method !== "POST") return notAllowed();
    let body: unknown;
    try {
      body = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      return problem({ $: ["The request body is not valid JSON."] });
    }
    if (this.d.rateLimited()) return { status: 429, body: "" };
    if (login) return this.login(body);
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    const user = token ? this.d.auth.check(token) : undefined;
    if (!user || !token) return { status: 401, body: "" };
    if (!this.d.limits.admit(user.name)) return { status: 429, body: "" };
    const route = this.routes[name]!;
    const parsed = route.schema.safeParse(body ?? {});
    if (!parsed.success) return problem(fieldErrors(parsed.error));
    // Lost on the way back (done at the venue) or on the way in (never done), the answer is a
    // gateway's 5xx either way: only a fresh read of the account can tell the client which.
    const lost = ORDER_ROUTES.has(name) ? this.d.loseAnswer() : undefined;
    const body200 = lost?.carriedOut === false ? undefined : route.run(user, parsed.data as never, token);
    return lost === undefined ? { status: 200, body: body200 } : { status: lost.status, body: "" };
  }

  private login(body: unknown): Reply {
    const parsed = z.object({ userName: z.string(), apiKey: z.string() }).safeParse(body ?? {});
    if (!parsed.success) return problem(fieldErrors(parsed.error));
    const known = this.d.book.userByName(parsed.data.userName)?.broker === "projectx";
    if (known && !this.d.limits.admit(parsed.data.userName)) return { status: 429, body: "" };
    const result = this.d.auth.loginKey(parsed.data.userName, parsed.data.apiKey);
    return {
      status: 200,
      body: result.ok
        ? ok({ token: result.token })
        : failure(result.errorCode, result.errorMessage, { token: null }),
    };
  }

  /** A read of one account: its owner's only, and refused while the control API makes it fail. */
  private owned(user: SimUser, accountId: number, run: () => Envelope): Envelope {
    if (!user.accountIds.includes(accountId)) return failure(1, `Account ${accountId} not found`);
    const refused = this.d.unreadable(accountId);
    return refused === undefined ? run() : failure(1, refused);
  }
}

function between(start: string, end: string | null | undefined): (at: string) => boolean {
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : Number.POSITIVE_INFINITY;
  return (at) => {
    const t = Date.parse(at);
    return (Number.isNaN(from) || t >= from) && t <= to;
  };
}

/** ASP.NET's validation problem details, as ProjectX answers a body it cannot bind. */
function problem(errors: Record<string, string[]>): Reply {
  return {
    status: 400,
    body: {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors,
    },
  };
}

function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "$";
    out[key] = [...(out[key] ?? []), issue.message];
  }
  return out;
}

function notAllowed(): Reply {
  return { status: 405, body: "" };
}
