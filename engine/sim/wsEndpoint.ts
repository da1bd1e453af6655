import type { Api } from "./api.js";
import type { Auth, Session } from "./auth.js";
import type { Faults } from "./faults.js";
import { frame } from "./frames.js";
import type { Hub } from "./hub.js";
import type { SimSocket } from "./socket.js";
import { splitSnapshot } from "./sync.js";
import { parseBody, parseRequestFrame, responseMessage, tokenFromAuthorizeBody } from "./wire.js";

/**
 * The WebSocket side of the simulator (tradovate-protocol.md §3), as strict as Tradovate:
 *  - `authorize` takes the access token on any socket, the market-data token only on a
 *    market-data socket; a token whose session a newer login ended answers 502;
 *  - a user's open sockets are capped: one more closes the oldest with `shutdown`
 *    ConnectionQuotaReached and revokes its token (§6);
 *  - a market-data socket serves no user/syncrequest and no order operations;
 *  - a split user/syncrequest is answered in several replies with the request's id (sync.ts);
 *  - heartbeats: `h` to idle sockets, a socket that sends nothing for the timeout is closed, and
 *    so is one still not authorized that long after it connected.
 */

export interface WsEndpointOptions {
  auth: Auth;
  api: Api;
  hub: Hub;
  faults: Faults;
  connectionsPerUser: number;
  heartbeatTimeoutMs: number;
  heartbeatMs: number;
  log: (line: string) => void;
}

/** Endpoints a market-data socket does not serve. */
const TRADING_ONLY = /^(user\/syncrequest|order\/|orderstrategy\/)/i;

export class WsEndpoint {
  constructor(private readonly opts: WsEndpointOptions) {}

  connected(socket: SimSocket): void {
    const { hub, log } = this.opts;
    hub.sockets.add(socket);
    hub.stamps?.watch(socket, (socket.ws as unknown as { _socket?: unknown })._socket);
    log(`${socket.kind} socket ${socket.id} connected`);
    socket.send("o");
    socket.ws.on("message", (data, isBinary) => {
      socket.lastReceived = Date.now();
      if (isBinary) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString("utf8");
      try {
        this.request(socket, text);
      } catch (err) {
        log(`socket ${socket.id}: request failed: ${(err as Error).message}`);
        socket.send(frame([responseMessage(500, undefined, "Internal error")]));
      }
    });
    socket.ws.on("close", () => {
      hub.sockets.delete(socket);
      socket.dispose();
      log(`socket ${socket.id} closed`);
    });
    socket.ws.on("error", () => {});
  }

  /**
   * Heartbeats: `h` to idle sockets; close sockets that went silent, and those not authorized in a
   * timely manner (Tradovate does, ISS #23), heartbeats or not.
   */
  sweep(): void {
    const now = Date.now();
    for (const s of this.opts.hub.sockets) {
      if (!s.session && now - s.openedAt > this.opts.heartbeatTimeoutMs) {
        this.opts.log(`socket ${s.id}: not authorized within ${this.opts.heartbeatTimeoutMs} ms, closing`);
        s.close(1000, "Not authorized");
        this.opts.hub.sockets.delete(s);
      } else if (now - s.lastReceived > this.opts.heartbeatTimeoutMs) {
        this.opts.log(`socket ${s.id}: no heartbeat for ${this.opts.heartbeatTimeoutMs} ms, closing`);
        s.close(1000, "Heartbeat timeout");
        this.opts.hub.sockets.delete(s);
      } else if (now - s.lastSent >= this.opts.heartbeatMs) {
        s.send("h");
      }
    }
  }

  /** A newer login ended `session`: its sockets close. */
  evicted(session: Session): void {
    this.opts.log(`session ${session.id} of ${session.user.name} ended by a newer login`);
    for (const s of [...this.opts.hub.sockets]) {
      if (s.session !== session) continue;
      s.close(3000, "Session ended by a newer login");
      this.opts.hub.sockets.delete(s);
    }
  }

  private request(socket: SimSocket, text: string): void {
    if (text.trim() === "[]") return;
    const parsed = parseRequestFrame(text);
    const reply = (status: number, id: number | undefined, body: unknown) =>
      socket.send(frame([responseMessage(status, id, body)]));
    if (!parsed.ok) {
      reply(400, parsed.id, parsed.error);
      return;
    }
    const { endpoint, id } = parsed;
    const stamps = this.opts.hub.stamps;
    if (stamps && endpoint.toLowerCase() === "order/placeorder") {
      const body = parseBody(parsed.body);
      const accountId = body.ok ? (body.value as { accountId?: unknown } | null)?.accountId : undefined;
      if (typeof accountId === "number") stamps.order(accountId, socket);
    }
    if (endpoint.toLowerCase() === "authorize") {
      this.authorize(socket, id, parsed.body);
      return;
    }
    if (socket.kind === "md" && TRADING_ONLY.test(endpoint)) {
      reply(404, id, `Not found: ${endpoint} is not served on the market-data socket`);
      return;
    }
    const body = parseBody(parsed.body);
    if (!body.ok) {
      reply(400, id, "Invalid JSON body");
      return;
    }
    this.opts.hub.hold(() => {
      const r = this.opts.api.call(endpoint, new URLSearchParams(parsed.query), body.value, {
        session: socket.session,
        socket,
      });
      const split =
        r.status === 200 &&
        endpoint.toLowerCase() === "user/syncrequest" &&
        (body.value as { splitResponses?: unknown } | undefined)?.splitResponses === true;
      if (!split) {
        reply(r.status, id, r.body);
        return;
      }
      for (const part of splitSnapshot(r.body as Parameters<typeof splitSnapshot>[0])) reply(200, id, part);
    });
  }

  private authorize(socket: SimSocket, id: number, body: string): void {
    const reply = (status: number, d: unknown) => socket.send(frame([responseMessage(status, id, d)]));
    if (this.opts.faults.rateLimited) {
      reply(429, "");
      return;
    }
    if (socket.kind === "md" && this.opts.faults.marketDataRefused) {
      reply(401, "Access is denied: no market data for this user");
      return;
    }
    const token = tokenFromAuthorizeBody(body);
    const found = this.opts.auth.checkKind(token);
    if (!found) {
      // A session a newer login ended answers 502, not 401 (SDK JSDoc: 408/502).
      if (this.opts.auth.wasSuperseded(token)) reply(502, "Bad Gateway");
      else reply(401, "Invalid access token");
      return;
    }
    if (found.kind === "md" && socket.kind !== "md") {
      reply(401, "Invalid access token: the market-data token authorizes only the market-data socket");
      return;
    }
    socket.session = found.session;
    this.opts.log(`socket ${socket.id} authorized as ${found.session.user.name}`);
    reply(200, undefined);
    this.enforceQuota(found.session);
  }

  /** Too many open sockets for the user: the oldest goes, and its token with it. */
  private enforceQuota(session: Session): void {
    const mine = [...this.opts.hub.sockets]
      .filter((s) => s.session?.user === session.user)
      .sort((a, b) => a.id - b.id);
    while (mine.length > this.opts.connectionsPerUser) {
      const oldest = mine.shift()!;
      this.opts.log(`socket ${oldest.id} of ${session.user.name}: connection quota reached, closing`);
      oldest.send(
        frame([
          {
            e: "shutdown",
            d: { reasonCode: "ConnectionQuotaReached", reason: "Too many connections for this user" },
          },
        ]),
      );
      oldest.close(1000, "ConnectionQuotaReached");
      this.opts.hub.sockets.delete(oldest);
      const revoked = oldest.session;
      if (revoked && revoked !== session) {
        this.opts.auth.revoke(revoked);
        for (let i = mine.length - 1; i >= 0; i--) if (mine[i]!.session === revoked) mine.splice(i, 1);
      }
    }
  }
}
