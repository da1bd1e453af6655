import { WebSocket } from "ws";
import { type SimOptions, type Simulator, startSimulator } from "../../engine/sim/index.js";

/** Helpers that speak the raw protocol, so the simulator is tested against the doc, not a client. */

/**
 * A simulator that keeps no session (alwaysOpen), so a test gives the same result at any hour;
 * the session's own tests start one at a known hour (startSessionSim).
 */
export async function startSim(opts: SimOptions = {}): Promise<Simulator> {
  return startSimulator({ priceIntervalMs: 0, alwaysOpen: true, ...opts });
}

/** Wednesday 15 July 2026, 14:00 CDT: two hours before the close. */
export const WEDNESDAY_AFTERNOON = Date.parse("2026-07-15T19:00:00Z");

/** A simulator whose session follows its clock, started on a Wednesday afternoon. */
export async function startSessionSim(opts: SimOptions = {}): Promise<Simulator> {
  return startSim({ clock: WEDNESDAY_AFTERNOON, alwaysOpen: false, ...opts });
}

export async function post(
  sim: Simulator,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; text: string; json: unknown }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export async function get(
  sim: Simulator,
  path: string,
  token?: string,
): Promise<{ status: number; text: string; json: unknown }> {
  const res = await fetch(`${sim.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export interface TokenResponse {
  accessToken: string;
  mdAccessToken: string;
  expirationTime: string;
  userId: number;
  name: string;
}

export async function login(sim: Simulator, name = "demo", password = name): Promise<TokenResponse> {
  const r = await post(sim, "/v1/auth/accesstokenrequest", {
    name,
    password,
    appId: "test",
    appVersion: "1",
    cid: 0,
    sec: "",
  });
  const body = r.json as TokenResponse;
  if (!body.accessToken) throw new Error(`login failed: ${r.text}`);
  return body;
}

export interface Message {
  s?: number;
  i?: number;
  d?: unknown;
  e?: string;
}
/** The bound is generous: under load (two test files and their children on two cores) a start can take seconds. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function waitForAsync(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw socket that records every frame and decodes `a[...]` messages. */
export class RawClient {
  readonly frames: string[] = [];
  readonly messages: Message[] = [];
  closed = false;
  closeCode: number | undefined;
  private nextId = 1;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const text = data.toString();
      this.frames.push(text);
      if (text.startsWith("a")) for (const m of JSON.parse(text.slice(1)) as Message[]) this.messages.push(m);
    });
    ws.on("close", (code) => {
      this.closed = true;
      this.closeCode = code;
      this.stopHeartbeat();
    });
    ws.on("error", () => {});
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  }

  /** Open, authorize and (optionally) start `[]` heartbeats; `url` defaults to the trading socket. */
  static async authorized(
    sim: Simulator,
    token: string,
    heartbeat = true,
    url = sim.wsUrl,
  ): Promise<RawClient> {
    const c = await RawClient.open(url);
    await waitFor(() => c.frames.includes("o"), "o frame");
    const r = await c.request("authorize", undefined, token);
    if (r.s !== 200) throw new Error(`authorize failed: ${JSON.stringify(r)}`);
    if (heartbeat) c.startHeartbeat();
    return c;
  }

  startHeartbeat(): void {
    this.heartbeat = setInterval(() => this.raw("[]"), 200);
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  raw(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** Send `endpoint\nid\nquery\nbody`; string bodies go as they are, others as JSON. */
  send(endpoint: string, body?: unknown, rawBody?: string, query = ""): number {
    const id = this.nextId++;
    const b = rawBody ?? (body === undefined ? "" : JSON.stringify(body));
    this.raw(`${endpoint}\n${id}\n${query}\n${b}`);
    return id;
  }

  async request(endpoint: string, body?: unknown, rawBody?: string, query = ""): Promise<Message> {
    const id = this.send(endpoint, body, rawBody, query);
    return waitFor(() => this.messages.find((m) => m.i === id && m.s !== undefined), `reply to ${endpoint}`);
  }

  /** props events flattened: an array entity becomes one event per element. */
  props(): Array<{ entityType: string; eventType: string; entity: Record<string, unknown> }> {
    const out: Array<{ entityType: string; eventType: string; entity: Record<string, unknown> }> = [];
    for (const m of this.messages) {
      if (m.e !== "props") continue;
      const d = m.d as {
        entityType: string;
        eventType: string;
        entity: Record<string, unknown> | Record<string, unknown>[];
      };
      for (const entity of Array.isArray(d.entity) ? d.entity : [d.entity])
        out.push({ entityType: d.entityType, eventType: d.eventType, entity });
    }
    return out;
  }

  async close(): Promise<void> {
    this.stopHeartbeat();
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.terminate();
    await done;
  }
}

type Props = ReturnType<RawClient["props"]>;

/** `entityType eventType [ordStatus] [execType]` per props event: the entity stream as a client sees it. */
export function sequence(props: Props): string[] {
  return props.map(
    (p) =>
      `${p.entityType} ${p.eventType}${p.entity.ordStatus ? ` ${p.entity.ordStatus}` : ""}${p.entity.execType ? ` ${p.entity.execType}` : ""}`,
  );
}

/** The events about one order (its order, versions, commands, reports and fills), in arrival order. */
export function aboutOrder(props: Props, orderId: number): Props {
  const commands = new Set(
    props.filter((p) => p.entityType === "command" && p.entity.orderId === orderId).map((p) => p.entity.id),
  );
  return props.filter(
    (p) =>
      (p.entityType === "order" && p.entity.id === orderId) ||
      p.entity.orderId === orderId ||
      (p.entityType === "commandReport" && commands.has(p.entity.commandId)),
  );
}

/** Open an authorized socket for `user` and subscribe it to the user's accounts. */
export async function syncedClient(sim: Simulator, user = "demo"): Promise<RawClient> {
  const t = await login(sim, user);
  const c = await RawClient.authorized(sim, t.accessToken);
  await c.request("user/syncrequest", { users: [t.userId] });
  return c;
}
