/**
 * Tradovate REST over fetch (tradovate-protocol.md §2, §6): bearer auth, business errors as
 * HTTP 200 bodies, penalty tickets (wait p-time, resend the same body plus "p-ticket"),
 * p-captcha (stop), 429 (lock the limiter out). Errors never carry credentials or tokens.
 */

import { messageOf } from "../messageOf.js";
import type { Clock, Logger } from "../types.js";
import { BrokerRequestError, CAPTCHA_REASON, penaltyOf } from "./errors.js";
import type { RateLimiter, RequestKind } from "./rateLimiter.js";

export interface Credentials {
  name: string;
  password: string;
  appId: string;
  appVersion: string;
  cid?: number;
  sec?: string;
  deviceId: string;
}

export interface AccessToken {
  accessToken: string;
  /** For the market-data socket when Tradovate sends one. */
  mdAccessToken?: string | undefined;
  expiresAt: number;
  userId?: number | undefined;
}

export interface RestCallOptions {
  method?: "GET" | "POST";
  body?: Record<string, unknown>;
  query?: string;
  token?: string;
  priority?: RequestKind;
}

export interface RestClientOptions {
  baseUrl: string;
  clock: Clock;
  limiter: RateLimiter;
  logger: Logger;
  timeoutMs: number;
  /** How long a 429 stops all requests when the broker gives no Retry-After. */
  lockoutMs: number;
  fetchImpl?: typeof fetch;
  /** Penalty resends before giving up. */
  maxPenaltyRetries?: number;
}

export class RestClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: RestClientOptions) {
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  /** Calls `path` (e.g. "account/list") and returns the parsed JSON body. */
  async call(path: string, options: RestCallOptions = {}): Promise<unknown> {
    let body = options.body;
    const maxRetries = this.opts.maxPenaltyRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      // Budget is taken now or the call fails now: nothing waits for it.
      this.opts.limiter.take(options.priority ?? "read");
      const result = await this.once(path, { ...options, body });
      const penalty = penaltyOf(result);
      if (!penalty) return result;
      if (penalty.captcha) throw new BrokerRequestError("captcha", CAPTCHA_REASON);
      if (attempt >= maxRetries) {
        throw new BrokerRequestError("rateLimited", `${path}: still penalised after ${attempt} resends`);
      }
      const waitMs = penalty.waitSeconds * 1000;
      this.opts.limiter.notePenalty(this.opts.clock.now() + waitMs);
      this.opts.logger.warn("Tradovate penalty ticket; waiting before resending", {
        path,
        waitSeconds: penalty.waitSeconds,
      });
      await sleep(this.opts.clock, waitMs);
      body = { ...(body ?? {}), "p-ticket": penalty.ticket };
    }
  }

  /** POST /auth/accesstokenrequest (no Authorization header). */
  async accessTokenRequest(creds: Credentials): Promise<AccessToken> {
    const body: Record<string, unknown> = {
      name: creds.name,
      password: creds.password,
      appId: creds.appId,
      appVersion: creds.appVersion,
      deviceId: creds.deviceId,
    };
    if (creds.cid !== undefined) body.cid = creds.cid;
    if (creds.sec !== undefined) body.sec = creds.sec;
    const res = await this.call("auth/accesstokenrequest", { method: "POST", body, priority: "exit" });
    return parseTokenResponse(res, "login");
  }

  /** GET /auth/renewaccesstoken with the current token; same response shape as a login. */
  async renewAccessToken(token: string): Promise<AccessToken> {
    const res = await this.call("auth/renewaccesstoken", { method: "GET", token, priority: "exit" });
    return parseTokenResponse(res, "token renewal");
  }

  private async once(path: string, options: RestCallOptions): Promise<unknown> {
    const url = `${this.opts.baseUrl.replace(/\/$/, "")}/${path}${options.query ? `?${options.query}` : ""}`;
    // A GET resent with a p-ticket carries a body: Tradovate's relaxed REST takes it as POST.
    const method = options.body ? "POST" : (options.method ?? "GET");
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body) headers["Content-Type"] = "application/json";
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const controller = new AbortController();
    const timer = this.opts.clock.setTimeout(() => controller.abort(), this.opts.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: options.body ? JSON.stringify(options.body) : undefined,
        signal: controller.signal,
      });
      text = await response.text();
    } catch (err) {
      if (controller.signal.aborted) {
        throw new BrokerRequestError("timeout", `${path}: no reply within ${this.opts.timeoutMs} ms`);
      }
      throw new BrokerRequestError("transport", `${path}: ${messageOf(err)}`);
    } finally {
      this.opts.clock.clearTimeout(timer);
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get("retry-after"));
      const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.opts.lockoutMs;
      this.opts.limiter.lockOut(this.opts.clock.now() + waitMs);
      this.opts.logger.error("Tradovate rate limit (429): requests paused", { path, pausedMs: waitMs });
      throw new BrokerRequestError("rateLimited", `${path}: Tradovate rate limit (429)`, 429);
    }
    if (response.status < 200 || response.status >= 300) {
      const retryAfter = Number(response.headers.get("retry-after"));
      throw new BrokerRequestError(
        "status",
        `${path}: HTTP ${response.status}${text ? ` ${text.slice(0, 200)}` : ""}`,
        response.status,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new BrokerRequestError("transport", `${path}: reply is not JSON`);
    }
  }
}

function parseTokenResponse(res: unknown, what: string): AccessToken {
  if (typeof res !== "object" || res === null) {
    throw new BrokerRequestError("transport", `${what}: empty or malformed reply`);
  }
  const rec = res as Record<string, unknown>;
  if (typeof rec.errorText === "string" && rec.errorText !== "") {
    throw new BrokerRequestError("rejected", `${what} refused: ${rec.errorText}`);
  }
  if (typeof rec.accessToken !== "string" || rec.accessToken === "") {
    throw new BrokerRequestError("transport", `${what}: reply has no accessToken`);
  }
  const expiresAt = typeof rec.expirationTime === "string" ? Date.parse(rec.expirationTime) : Number.NaN;
  if (!Number.isFinite(expiresAt)) {
    throw new BrokerRequestError("transport", `${what}: reply has no valid expirationTime`);
  }
  return {
    accessToken: rec.accessToken,
    mdAccessToken:
      typeof rec.mdAccessToken === "string" && rec.mdAccessToken !== "" ? rec.mdAccessToken : undefined,
    expiresAt,
    userId: typeof rec.userId === "number" ? rec.userId : undefined,
  };
}

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
