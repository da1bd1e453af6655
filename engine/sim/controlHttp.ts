import { z } from "zod";
import type { SimControl } from "./control.js";
import { tradingRoutes } from "./controlHttpTrading.js";
import type { Reply } from "./reply.js";

/**
 * `/sim/...`: the control API over HTTP, outside Tradovate's /v1 namespace. JSON in, JSON out;
 * a bad request gets 400 {error} naming the problem.
 */

const symbol = z.string().min(1);
const routes: Record<string, { schema: z.ZodType; run: (c: SimControl, b: never) => unknown }> = {
  "POST /sim/price": {
    schema: z.object({ symbol, price: z.number() }),
    run: (c, b: { symbol: string; price: number }) => ({ price: c.setPrice(b.symbol, b.price) }),
  },
  "POST /sim/jump": {
    schema: z.object({ symbol, delta: z.number() }),
    run: (c, b: { symbol: string; delta: number }) => ({ price: c.jumpPrice(b.symbol, b.delta) }),
  },
  "POST /sim/walk": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.setWalk(b.on);
      return {};
    },
  },
  "POST /sim/reject": {
    schema: z.object({
      account: z.string().min(1),
      failureReason: z.string().min(1).nullable(),
      failureText: z.string().optional(),
      mode: z.enum(["reply", "event"]).optional(),
      orderTypes: z.array(z.string().min(1)).optional(),
    }),
    run: (
      c,
      b: {
        account: string;
        failureReason: string | null;
        failureText?: string;
        mode?: "reply" | "event";
        orderTypes?: string[];
      },
    ) => {
      c.rejectOrders(b.account, b.failureReason, b.failureText, b.mode, b.orderTypes);
      return {};
    },
  },
  "POST /sim/reject-modifies": {
    schema: z.object({
      account: z.string().min(1),
      failureReason: z.string().min(1).nullable(),
      failureText: z.string().optional(),
      mode: z.enum(["reply", "event"]).optional(),
    }),
    run: (
      c,
      b: { account: string; failureReason: string | null; failureText?: string; mode?: "reply" | "event" },
    ) => {
      c.rejectModifies(b.account, b.failureReason, b.failureText, b.mode);
      return {};
    },
  },
  "POST /sim/slow-cancels": {
    schema: z.object({ account: z.string().min(1), ms: z.number().int().nonnegative().nullable() }),
    run: (c, b: { account: string; ms: number | null }) => {
      c.slowCancels(b.account, b.ms);
      return {};
    },
  },
  "POST /sim/refuse-cancels": {
    schema: z.object({
      account: z.string().min(1),
      count: z.number().int().nonnegative(),
      failureText: z.string().optional(),
      mode: z.enum(["reply", "event"]).optional(),
    }),
    run: (c, b: { account: string; count: number; failureText?: string; mode?: "reply" | "event" }) => {
      c.refuseCancels(b.account, b.count, b.failureText, b.mode);
      return {};
    },
  },
  "POST /sim/drop": {
    schema: z.object({ user: z.string().optional(), kind: z.enum(["trading", "md"]).optional() }),
    run: (c, b: { user?: string; kind?: "trading" | "md" }) => ({
      dropped: c.dropSockets({
        ...(b.user !== undefined ? { user: b.user } : {}),
        ...(b.kind !== undefined ? { kind: b.kind } : {}),
      }),
    }),
  },
  "POST /sim/delay": {
    schema: z.object({ user: z.string().min(1), ms: z.number().nonnegative() }),
    run: (c, b: { user: string; ms: number }) => {
      c.delaySocket(b.user, b.ms);
      return {};
    },
  },
  "POST /sim/duplicate": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.duplicateEvents(b.on);
      return {};
    },
  },
  "POST /sim/leave-out-flat-positions": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.leaveOutFlatPositions(b.on);
      return {};
    },
  },
  "POST /sim/reorder": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.reorderEvents(b.on);
      return {};
    },
  },
  "POST /sim/penalty": {
    schema: z.object({
      count: z.number().int().nonnegative(),
      pTime: z.number().nonnegative(),
      captcha: z.boolean().optional(),
    }),
    run: (c, b: { count: number; pTime: number; captcha?: boolean }) => {
      c.penaltyTicket(b.count, b.pTime, b.captcha);
      return {};
    },
  },
  "POST /sim/ratelimit": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.rateLimit(b.on);
      return {};
    },
  },
  "POST /sim/expire-tokens": {
    schema: z.unknown(),
    run: (c) => {
      c.expireTokens();
      return {};
    },
  },
  "POST /sim/fail-renewals": {
    schema: z.object({ count: z.number().int().nonnegative(), status: z.number().int().min(400).max(599) }),
    run: (c, b: { count: number; status: number }) => {
      c.failRenewals(b.count, b.status);
      return {};
    },
  },
  "POST /sim/lose-answers": {
    schema: z.object({
      count: z.number().int().nonnegative(),
      status: z.number().int().min(500).max(599).optional(),
      carriedOut: z.boolean().optional(),
    }),
    run: (c, b: { count: number; status?: number; carriedOut?: boolean }) => {
      c.loseAnswers(b.count, b.status, b.carriedOut);
      return {};
    },
  },
  "POST /sim/refuse-md": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.refuseMarketData(b.on);
      return {};
    },
  },
  "POST /sim/market-data-down": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => ({ dropped: c.marketDataDown(b.on) }),
  },
  "POST /sim/lock-logins": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.lockLogins(b.on);
      return {};
    },
  },
  "POST /sim/other-login": {
    schema: z.object({ user: z.string().min(1) }),
    run: (c, b: { user: string }) => ({ evicted: c.otherLogin(b.user) }),
  },
  "POST /sim/shutdown": {
    schema: z.object({ reasonCode: z.string().min(1).default("Maintenance"), reason: z.string().optional() }),
    run: (c, b: { reasonCode: string; reason?: string }) => ({
      closed: c.shutdownSockets(b.reasonCode, b.reason),
    }),
  },
  "POST /sim/trade": {
    schema: z.object({
      account: z.string().min(1),
      symbol,
      action: z.enum(["Buy", "Sell"]),
      qty: z.number().int().positive(),
    }),
    run: (c, b: { account: string; symbol: string; action: "Buy" | "Sell"; qty: number }) =>
      c.manualTrade(b.account, b.symbol, b.action, b.qty),
  },
  "POST /sim/can-trade": {
    schema: z.object({ account: z.string().min(1), on: z.boolean() }),
    run: (c, b: { account: string; on: boolean }) => {
      c.setCanTrade(b.account, b.on);
      return {};
    },
  },
  "POST /sim/fail-account-reads": {
    schema: z.object({ account: z.string().min(1), errorMessage: z.string().min(1).nullable() }),
    run: (c, b: { account: string; errorMessage: string | null }) => {
      c.failAccountReads(b.account, b.errorMessage);
      return {};
    },
  },
  "POST /sim/bracket-mode": {
    schema: z.object({ account: z.string().min(1), mode: z.enum(["position", "autoOco"]) }),
    run: (c, b: { account: string; mode: "position" | "autoOco" }) => {
      c.setBracketMode(b.account, b.mode);
      return {};
    },
  },
  "POST /sim/market-closed": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.marketClosed(b.on);
      return {};
    },
  },
  "POST /sim/trades-only": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.fillsAsTradesOnly(b.on);
      return {};
    },
  },
  "POST /sim/delay-trades": {
    schema: z.object({ account: z.string(), ms: z.number().nonnegative() }),
    run: (c, b: { account: string; ms: number }) => {
      c.delayTrades(b.account, b.ms);
      return {};
    },
  },
  "POST /sim/split-frames": {
    schema: z.object({ account: z.string(), ms: z.number().nonnegative() }),
    run: (c, b: { account: string; ms: number }) => {
      c.splitFrames(b.account, b.ms);
      return {};
    },
  },
  "GET /sim/clock": { schema: z.unknown(), run: (c) => c.clock() },
  "POST /sim/clock": {
    schema: z.object({ advanceMs: z.number().nonnegative() }),
    run: (c, b: { advanceMs: number }) => c.advanceClock(b.advanceMs),
  },
  "POST /sim/session-halt": {
    schema: z.object({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.sessionHalt(b.on);
      return {};
    },
  },
  "POST /sim/session-end": { schema: z.unknown(), run: (c) => c.endSession() },
  "GET /sim/records": { schema: z.unknown(), run: (c) => c.records() },
  "GET /sim/sockets": { schema: z.unknown(), run: (c) => ({ sockets: c.socketCount() }) },
  ...tradingRoutes,
};

const json = (status: number, body: unknown): Reply => ({ status, body });

export function handleControl(control: SimControl, method: string, url: URL, text: string): Reply {
  if (url.pathname === "/sim/price" && method === "GET") {
    const s = url.searchParams.get("symbol");
    const price = s ? control.price(s) : undefined;
    if (price === undefined)
      return json(
        400,
        JSON.stringify({ error: `unknown symbol ${JSON.stringify(s)}; pass ?symbol=ES or ESZ6` }),
      );
    return json(200, { symbol: s, price });
  }
  const route =
    routes[`${method} ${url.pathname}`] ?? (method === "GET" ? undefined : routes[`GET ${url.pathname}`]);
  if (!route) return json(404, JSON.stringify({ error: `no control route ${method} ${url.pathname}` }));
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return json(400, JSON.stringify({ error: "body is not valid JSON" }));
    }
  }
  const parsed = route.schema.safeParse(body);
  if (!parsed.success) {
    return json(
      400,
      JSON.stringify({
        error: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
      }),
    );
  }
  try {
    return json(200, route.run(control, parsed.data as never) ?? {});
  } catch (err) {
    return json(400, JSON.stringify({ error: (err as Error).message }));
  }
}
