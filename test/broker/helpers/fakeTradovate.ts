/**
 * A tiny scriptable Tradovate stand-in for socket-level tests the simulator cannot produce on
 * purpose (garbage frames, a missing `o`, silence). Real HTTP + real WebSocket on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface FakeRequest {
  endpoint: string;
  id: number;
  query: string;
  body: string;
}

export interface FakeOptions {
  /** Send `o` on connect (default true). */
  sendOpen?: boolean;
  /** Answer requests (default: authorize ok, syncrequest → snapshot, others → {}). Return undefined to stay silent. */
  respond?: (req: FakeRequest, socket: WebSocket) => unknown[] | undefined;
  snapshot?: unknown;
  accounts?: Array<{ id: number; name: string }>;
  /** Body of the n-th (0-based) accesstokenrequest reply; default a valid token. */
  loginReply?: (n: number, body: string) => unknown;
  /** HTTP status for account/list (default 200). */
  accountListStatus?: number;
  /** HTTP status and text body of the n-th login reply instead of loginReply (e.g. a proxy's 400 echoing the body). */
  loginError?: (n: number, body: string) => { status: number; text: string } | undefined;
}

export interface FakeTradovate {
  restUrl: string;
  wsUrl: string;
  /** Every text frame the client sent, in order, per connection (index = connection number). */
  frames: string[][];
  requests: FakeRequest[];
  restCalls: Array<{ path: string; method: string; body: string; auth: string | undefined }>;
  sockets: WebSocket[];
  sendAll(raw: string): void;
  close(): Promise<void>;
}

export const DEFAULT_SNAPSHOT = {
  users: [{ id: 1, name: "demo" }],
  accounts: [{ id: 100, name: "DEMO100", active: true }],
  contracts: [{ id: 9001, name: "ESZ6", contractMaturityId: 51 }],
  contractMaturities: [{ id: 51, productId: 7 }],
  products: [{ id: 7, name: "ES", tickSize: 0.25, valuePerPoint: 50 }],
  orders: [],
  fills: [],
  positions: [],
  cashBalances: [{ id: 1, accountId: 100, amount: 50_000, realizedPnL: 0 }],
};

export function parseRequest(raw: string): FakeRequest | undefined {
  const lines = raw.split("\n");
  if (lines.length < 3) return undefined;
  return {
    endpoint: lines[0]!,
    id: Number(lines[1]),
    query: lines[2] ?? "",
    body: lines.slice(3).join("\n"),
  };
}

export async function startFakeTradovate(opts: FakeOptions = {}): Promise<FakeTradovate> {
  const frames: string[][] = [];
  const requests: FakeRequest[] = [];
  const restCalls: FakeTradovate["restCalls"] = [];
  const sockets: WebSocket[] = [];
  const accounts = opts.accounts ?? [{ id: 100, name: "DEMO100" }];

  const http: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").replace(/^\/v1\//, "");
      restCalls.push({
        path,
        method: req.method ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        auth: req.headers.authorization,
      });
      res.setHeader("content-type", "application/json");
      const loginN = restCalls.filter((c) => c.path.startsWith("auth/accesstokenrequest")).length - 1;
      const loginError = path.startsWith("auth/accesstokenrequest")
        ? opts.loginError?.(loginN, restCalls.at(-1)!.body)
        : undefined;
      if (loginError) {
        res.writeHead(loginError.status, { "content-type": "text/plain" });
        res.end(loginError.text);
      } else if (path.startsWith("auth/accesstokenrequest") && opts.loginReply) {
        const n = restCalls.filter((c) => c.path.startsWith("auth/accesstokenrequest")).length - 1;
        res.end(JSON.stringify(opts.loginReply(n, restCalls.at(-1)!.body)));
      } else if (path.startsWith("auth/")) {
        res.end(
          JSON.stringify({
            accessToken: "fake-token",
            mdAccessToken: "fake-md-token",
            expirationTime: new Date(Date.now() + 3_600_000).toISOString(),
            userId: 1,
          }),
        );
      } else if (path.startsWith("account/list") && opts.accountListStatus) {
        res.writeHead(opts.accountListStatus);
        res.end("Access is denied");
      } else if (path.startsWith("account/list")) {
        res.end(JSON.stringify(accounts.map((a) => ({ ...a, active: true }))));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (ws) => {
    const index = frames.length;
    frames.push([]);
    sockets.push(ws);
    if (opts.sendOpen !== false) ws.send("o");
    ws.on("message", (data) => {
      const raw = data.toString();
      frames[index]!.push(raw);
      if (raw === "[]") return;
      const req = parseRequest(raw);
      if (!req) return;
      requests.push(req);
      const reply = opts.respond
        ? opts.respond(req, ws)
        : defaultReply(req, opts.snapshot ?? DEFAULT_SNAPSHOT);
      if (reply) ws.send(`a${JSON.stringify(reply)}`);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    restUrl: `http://127.0.0.1:${port}/v1`,
    wsUrl: `ws://127.0.0.1:${port}/v1/websocket`,
    frames,
    requests,
    restCalls,
    sockets,
    sendAll(raw) {
      for (const s of sockets) if (s.readyState === s.OPEN) s.send(raw);
    },
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

export function defaultReply(req: FakeRequest, snapshot: unknown): unknown[] {
  if (req.endpoint === "authorize") return [{ s: 200, i: req.id }];
  if (req.endpoint === "user/syncrequest") return [{ s: 200, i: req.id, d: snapshot }];
  return [{ s: 200, i: req.id, d: {} }];
}

/** Polls `cond` until true or the deadline passes. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
