import { messageOf } from "../../messageOf.js";
import type { Clock, Logger } from "../../types.js";
import { BrokerRequestError } from "../errors.js";
import { IDLE_CONNECTION_MS, type KeepAliveFetch, keepAliveFetch } from "../keepAliveFetch.js";
import type { RateLimiter, RequestKind } from "../rateLimiter.js";

/**
 * ProjectX's REST API (projectx-protocol.md "REST conventions"): every call a POST with a JSON
 * body and a bearer token, business results HTTP 200 in a `{success, errorCode, errorMessage}`
 * envelope. Each request takes its slot in the login's budget first (or is refused at once);
 * a 429 stops every request for a short while (ProjectX asks clients to slow down and retry after
 * a short delay). Failures are BrokerRequestErrors; an envelope with `success: false` is a result,
 * not a failure: the caller knows what its codes mean.
 */

export interface Envelope {
  success: boolean;
  errorCode: number;
  errorMessage: string | null;
  [field: string]: unknown;
}

export interface ProjectXRestOptions {
  baseUrl: string;
  clock: Clock;
  limiter: RateLimiter;
  logger: Logger;
  timeoutMs: number;
  /** How long requests stop after a 429 without Retry-After. */
  lockoutMs: number;
  fetchImpl?: typeof fetch | undefined;
  /** Told of every 429 (the session alerts once). */
  onRateLimited?(until: number): void;
}

export class ProjectXRest {
  /** Its connections, kept between orders (see keepAliveFetch); made on first use, after a close too. */
  private kept: KeepAliveFetch | undefined;

  constructor(private readonly o: ProjectXRestOptions) {}

  private get fetch(): typeof fetch {
    if (this.o.fetchImpl) return this.o.fetchImpl;
    this.kept ??= keepAliveFetch(IDLE_CONNECTION_MS, this.o.timeoutMs);
    return this.kept.fetch;
  }

  /**
   * Lets the kept connections go once the requests on them are answered (the session stopped; a
   * session started again gets new ones). Not waited for: a stop must not wait on a slow broker's
   * answer (a worker's stop has 10 s).
   */
  close(): void {
    const kept = this.kept;
    this.kept = undefined;
    kept?.close().catch(() => undefined);
  }

  /** POST /api/<path>; the envelope, or a BrokerRequestError for anything that is not one. */
  async call(
    path: string,
    body: object,
    opts: { kind: RequestKind; token?: string | undefined },
  ): Promise<Envelope> {
    this.o.limiter.take(opts.kind);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.o.timeoutMs);
    let res: Response;
    try {
      res = await this.fetch(`${this.o.baseUrl.replace(/\/+$/, "")}/api/${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (error) {
      const aborted = (error as { name?: string }).name === "AbortError";
      throw new BrokerRequestError(
        aborted ? "timeout" : "transport",
        aborted
          ? `ProjectX ${path}: no answer in ${this.o.timeoutMs} ms`
          : `ProjectX ${path}: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 429) {
      const retry = Number(res.headers.get("retry-after"));
      const waitMs = Number.isFinite(retry) && retry > 0 ? retry * 1000 : this.o.lockoutMs;
      const until = this.o.clock.now() + waitMs;
      this.o.limiter.lockOut(until);
      this.o.onRateLimited?.(until);
      await res.body?.cancel();
      throw new BrokerRequestError(
        "rateLimited",
        `ProjectX rate limit (429) on ${path}: requests paused`,
        429,
        waitMs,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      // The body cut off or stalled (the agent's body timeout): an answer lost, as a timeout is.
      throw new BrokerRequestError("timeout", `ProjectX ${path}: the answer broke off (${messageOf(error)})`);
    }
    if (res.status < 200 || res.status >= 300) {
      this.o.logger.warn("ProjectX request failed", { path, status: res.status, body: text.slice(0, 300) });
      throw new BrokerRequestError(
        "status",
        `ProjectX ${path}: HTTP ${res.status}${detail(text)}`,
        res.status,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BrokerRequestError("transport", `ProjectX ${path}: the answer is not JSON`);
    }
    if (typeof json !== "object" || json === null || typeof (json as Envelope).success !== "boolean")
      throw new BrokerRequestError("transport", `ProjectX ${path}: the answer has no success field`);
    const env = json as Envelope;
    return {
      ...env,
      errorCode: typeof env.errorCode === "number" ? env.errorCode : 0,
      errorMessage: typeof env.errorMessage === "string" ? env.errorMessage : null,
    };
  }
}

/** A problem-details title or a short text, to say why a 4xx came back. */
function detail(text: string): string {
  if (!text) return "";
  try {
    const json = JSON.parse(text) as { title?: unknown; errors?: unknown };
    const errors = json.errors && typeof json.errors === "object" ? ` ${JSON.stringify(json.errors)}` : "";
    return typeof json.title === "string" ? `: ${json.title}${errors}`.slice(0, 300) : "";
  } catch {
    return `: ${text.slice(0, 120)}`;
  }
}
