import type { Clock, Logger } from "../../types.js";
import { BrokerRequestError } from "../errors.js";
import { loginErrorText, loginIsFatal } from "./errors.js";
import type { ProjectXRest } from "./rest.js";

/**
 * One ProjectX token per login, shared by the REST calls and the hubs (projectx-protocol.md
 * "Auth"): `Auth/loginKey {userName, apiKey}` once, then `Auth/validate` before the token's 24 h
 * are up (it answers a `newToken`). A refused login that retrying cannot mend (a wrong key, no API
 * subscription) stops logins until the trader fixes the config: hammering the login would only
 * get the user locked.
 */

export const TOKEN_LIFETIME_MS = 24 * 3_600_000;
/** A token with less than this left is renewed before a request uses it. */
const IN_HAND_MS = 60_000;
/** A renewal that got no answer is tried again this much later. */
const RENEW_RETRY_MS = 60_000;

export interface ProjectXTokensOptions {
  rest: ProjectXRest;
  userName: string;
  apiKey: string;
  clock: Clock;
  logger: Logger;
  /** Renew this long before the token expires (default 1 h). */
  renewBeforeMs: number;
  /** Every token received (the redactor learns it). */
  onToken(token: string): void;
  /** A login that cannot succeed by retrying: the connection needs the trader. */
  onFatal(error: BrokerRequestError): void;
}

interface Token {
  value: string;
  expiresAt: number;
}

export class ProjectXTokens {
  private current: Token | undefined;
  private pending: Promise<Token> | undefined;
  private renewTimer: unknown;
  private fatal: BrokerRequestError | undefined;
  private stopped = false;

  constructor(private readonly o: ProjectXTokensOptions) {}

  /**
   * A valid token: the current one, a renewed one, or a fresh login. A token that still works
   * for a while is used as it is: its renewal runs on the timer (a renewal ProjectX does not
   * answer must not stop orders that the token in hand can still send).
   */
  async get(): Promise<string> {
    if (this.fatal) throw this.fatal;
    const now = this.o.clock.now();
    if (this.current && this.current.expiresAt - now > IN_HAND_MS) return this.current.value;
    this.pending ??= (
      this.current && this.current.expiresAt > now ? this.renew(this.current) : this.login()
    ).finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).value;
  }

  /**
   * A token checked with ProjectX now (Auth/validate, or a login): for a hub connect, which has no
   * other way to learn that the server stopped taking the cached one.
   */
  async checked(): Promise<string> {
    if (this.fatal) throw this.fatal;
    const current = this.current;
    if (!current) return this.get();
    this.pending ??= this.renew(current).finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).value;
  }

  /** Forget the token (a 401 said it is no longer good): the next get() logs in. */
  invalidate(): void {
    this.current = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  resume(): void {
    this.stopped = false;
    this.fatal = undefined;
    if (this.current) this.schedule(this.current);
  }

  private async login(): Promise<Token> {
    const env = await this.o.rest.call(
      "Auth/loginKey",
      { userName: this.o.userName, apiKey: this.o.apiKey },
      { kind: "exit" },
    );
    const token = typeof env.token === "string" ? env.token : undefined;
    if (!env.success || !token) {
      const error = new BrokerRequestError("rejected", loginErrorText(env.errorCode, env.errorMessage));
      if (loginIsFatal(env.errorCode)) {
        this.fatal = error;
        this.o.onFatal(error);
      }
      throw error;
    }
    return this.accept(token);
  }

  private async renew(old: Token): Promise<Token> {
    try {
      const env = await this.o.rest.call("Auth/validate", {}, { kind: "exit", token: old.value });
      const token = typeof env.newToken === "string" ? env.newToken : undefined;
      if (env.success && token) return this.accept(token);
      this.o.logger.warn("ProjectX token renewal refused; logging in again", { errorCode: env.errorCode });
    } catch (error) {
      if (!(error instanceof BrokerRequestError) || error.status !== 401) throw error;
    }
    return this.login();
  }

  private accept(value: string): Token {
    const token = { value, expiresAt: expiryOf(value) ?? this.o.clock.now() + TOKEN_LIFETIME_MS };
    this.current = token;
    this.o.onToken(value);
    this.schedule(token);
    return token;
  }

  /** Renewal runs by itself before expiry, so a quiet login never finds its token dead. */
  private schedule(token: Token, retryMs?: number): void {
    this.o.clock.clearTimeout(this.renewTimer);
    if (this.stopped) return;
    const wait = retryMs ?? Math.max(1000, token.expiresAt - this.o.renewBeforeMs - this.o.clock.now());
    this.renewTimer = this.o.clock.setTimeout(() => {
      this.renewTimer = undefined;
      if (this.current !== token || this.fatal) return;
      this.pending ??= this.renew(token).finally(() => {
        this.pending = undefined;
      });
      this.pending.catch((error: unknown) => {
        this.o.logger.warn("ProjectX token renewal failed", { error: (error as Error).message });
        // Not answered: try again shortly while the token still works (get() logs in after).
        if (this.current === token && !this.stopped && !this.fatal) this.schedule(token, RENEW_RETRY_MS);
      });
    }, wait);
  }
}

/** A JWT's `exp` (seconds) as epoch ms; undefined when the token is not a readable JWT. */
export function expiryOf(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
