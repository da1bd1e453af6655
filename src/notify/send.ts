import type { Clock } from "../../engine/index.js";
import type { HttpRequest } from "./targets.js";

/**
 * One POST to a notification target, and what its answer means for a retry. Never throws: a
 * network error, a timeout and an HTTP error are all results. Error text names the status and the
 * start of the service's reply, never the URL (which may hold a token).
 */

export type SendResult =
  | { ok: true; status: number }
  | {
      ok: false;
      /** Worth trying again (network, timeout, 429, 5xx); a 401 or 404 will not mend itself. */
      retryable: boolean;
      error: string;
      /** The service asked to wait this long (Retry-After, Discord's and Telegram's retry_after). */
      retryAfterMs?: number | undefined;
    };

export interface SendOptions {
  fetchImpl?: typeof fetch;
  clock: Clock;
  timeoutMs: number;
  /** Ends the request early (shutdown): nothing waits on a hung service after mimik stops. */
  signal?: AbortSignal | undefined;
  /**
   * Cuts known secrets out of the reply before it is shortened: a secret the cut goes through
   * is no longer recognised afterwards, and its first part would be shown.
   */
  scrub?: ((text: string) => string) | undefined;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

export async function postOnce(request: HttpRequest, options: SendOptions): Promise<SendResult> {
  const controller = new AbortController();
  const timer = options.clock.setTimeout(() => controller.abort(), options.timeoutMs);
  const stop = () => controller.abort();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  let response: Response;
  let text: string;
  try {
    response = await (options.fetchImpl ?? fetch)(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) return { ok: false, retryable: false, error: "stopped" };
    if (controller.signal.aborted)
      return { ok: false, retryable: true, error: `no answer within ${options.timeoutMs / 1000} s` };
    return { ok: false, retryable: true, error: networkError(error) };
  } finally {
    options.clock.clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
  const retryable = response.status >= 500 || RETRYABLE_STATUS.has(response.status);
  const snippet = (options.scrub ?? ((t: string) => t))(text.replace(/\s+/g, " ").trim()).slice(0, 160);
  return {
    ok: false,
    retryable,
    error: `HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`,
    retryAfterMs: retryAfter(response.headers.get("retry-after"), text, options.clock.now()),
  };
}

/** fetch's "fetch failed" says nothing; its cause (ECONNREFUSED, ENOTFOUND …) does. */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return `cannot reach it (${cause.code})`;
  if (cause && typeof cause.message === "string") return `cannot reach it (${cause.message})`;
  return `cannot reach it (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * The wait a service asks for: a Retry-After header in seconds or as an HTTP date (both are the
 * standard's), or a JSON reply's retry_after (Discord, Telegram).
 */
export function retryAfter(header: string | null, body: string, now = Date.now()): number | undefined {
  const text = header?.trim() ?? "";
  const seconds = text === "" ? Number.NaN : Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = text === "" || Number.isFinite(seconds) ? Number.NaN : Date.parse(text);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  try {
    const json = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const seconds = json.retry_after ?? json.parameters?.retry_after;
    if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  } catch {
    // not JSON: no hint
  }
  return undefined;
}
