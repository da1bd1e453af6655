/**
 * Tradovate's SockJS-derived WebSocket framing (tradovate-protocol.md §3). Pure functions:
 * server frames `o`, `h`, `a[...]`, `c[code,"reason"]`; client requests are four lines.
 */
import { messageOf } from "../messageOf.js";

export type ServerFrame =
  | { kind: "open" }
  | { kind: "heartbeat" }
  | { kind: "messages"; messages: unknown[] }
  | { kind: "close"; code: number | undefined; reason: string }
  | { kind: "invalid"; error: string };

/** A request reply `{s, i, d}` (§3.3). */
export interface ResponseMessage {
  kind: "response";
  id: number;
  status: number;
  data: unknown;
}

/** A server event `{e, d}` (§3.4). */
export interface EventMessage {
  kind: "event";
  event: string;
  data: unknown;
}

export type SocketMessage = ResponseMessage | EventMessage | { kind: "unknown"; raw: unknown };

export function parseFrame(text: string): ServerFrame {
  if (text.length === 0) return { kind: "invalid", error: "empty frame" };
  const type = text[0];
  const rest = text.slice(1);
  switch (type) {
    case "o":
      return { kind: "open" };
    case "h":
      return { kind: "heartbeat" };
    case "a": {
      const parsed = parseJson(rest);
      if (!parsed.ok) return { kind: "invalid", error: `bad JSON in a-frame: ${parsed.error}` };
      if (!Array.isArray(parsed.value)) return { kind: "invalid", error: "a-frame is not an array" };
      return { kind: "messages", messages: parsed.value };
    }
    case "c": {
      const parsed = parseJson(rest);
      if (parsed.ok && Array.isArray(parsed.value)) {
        const [code, reason] = parsed.value as unknown[];
        return {
          kind: "close",
          code: typeof code === "number" ? code : undefined,
          reason: typeof reason === "string" ? reason : "",
        };
      }
      // A close is a close even when its payload is garbled.
      return { kind: "close", code: undefined, reason: rest.slice(0, 200) };
    }
    default:
      return { kind: "invalid", error: `unknown frame type ${JSON.stringify(type)}` };
  }
}

/** Classifies one element of an `a[...]` array. */
export function classifyMessage(raw: unknown): SocketMessage {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    const msg = raw as Record<string, unknown>;
    if (typeof msg.e === "string") return { kind: "event", event: msg.e, data: msg.d };
    if (typeof msg.i === "number" && typeof msg.s === "number") {
      return { kind: "response", id: msg.i, status: msg.s, data: msg.d };
    }
  }
  return { kind: "unknown", raw };
}

/**
 * `endpoint\nid\nquery\nbody`. A string body (authorize's token) is sent bare; objects as JSON.
 */
export function encodeRequest(endpoint: string, id: number, query = "", body?: unknown): string {
  const path = endpoint.startsWith("/") ? endpoint.slice(1) : endpoint;
  let payload = "";
  if (typeof body === "string") payload = body;
  else if (body !== undefined) payload = JSON.stringify(body);
  return `${path}\n${id}\n${query}\n${payload}`;
}

/** The literal client heartbeat (§3.2). */
export const HEARTBEAT_FRAME = "[]";

/**
 * Error text of a non-2xx reply: `d` is a string, sometimes itself JSON-encoded
 * (`"\"Not found: quote/subscribe\""`, §3.3), or missing (429).
 */
export function errorTextOf(data: unknown): string {
  if (typeof data === "string") {
    const inner = parseJson(data);
    if (inner.ok && typeof inner.value === "string") return inner.value;
    return data;
  }
  if (data === undefined || data === null) return "";
  if (typeof data === "object") {
    const rec = data as Record<string, unknown>;
    if (typeof rec.errorText === "string") return rec.errorText;
    if (typeof rec.failureText === "string") return rec.failureText;
  }
  return JSON.stringify(data).slice(0, 200);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: messageOf(err) };
  }
}
