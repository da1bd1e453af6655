import { randomBytes } from "node:crypto";
import type { Book, SimUser } from "./book.js";
import { ok, type Reply } from "./reply.js";
import type { ScenarioApiKey } from "./scenario.js";

/**
 * Logins, access tokens and sessions (tradovate-protocol.md §2): 2 sessions per user, a third
 * login ends the oldest; tokens expire; renewal extends a session with a new token. A user with
 * an API key logs in only with the key's `appId`, `cid` and `sec`. The market-data token
 * authorizes only market-data sockets. A token whose session a newer login ended is remembered:
 * Tradovate answers such requests 408/502, not 401.
 */

export interface Session {
  id: number;
  user: SimUser;
  createdAt: number;
  /** The current access token and its market-data twin. */
  token: string;
  mdToken: string;
  expiresAt: number;
  /** "none": an API key with every permission Denied. */
  permissions: "full" | "none";
}

export type TokenKind = "access" | "md";

export const MAX_SESSIONS_PER_USER = 2;
/** After a renewal the previous token keeps working briefly, so in-flight requests do not fail. */
export const RENEW_GRACE_MS = 60_000;
/** Superseded tokens remembered (the most recent ones). */
const SUPERSEDED_KEPT = 1000;

const BAD_LOGIN =
  "Incorrect username or password. Please try again, noting that passwords are case-sensitive.";

export class Auth {
  private readonly sessions: Session[] = [];
  /** token → session, that token's own expiry, and which socket it authorizes. */
  private readonly tokens = new Map<string, { session: Session; expiresAt: number; kind: TokenKind }>();
  private readonly superseded = new Set<string>();
  private nextSessionId = 1;

  constructor(
    private readonly book: Book,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
    /** Called when a session ends because a newer login took its place. */
    private readonly onEvict: (session: Session) => void,
    /** The scenario's API keys, by user name. */
    private readonly apiKeys: ReadonlyMap<string, ScenarioApiKey> = new Map(),
  ) {}

  login(raw: unknown): Reply {
    const body = (raw ?? {}) as Record<string, unknown>;
    const found = typeof body.name === "string" ? this.book.userByName(body.name) : undefined;
    // A ProjectX user is not a Tradovate login, whatever is sent.
    const user = found?.broker === "tradovate" ? found : undefined;
    if (!user || typeof body.password !== "string" || body.password !== user.password) {
      return ok({ errorText: BAD_LOGIN });
    }
    const key = this.apiKeys.get(user.name);
    if (key && !keyMatches(key, body)) {
      return ok({
        errorText:
          "The app is not registered: appId, cid and sec must be those of an API key of this user " +
          "(appId is the name given to the key).",
      });
    }
    const session = this.open(user, key?.permissions ?? "full");
    return ok(this.tokenResponse(session));
  }

  /** Another login of `user` from outside (the trader's own Tradovate window). Returns sessions evicted. */
  externalLogin(userName: string): number {
    const user = this.book.userByName(userName);
    if (!user) throw new Error(`unknown user ${userName}`);
    const before = this.sessions.filter((s) => s.user === user).length;
    this.open(user, "full");
    return before + 1 - this.sessions.filter((s) => s.user === user).length;
  }

  renew(session: Session): Reply {
    const previous = this.tokens.get(session.token);
    if (previous) previous.expiresAt = Math.min(previous.expiresAt, this.now() + RENEW_GRACE_MS);
    this.issue(session);
    return ok(this.tokenResponse(session));
  }

  /** The live session behind an access token, or undefined if unknown, expired, evicted or an md token. */
  check(token: string): Session | undefined {
    const found = this.checkKind(token);
    return found?.kind === "access" ? found.session : undefined;
  }

  /** The live session and the kind of the token. */
  checkKind(token: string): { session: Session; kind: TokenKind } | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return { session: entry.session, kind: entry.kind };
  }

  /** The token belonged to a session a newer login (or a connection quota) ended. */
  wasSuperseded(token: string): boolean {
    return this.superseded.has(token);
  }

  /** Ends `session` as a newer connection would (its tokens are revoked). */
  revoke(session: Session): void {
    if (!this.sessions.includes(session)) return;
    this.end(session);
    this.onEvict(session);
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

  private open(user: SimUser, permissions: "full" | "none"): Session {
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
      permissions,
    };
    this.sessions.push(session);
    this.issue(session);
    return session;
  }

  private end(session: Session): void {
    this.sessions.splice(this.sessions.indexOf(session), 1);
    for (const [token, entry] of this.tokens) {
      if (entry.session !== session) continue;
      this.tokens.delete(token);
      this.superseded.add(token);
    }
    while (this.superseded.size > SUPERSEDED_KEPT) {
      const oldest = this.superseded.values().next();
      if (oldest.done) break;
      this.superseded.delete(oldest.value);
    }
  }

  private issue(session: Session): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
    session.token = randomBytes(24).toString("base64url");
    session.mdToken = randomBytes(24).toString("base64url");
    session.expiresAt = this.now() + this.lifetimeMs;
    this.tokens.set(session.token, { session, expiresAt: session.expiresAt, kind: "access" });
    this.tokens.set(session.mdToken, { session, expiresAt: session.expiresAt, kind: "md" });
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

/** Tradovate types cid as a string in the spec and examples send a number: accept both. */
function keyMatches(key: ScenarioApiKey, body: Record<string, unknown>): boolean {
  const cid = typeof body.cid === "string" ? Number(body.cid) : body.cid;
  return body.appId === key.appId && cid === key.cid && body.sec === key.sec;
}
