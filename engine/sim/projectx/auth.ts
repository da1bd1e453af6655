import { randomBytes } from "node:crypto";
import type { Book, SimUser } from "../book.js";

/**
 * ProjectX logins and tokens (projectx-protocol.md "Auth"): `Auth/loginKey {userName, apiKey}`
 * issues a JWT-shaped token that lasts 24 h; `Auth/validate` renews it (`newToken`); `Auth/logout`
 * ends it. Only the scenario's ProjectX users log in here, and only with their API key.
 */

/** Auth/loginKey's error codes (LoginErrorCode). */
export const LOGIN_ERRORS = {
  userNotFound: 1,
  invalidCredentials: 3,
  apiSubscriptionNotFound: 9,
} as const;

export type LoginResult =
  | { ok: true; token: string }
  | { ok: false; errorCode: number; errorMessage: string };

interface Issued {
  user: SimUser;
  expiresAt: number;
}

const TOKENS_KEPT = 10_000;

export class ProjectXAuth {
  private readonly tokens = new Map<string, Issued>();

  constructor(
    private readonly book: Book,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  loginKey(userName: string, apiKey: string): LoginResult {
    const user = this.book.userByName(userName);
    if (!user || user.broker !== "projectx")
      return { ok: false, errorCode: LOGIN_ERRORS.userNotFound, errorMessage: "User not found" };
    if (user.apiKey !== apiKey)
      return { ok: false, errorCode: LOGIN_ERRORS.invalidCredentials, errorMessage: "Invalid credentials" };
    return { ok: true, token: this.issue(user) };
  }

  /** The user behind a token that has not expired or been logged out. */
  check(token: string): SimUser | undefined {
    const issued = this.tokens.get(token);
    if (!issued || issued.expiresAt <= this.now()) return undefined;
    return issued.user;
  }

  /** Auth/validate: a new token for a valid one (the old one keeps working until its own expiry). */
  validate(token: string): string | undefined {
    const user = this.check(token);
    return user ? this.issue(user) : undefined;
  }

  logout(token: string): void {
    this.tokens.delete(token);
  }

  expireAll(): void {
    const now = this.now();
    for (const issued of this.tokens.values()) issued.expiresAt = Math.min(issued.expiresAt, now);
  }

  private issue(user: SimUser): string {
    const now = this.now();
    for (const [t, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(t);
    while (this.tokens.size >= TOKENS_KEPT) {
      const oldest = this.tokens.keys().next();
      if (oldest.done) break;
      this.tokens.delete(oldest.value);
    }
    const expiresAt = now + this.lifetimeMs;
    const token = [
      b64({ alg: "HS256", typ: "JWT" }),
      b64({
        sub: String(user.id),
        name: user.name,
        exp: Math.floor(expiresAt / 1000),
        jti: randomBytes(8).toString("hex"),
      }),
      randomBytes(32).toString("base64url"),
    ].join(".");
    this.tokens.set(token, { user, expiresAt });
    return token;
  }
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
