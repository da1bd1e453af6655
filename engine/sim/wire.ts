/**
 * The WebSocket request frame: `endpoint\nid\nquery\nbody` (tradovate-protocol.md §3).
 * Pure parsing so every malformed shape gets a clear error instead of a crash.
 */

export type RequestFrame =
  | { ok: true; endpoint: string; id: number; query: string; body: string }
  | { ok: false; id?: number | undefined; error: string };

export function parseRequestFrame(text: string): RequestFrame {
  const lines = text.split("\n");
  const endpoint = (lines[0] ?? "").trim();
  const idText = lines[1]?.trim();
  const id = idText !== undefined && /^-?\d+$/.test(idText) ? Number(idText) : undefined;
  if (id === undefined || !Number.isSafeInteger(id)) {
    return {
      ok: false,
      error: "Malformed request: expected endpoint, integer id, query and body on separate lines",
    };
  }
  if (endpoint === "" || /\s/.test(endpoint))
    return { ok: false, id, error: "Malformed request: missing endpoint" };
  return { ok: true, endpoint, id, query: (lines[2] ?? "").trim(), body: lines.slice(3).join("\n") };
}

/** `authorize` bodies carry the token bare or JSON-quoted (some clients add a newline). */
export function tokenFromAuthorizeBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === "string") return parsed.trim();
    } catch {
      // not JSON: fall through to the bare form
    }
  }
  return trimmed;
}

/**
 * An empty body is "no body", and so is the text `undefined`: Tradovate's own example client
 * sends it on every read. Anything else must be JSON.
 */
export function parseBody(body: string): { ok: true; value: unknown } | { ok: false } {
  const text = body.trim();
  if (text === "" || text === "undefined") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** `{s, i, d}`: d is the JSON body on 2xx and a string otherwise; 429 carries no d. */
export function responseMessage(
  status: number,
  id: number | undefined,
  body: unknown,
): Record<string, unknown> {
  const msg: Record<string, unknown> = { s: status };
  if (id !== undefined) msg.i = id;
  if (status === 429) return msg;
  if (status >= 200 && status < 300) {
    if (body !== undefined) msg.d = body;
  } else {
    msg.d = typeof body === "string" ? body : JSON.stringify(body);
  }
  return msg;
}
