import { randomBytes } from "node:crypto";
import type { Book, SimUser } from "./book.js";
import { ok, type Reply } from "./reply.js";

/**
 * Logins, access tokens and sessions (tradovate-protocol.md §2): 2 sessions per user, a third
 * login ends the oldest; tokens expire; renewal extends a session with a new token.
 */

export interface Session {
  id: number;
  user: SimUser;
  createdAt: number;
  /** The current access token and its market-data twin. */
  token: string;
  mdToken: string;
  expiresAt: number;
}

export const MAX_SESSIONS_PER_USER = 2;
/** After a renewal the previous token keeps working briefly, so in-flight requests do not fail. */
export const RENEW_GRACE_MS = 60_000;

export class Auth {
  private readonly sessions: Session[] = [];
  /** token → session and that token's own expiry. */
  private readonly tokens = new Map<string, { session: Session; expiresAt: number }>();
  private nextSessionId = 1;

  constructor(
    private readonly book: Book,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
    /** Called when a session ends because a newer login took its place. */
    private readonly onEvict: (session: Session) => void,
  ) {}

  login(raw: unknown): Reply {
    const body = (raw ?? {}) as Record<string, unknown>;
    const user = typeof body.name === "string" ? this.book.userByName(body.name) : undefined;
    if (!user || typeof body.password !== "string" || body.password !== user.password) {
      return ok({
        errorText:
          "Incorrect username or password. Please try again, noting that passwords are case-sensitive.",
      });
    }
    const mine = this.sessions.filter((s) => s.user === user);
    while (mine.length >= MAX_SESSIONS_PER_USER) {
      const oldest = mine.shift()!;
      this.end(oldest);
      this.onEvict(oldest);
    }
    const session: Session = {
      id: this.nextSessionId++,
      user,
      createdAt: this.now(),
      token: "",
      mdToken: "",
      expiresAt: 0,
    };
    this.sessions.push(session);
    this.issue(session);
    return ok(this.tokenResponse(session));
  }

  renew(session: Session): Reply {
    const previous = this.tokens.get(session.token);
    if (previous) previous.expiresAt = Math.min(previous.expiresAt, this.now() + RENEW_GRACE_MS);
    this.issue(session);
    return ok(this.tokenResponse(session));
  }

  /** The live session behind a token (access or md), or undefined if unknown, expired or evicted. */
  check(token: string): Session | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.session;
  }

  /** Every token expires now; already-authorized sockets stay open (as on Tradovate). */
  expireAll(): void {
    const now = this.now();
    for (const entry of this.tokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
    for (const s of this.sessions) s.expiresAt = Math.min(s.expiresAt, now);
  }

  activeSessions(): readonly Session[] {
    return this.sessions;
  }

  private end(session: Session): void {
    this.sessions.splice(this.sessions.indexOf(session), 1);
    for (const [token, entry] of this.tokens) if (entry.session === session) this.tokens.delete(token);
  }

  private issue(session: Session): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
    session.token = randomBytes(24).toString("base64url");
    session.mdToken = randomBytes(24).toString("base64url");
    session.expiresAt = this.now() + this.lifetimeMs;
    this.tokens.set(session.token, { session, expiresAt: session.expiresAt });
    this.tokens.set(session.mdToken, { session, expiresAt: session.expiresAt });
  }

  private tokenResponse(s: Session) {
    return {
      accessToken: s.token,
      mdAccessToken: s.mdToken,
      expirationTime: new Date(s.expiresAt).toISOString(),
      passwordExpirationTime: new Date(this.now() + 365 * 24 * 3600 * 1000).toISOString(),
      userStatus: "Active",
      userId: s.user.id,
      name: s.user.name,
      hasLive: false,
      hasFunded: false,
      hasMarketData: true,
      outdatedTaC: false,
      outdatedLiquidationPolicy: false,
    };
  }
}
