/**
 * One access token per login (tradovate-protocol.md §2.2–2.3): log in once, renew before
 * `expirationTime`, log in again only when renewal is refused. Every accesstokenrequest opens a
 * Tradovate session (2 allowed), so this never logs in while a usable token exists.
 */

import { messageOf } from "../messageOf.js";
import type { Clock, Logger } from "../types.js";
import { BrokerRequestError } from "./errors.js";
import type { AccessToken, Credentials, RestClient } from "./rest.js";

export interface TokenHolderOptions {
  rest: RestClient;
  credentials: Credentials;
  clock: Clock;
  logger: Logger;
  renewBeforeMs: number;
  /** Retry a renewal that failed on the way (network, 5xx, 408) this long after (default 30 s). */
  renewRetryMs?: number | undefined;
  /** Renewal and re-login both failed for a reason a retry will not fix. */
  onFatal: (err: BrokerRequestError) => void;
  /** A new token was obtained (login or renewal). */
  onToken?: (token: AccessToken) => void;
}

const RENEW_RETRY_MS = 30_000;

export class TokenHolder {
  private token: AccessToken | undefined;
  private pendingLogin: Promise<AccessToken> | undefined;
  private renewTimer: unknown;
  private renewing: Promise<void> | undefined;
  private stopped = false;
  /** No login before this (another login took the session, logins are locked, or the trader must act). */
  private loginsPaused: { until: number; reason: string } | undefined;

  constructor(private readonly opts: TokenHolderOptions) {}

  current(): AccessToken | undefined {
    return this.token && this.token.expiresAt > this.opts.clock.now() ? this.token : undefined;
  }

  /** A valid token, logging in only when there is none (and logins are not paused). */
  get(): Promise<AccessToken> {
    const token = this.current();
    if (token) return Promise.resolve(token);
    const paused = this.loginsPaused;
    if (paused && this.opts.clock.now() < paused.until) {
      // Every part of the session (trading, market data, renewal) shares this one login.
      return Promise.reject(new BrokerRequestError("disconnected", `not logging in now: ${paused.reason}`));
    }
    if (!this.pendingLogin) {
      this.pendingLogin = this.login().finally(() => {
        this.pendingLogin = undefined;
      });
    }
    return this.pendingLogin;
  }

  /** The broker refused the token (authorize 401): forget it so the next get() logs in. */
  invalidate(): void {
    this.token = undefined;
    this.clearRenew();
  }

  /**
   * No login until `until` (Infinity: until the session is started again). The market-data feed
   * and renewal must not log in behind the connection's back while it waits for another login
   * to be done with the session, or for a lockout to end.
   */
  pauseLogins(until: number, reason: string): void {
    this.loginsPaused = { until, reason };
  }

  /** Why logins stopped until the session is started again (a refused login), if they did. */
  loginsStopped(): string | undefined {
    const paused = this.loginsPaused;
    return paused && paused.until === Number.POSITIVE_INFINITY ? paused.reason : undefined;
  }

  /**
   * A socket refused `refused` (authorize 401): renew it now, through the usual path (a login
   * when the renewal is refused), rather than at its time. Resolves when that is over, whatever
   * came of it; a token already replaced is left alone.
   */
  async renewNow(refused: string): Promise<void> {
    if (this.stopped || this.token?.accessToken !== refused) return;
    if (!this.renewing) {
      this.clearRenew();
      this.startRenew();
    }
    await this.renewing;
  }

  /** The wait is over: logins may go again. */
  allowLogins(): void {
    this.loginsPaused = undefined;
  }

  /** After stop(): allows a later start() of the session. */
  resume(): void {
    this.stopped = false;
    this.loginsPaused = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.clearRenew();
  }

  private async login(): Promise<AccessToken> {
    let token: AccessToken;
    try {
      token = await this.opts.rest.accessTokenRequest(this.opts.credentials);
    } catch (err) {
      const e = asBrokerError(err);
      // Tradovate locks a user out after a few refused logins: no part of the session tries again
      // (market data, renewal, reconnect) until the trader has fixed it and started it again.
      if (e.kind === "rejected" || e.kind === "captcha")
        this.pauseLogins(Number.POSITIVE_INFINITY, e.message);
      throw e;
    }
    this.accept(token);
    this.opts.logger.info("logged in to Tradovate", { user: this.opts.credentials.name });
    return token;
  }

  private accept(token: AccessToken): void {
    if (this.stopped) return;
    this.token = token;
    this.scheduleRenew();
    this.opts.onToken?.(token);
  }

  private scheduleRenew(): void {
    this.clearRenew();
    if (!this.token || this.stopped) return;
    const left = this.token.expiresAt - this.opts.clock.now();
    // Short-lived tokens (tests, odd servers) renew at half life instead of never.
    const delay = Math.max(0, Math.max(left - this.opts.renewBeforeMs, left / 2));
    this.renewTimer = this.opts.clock.setTimeout(() => {
      this.renewTimer = undefined;
      this.startRenew();
    }, delay);
  }

  private startRenew(): void {
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
  }

  private clearRenew(): void {
    if (this.renewTimer !== undefined) this.opts.clock.clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renew(): Promise<void> {
    const old = this.token;
    if (!old || this.stopped) return;
    try {
      this.accept(await this.opts.rest.renewAccessToken(old.accessToken));
      this.opts.logger.info("renewed Tradovate access token");
      return;
    } catch (err) {
      const e = asBrokerError(err);
      if (this.stopped) return;
      // A server error, a timeout or a gateway (408, 502) on the way says nothing about the token;
      // a login instead would open another session (2 per user: one of them is thrown out).
      const gateway = e.status === 408 || e.status === 502;
      const serverError = e.status !== undefined && e.status >= 500;
      if (
        gateway ||
        serverError ||
        e.kind === "transport" ||
        e.kind === "timeout" ||
        e.kind === "rateLimited" ||
        e.kind === "budget"
      ) {
        const left = old.expiresAt - this.opts.clock.now();
        const retryMs = this.opts.renewRetryMs ?? RENEW_RETRY_MS;
        if (left > retryMs) {
          this.opts.logger.warn("token renewal failed; retrying", { error: e.message });
          this.renewTimer = this.opts.clock.setTimeout(() => {
            this.renewTimer = undefined;
            this.startRenew();
          }, retryMs);
          return;
        }
        if (gateway) {
          // Still 408/502 at the token's end: what Tradovate answers on a session a newer login
          // ended (SDK JSDoc). Logging in now would throw that login out in turn; the trading
          // socket's shutdown or the next reconnect says which it was (connector.ts backs off).
          this.opts.logger.warn("token renewal still answered 408/502; not logging in again now", {
            error: e.message,
          });
          return;
        }
      }
      this.opts.logger.warn("token renewal refused; logging in again", { error: e.message });
    }
    this.token = undefined;
    try {
      await this.get();
    } catch (err) {
      const e = asBrokerError(err);
      if (this.stopped) return;
      // Network trouble: the next reconnect logs in again. A refusal or captcha needs the user.
      if (e.kind === "rejected" || e.kind === "captcha") this.opts.onFatal(e);
      else this.opts.logger.warn("re-login after failed renewal did not succeed", { error: e.message });
    }
  }
}

export function asBrokerError(err: unknown): BrokerRequestError {
  if (err instanceof BrokerRequestError) return err;
  return new BrokerRequestError("transport", messageOf(err));
}
