/**
 * How a login reconnects (issue 12 #5 #7, issue 13 #10). Pure decisions over a clock:
 *  - ReconnectPolicy: exponential backoff with jitter that resets only after a connection has
 *    held (a broker that drops right after every sync must not get a reconnect storm);
 *  - EvictionWatch: several "another login took the session" in a short time is a loop of two
 *    logins evicting each other, and fighting it forever helps no one;
 *  - classifyFailure: what a failed connect attempt means and what to do about it.
 */
import type { Clock, EpochMs } from "../types.js";
import { backoffDelay } from "./backoff.js";
import type { BrokerRequestError } from "./errors.js";

export interface ReconnectOptions {
  initialMs: number;
  maxMs: number;
  /** A connection that lasted this long resets the backoff (default 30 s). */
  heldMs?: number;
}

export class ReconnectPolicy {
  private attempt = 0;
  private connectedAt: EpochMs | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: ReconnectOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The connection is up (synced). */
  connected(): void {
    this.connectedAt = this.clock.now();
  }

  /** The connection was lost: the delay before the next attempt. */
  lost(): number {
    const held = this.connectedAt !== undefined && this.clock.now() - this.connectedAt >= this.heldMs;
    this.connectedAt = undefined;
    if (held) this.attempt = 0;
    return this.next();
  }

  /** A connect attempt failed: the delay before the next one. */
  failed(): number {
    this.connectedAt = undefined;
    return this.next();
  }

  /** A fresh start (start() after stop()). */
  reset(): void {
    this.attempt = 0;
    this.connectedAt = undefined;
  }

  get attempts(): number {
    return this.attempt;
  }

  private get heldMs(): number {
    return this.opts.heldMs ?? 30_000;
  }

  private next(): number {
    return backoffDelay(this.attempt++, this.opts, this.random);
  }
}

export interface SupersededOptions {
  /** Wait before logging in again after another login took the session (default 15 s). */
  backoffMs: number;
  /** The wait doubles per eviction in a row, up to this (default 5 min). */
  maxBackoffMs: number;
  /** This many evictions … (default 4) */
  loopCount: number;
  /** … within this long is an eviction loop: stop (default 15 min). */
  loopWindowMs: number;
}

export const SUPERSEDED_DEFAULTS: Readonly<SupersededOptions> = Object.freeze({
  backoffMs: 15_000,
  maxBackoffMs: 300_000,
  loopCount: 4,
  loopWindowMs: 900_000,
});

export class EvictionWatch {
  private times: EpochMs[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly opts: SupersededOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Another login took the session now: how long to wait, or "loop" when this keeps happening. */
  evicted(): { waitMs: number; count: number } | "loop" {
    const now = this.clock.now();
    this.times = this.times.filter((t) => now - t < this.opts.loopWindowMs);
    this.times.push(now);
    if (this.times.length >= this.opts.loopCount) return "loop";
    const n = this.times.length - 1;
    const base = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** n);
    // Jitter on the upper quarter: two mimiks on one login do not come back in step.
    return { waitMs: Math.round(base * (0.75 + 0.25 * this.random())), count: this.times.length };
  }

  /** Evictions inside the window so far. */
  get recent(): number {
    const now = this.clock.now();
    return this.times.filter((t) => now - t < this.opts.loopWindowMs).length;
  }

  reset(): void {
    this.times = [];
  }
}

export type FailureAction =
  /** Transient: back off and try again. */
  | { action: "retry"; invalidateToken: boolean }
  /** Another login took this login's session (408/502 on our token). */
  | { action: "superseded" }
  /** Logins are locked (423): stop logging in until `untilMs`. */
  | { action: "lockedOut"; untilMs: EpochMs }
  /** 401 on a token just issued: the API key lacks permissions. */
  | { action: "noPermission" }
  /** Needs the trader: a refused login, a captcha, repeated 4xx. */
  | { action: "stop"; state: "reauth-needed" | "down" };

/** Where a connect attempt was when it failed. */
export type ConnectPhase = "login" | "accounts" | "authorize" | "sync";

export interface FailureContext {
  now: EpochMs;
  phase: ConnectPhase;
  /** The token in use was issued by a login in this very attempt. */
  freshToken: boolean;
  /** Consecutive 4xx failures before this one. */
  clientErrors: number;
  /** 401s on a token just issued, in a row, before this one. */
  freshTokenRefusals: number;
  /** How long logins stop after a 423 without Retry-After. */
  loginLockoutMs: number;
}

/** Tradovate throttles a login after >100 failures per endpoint per hour: never loop on 4xx. */
export const MAX_CLIENT_ERRORS = 3;

/** What a failed connect attempt means (tradovate-protocol.md §6). */
export function classifyFailure(e: BrokerRequestError, ctx: FailureContext): FailureAction {
  if (e.kind === "rejected" || e.kind === "captcha") return { action: "stop", state: "reauth-needed" };
  const status = e.status;
  if (status === 423)
    return { action: "lockedOut", untilMs: ctx.now + (e.retryAfterMs ?? ctx.loginLockoutMs) };
  if (status === 408 || status === 502) {
    // A newer login expired our session (SDK JSDoc); on a brand-new token it is the network.
    return ctx.freshToken ? { action: "retry", invalidateToken: false } : { action: "superseded" };
  }
  // A key without permissions logs in fine, then every call answers 401 (authorize aside, which
  // answers 401 for a token it does not take: logging in again is the cure for that). Said after
  // the second time in a row: once could be a token ended between the login and the call, and
  // stopping parks the login until the trader acts, its followers' exits with it.
  if (isFreshTokenRefusal(status, ctx))
    return ctx.freshTokenRefusals >= 1
      ? { action: "noPermission" }
      : { action: "retry", invalidateToken: true };
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    if (ctx.clientErrors + 1 >= MAX_CLIENT_ERRORS) return { action: "stop", state: "down" };
    // 400/401 = expired token: log in again next time.
    return { action: "retry", invalidateToken: status === 400 || status === 401 };
  }
  return { action: "retry", invalidateToken: false };
}

/** A 401 on a token just issued, outside authorize: what a key without permissions answers. */
export function isFreshTokenRefusal(
  status: number | undefined,
  ctx: Pick<FailureContext, "freshToken" | "phase">,
): boolean {
  return status === 401 && ctx.freshToken && ctx.phase !== "authorize";
}
