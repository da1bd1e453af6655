/**
 * The least a Tradovate client can be, for the benchmark's floor copier and its outside observer:
 * log in over REST, open the trading socket, authorize, sync, answer heartbeats, and hand every
 * `props` event to a callback with its arrival time. No rate limiter, no entity model, no retries:
 * nothing but the wire. Bench-only code; mimik's own client lives in engine/broker.
 */
import WebSocket from "ws";

export interface WireEvent {
  entityType: string;
  eventType: string;
  entity: Record<string, unknown>;
}

export interface WireLogin {
  accounts: { id: number; name: string }[];
  socket: WebSocket;
  /** Writes one request frame now; returns nothing (the floor never waits for a reply). */
  send(endpoint: string, body: unknown): void;
  /** Runs `writes` with the TCP socket corked: its frames leave in one write, as mimik's fan-out does. */
  together(writes: () => void): void;
  close(): void;
}

/** What the floor asks for: the least a copier can read its fills and positions from. */
export const FLOOR_ENTITY_TYPES = ["account", "order", "fill", "position", "cashBalance", "contract"];

export async function wireLogin(
  restUrl: string,
  wsUrl: string,
  name: string,
  password: string,
  onEvent: (event: WireEvent, receivedAt: number) => void,
  entityTypes: readonly string[] = FLOOR_ENTITY_TYPES,
): Promise<WireLogin> {
  const auth = (await (
    await fetch(`${restUrl}/auth/accesstokenrequest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password, appId: "floor", appVersion: "1", deviceId: `floor-${name}` }),
    })
  ).json()) as { accessToken?: string; errorText?: string };
  if (!auth.accessToken) throw new Error(`login ${name}: ${auth.errorText ?? "no token"}`);
  const token = auth.accessToken;
  const accounts = (await (
    await fetch(`${restUrl}/account/list`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { id: number; name: string }[];

  const socket = new WebSocket(wsUrl);
  let nextId = 1;
  const waiting = new Map<number, (d: unknown) => void>();
  const send = (endpoint: string, body: unknown) => {
    socket.send(`${endpoint}\n${nextId++}\n\n${body === undefined ? "" : JSON.stringify(body)}`);
  };
  const together = (writes: () => void) => {
    const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    raw?.cork();
    try {
      writes();
    } finally {
      raw?.uncork();
    }
  };
  const request = (endpoint: string, body: unknown) =>
    new Promise<unknown>((resolve) => {
      waiting.set(nextId, resolve);
      send(endpoint, body);
    });
  const heartbeat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("[]"), 2500);
  let opened: () => void = () => undefined;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  socket.on("message", (data) => {
    const receivedAt = performance.now();
    const text = data.toString();
    if (text === "o") {
      socket.send(`authorize\n0\n\n${token}`);
      return;
    }
    if (text[0] !== "a") return;
    for (const m of JSON.parse(text.slice(1)) as Record<string, unknown>[]) {
      if (m.i === 0 && m.s === 200) opened();
      else if (typeof m.i === "number") {
        waiting.get(m.i)?.(m.d);
        waiting.delete(m.i);
      } else if (m.e === "props") {
        const d = m.d as { entityType: string; eventType: string; entity: unknown };
        const entities = Array.isArray(d.entity) ? d.entity : [d.entity];
        for (const entity of entities)
          onEvent(
            { entityType: d.entityType, eventType: d.eventType, entity: entity as Record<string, unknown> },
            receivedAt,
          );
      }
    }
  });
  await open;
  await request("user/syncrequest", {
    accounts: accounts.map((a) => a.id),
    entityTypes,
  });
  return {
    accounts,
    socket,
    send,
    together,
    close() {
      clearInterval(heartbeat);
      socket.close();
    },
  };
}
