/**
 * The connection of one login (design.md §1, §10): connecting → connected → reconnecting /
 * reauth-needed / down. Every (re)connect: token → account/list (REST) → trading socket →
 * authorize → user/syncrequest once → snapshot (in parts, see syncRequest.ts) → synced.
 *
 * What it does when that fails is decided in connectPolicy.ts; the cases a trader must hear
 * about are said once, plainly, through `alert`:
 *  - another login took the session (408/502 on our token, or a quota shutdown): back off before
 *    logging in again, so the other login (often the trader's own Tradovate window) is not thrown
 *    out in turn, then reconnect and re-sync; several in a row is an eviction loop: stop;
 *  - logins are locked (423): no login until the lockout ends;
 *  - a key without permissions (401 right after a good login): stop, naming the fix.
 */
import type { BrokerAccount, Clock, ConnectionState, Logger, MonoMs } from "../types.js";
import {
  evictionLoopText,
  lockoutText,
  noPermissionText,
  RENEWING_FOR_ACCOUNTS,
  supersededText,
} from "./advice.js";
import { asBrokerError, type TokenHolder } from "./auth.js";
import {
  type ConnectPhase,
  classifyFailure,
  EvictionWatch,
  isFreshTokenRefusal,
  type ReconnectOptions,
  ReconnectPolicy,
  type SupersededOptions,
} from "./connectPolicy.js";
import { BrokerRequestError } from "./errors.js";
import type { EventMessage } from "./frames.js";
import type { RateLimiter } from "./rateLimiter.js";
import type { RestClient } from "./rest.js";
import { type SocketLoss, TradovateSocket, type WebSocketConstructor } from "./socket.js";
import { readCollections, SnapshotAssembler, syncRequestBody } from "./syncRequest.js";
import { FatalSetupError, WantedAccounts } from "./wantedAccounts.js";

export interface ConnectorOptions {
  connection: string;
  user: string;
  appId: string;
  wsUrl: string;
  /** Account names to sync; default: every account of account/list. */
  accounts?: string[] | undefined;
  clock: Clock;
  logger: Logger;
  WebSocketImpl: WebSocketConstructor;
  limiter: RateLimiter;
  tokens: TokenHolder;
  rest: RestClient;
  socket: {
    heartbeatMs: number;
    watchdogMs: number;
    requestTimeoutMs: number;
    lockoutMs: number;
    authorizeFallbackMs?: number | undefined;
    maxOrderPenaltyWaitMs?: number | undefined;
  };
  reconnect: ReconnectOptions;
  superseded: SupersededOptions;
  /** Logins stop this long after a 423 without Retry-After. */
  loginLockoutMs: number;
  /** A split snapshot is complete when no part came for this long … */
  syncSettleMs: number;
  /** … and it has the parts it must have (syncRequest.ts); still lacking one this long, it fails. */
  syncCompleteMs: number;
  setState(state: ConnectionState, reason?: string): void;
  alert(level: "info" | "warn" | "error", message: string): void;
  /** The account list to sync was read. */
  onAccounts(accounts: BrokerAccount[]): void;
  /** A live event on the current socket. */
  onEvent(msg: EventMessage, receivedAt: MonoMs): void;
  /** The snapshot of a new socket is complete (`forAccounts`: renewed for accounts added, not lost). */
  onSynced(snapshot: Record<string, unknown>, forAccounts: boolean): void;
  /** A part of the snapshot came after it was applied. */
  onLatePart(part: unknown, receivedAt: MonoMs): void;
  /** The socket is gone, synced or not: live events it left buffered are older than the next snapshot. */
  onLost(): void;
}

export class Connector {
  /** The trading socket while it exists (synced or not). */
  socket: TradovateSocket | undefined;
  /** True once the current socket's snapshot is applied. */
  synced = false;
  private stopped = true;
  private loopRunning = false;
  private clientErrors = 0;
  private freshTokenRefusals = 0;
  /** The token of this attempt, and the fresh one a 401 last refused. */
  private token: string | undefined;
  private refusedToken: string | undefined;
  private freshToken = false;
  private phase: ConnectPhase = "login";
  private lockoutAlerted = false;
  private assembler: SnapshotAssembler | undefined;
  /** The socket of the attempt in progress was closed for another login (quota shutdown). */
  private attemptSuperseded = false;
  private sleepTimer: unknown;
  private wake: (() => void) | undefined;
  private readonly policy: ReconnectPolicy;
  private readonly evictions: EvictionWatch;
  private readonly wanted: WantedAccounts;
  /** The wanted accounts changed since the current sync's account list was read. */
  private resyncDue = false;
  private forAccounts = false; // replaces a socket closed for added accounts, not lost (unless it fails)
  private resyncTimer: unknown;

  constructor(private readonly opts: ConnectorOptions) {
    this.wanted = new WantedAccounts(opts.accounts, opts);
    this.policy = new ReconnectPolicy(opts.clock, opts.reconnect);
    this.evictions = new EvictionWatch(opts.clock, opts.superseded);
  }

  start(): void {
    this.stopped = false;
    this.policy.reset();
    this.evictions.reset();
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.sleepTimer, this.resyncTimer]) if (t !== undefined) this.opts.clock.clearTimeout(t);
    this.sleepTimer = this.resyncTimer = undefined;
    this.wake?.();
    this.assembler?.cancel(new BrokerRequestError("disconnected", "stopped"));
    this.socket?.close("session stopped");
    this.socket = undefined;
    this.synced = false;
  }

  private async loop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    try {
      while (!this.stopped) {
        try {
          await this.connectOnce();
          return;
        } catch (err) {
          if (this.stopped || !(await this.failed(err))) return;
        }
      }
    } finally {
      this.loopRunning = false;
    }
  }

  /** Decides what a failed attempt means; resolves true to try again (after any wait). */
  private async failed(err: unknown): Promise<boolean> {
    const { clock, setState, tokens } = this.opts;
    if (err instanceof FatalSetupError) {
      tokens.pauseLogins(Number.POSITIVE_INFINITY, err.message);
      setState("down", err.message);
      return false;
    }
    if (this.attemptSuperseded) {
      // The attempt's own error only says "disconnected"; retrying at once fights the other login.
      this.attemptSuperseded = false;
      return this.superseded();
    }
    const e = asBrokerError(err);
    const stop = (state: "reauth-needed" | "down", reason: string) => {
      // Nothing else of this session (market data, renewal) logs in until it is started again.
      tokens.pauseLogins(Number.POSITIVE_INFINITY, reason);
      setState(state, reason);
      return false;
    };
    const context = {
      now: clock.now(),
      phase: this.phase,
      freshToken: this.freshToken,
      clientErrors: this.clientErrors,
      freshTokenRefusals: this.freshTokenRefusals,
      loginLockoutMs: this.opts.loginLockoutMs,
    };
    const action = classifyFailure(e, context);
    const refused = isFreshTokenRefusal(e.status, context);
    this.freshTokenRefusals = refused ? this.freshTokenRefusals + 1 : 0;
    this.refusedToken = refused ? this.token : undefined;
    switch (action.action) {
      case "stop":
        return stop(
          action.state,
          action.state === "down"
            ? `${e.message} (gave up after ${this.clientErrors + 1} attempts)`
            : e.message,
        );
      case "noPermission": {
        const message = noPermissionText(this.opts.user, this.opts.appId, e.message);
        tokens.invalidate();
        this.opts.alert("error", message);
        return stop("reauth-needed", message);
      }
      case "lockedOut": {
        const message = lockoutText(this.opts.user, action.untilMs);
        tokens.invalidate();
        tokens.pauseLogins(action.untilMs, "Tradovate locked this user's logins (423)");
        if (!this.lockoutAlerted) this.opts.alert("error", message);
        this.lockoutAlerted = true;
        setState("down", message);
        await this.sleep(action.untilMs - clock.now());
        tokens.allowLogins();
        return !this.stopped;
      }
      case "superseded":
        return this.superseded();
      case "retry": {
        // Repeated 4xx get a login throttled; a 429 is the budget's business, not one of those.
        if (e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429)
          this.clientErrors += 1;
        if (action.invalidateToken) tokens.invalidate();
        const lockedUntil = this.opts.limiter.lockedOutUntil();
        const delay = Math.max(
          this.policy.failed(),
          lockedUntil !== undefined ? lockedUntil - clock.now() : 0,
        );
        setState("reconnecting", e.message);
        await this.sleep(delay);
        return !this.stopped;
      }
    }
  }

  /** Another login took the session: wait before logging in again, or stop on a loop. */
  private async superseded(): Promise<boolean> {
    this.opts.tokens.invalidate();
    const verdict = this.evictions.evicted();
    if (verdict === "loop") {
      const message = evictionLoopText(
        this.opts.user,
        this.opts.superseded.loopCount,
        this.opts.superseded.loopWindowMs,
      );
      this.opts.tokens.pauseLogins(Number.POSITIVE_INFINITY, message);
      this.opts.alert("error", message);
      this.opts.setState("down", message);
      return false;
    }
    this.opts.tokens.pauseLogins(this.opts.clock.now() + verdict.waitMs, "another login took the session");
    const message = supersededText(this.opts.user, verdict.waitMs);
    this.opts.alert("warn", message);
    this.opts.setState("reconnecting", message);
    await this.sleep(verdict.waitMs);
    this.opts.tokens.allowLogins();
    return !this.stopped;
  }

  private async connectOnce(): Promise<void> {
    const { tokens } = this.opts;
    this.synced = false;
    this.attemptSuperseded = false;
    this.phase = "login";
    const hadToken = tokens.current() !== undefined;
    const token = await tokens.get();
    // Fresh: logged in for this attempt, or (after a 401 on a fresh token) a login since, maybe
    // the market-data feed's, that the next 401 can be told on.
    this.freshToken =
      !hadToken || (this.refusedToken !== undefined && token.accessToken !== this.refusedToken);
    this.token = token.accessToken;
    this.phase = "accounts";
    const accounts = await this.wanted.read(token.accessToken);
    this.resyncDue = false; // this attempt syncs the accounts wanted now
    this.opts.onAccounts(accounts);
    const socket: TradovateSocket = new TradovateSocket({
      url: this.opts.wsUrl,
      token: token.accessToken,
      label: "trading",
      clock: this.opts.clock,
      logger: this.opts.logger,
      WebSocketImpl: this.opts.WebSocketImpl,
      limiter: this.opts.limiter,
      ...this.opts.socket,
      onEvent: (msg, receivedAt) => {
        if (socket === this.socket) this.opts.onEvent(msg, receivedAt);
      },
      onClose: (loss) => this.lost(socket, loss),
    });
    this.socket = socket;
    const assembler = new SnapshotAssembler(
      this.opts.clock,
      this.opts.syncSettleMs,
      this.opts.syncCompleteMs,
      (part) => {
        if (socket === this.socket) this.opts.onLatePart(part, this.opts.clock.mono());
      },
      (missing) =>
        readCollections((endpoint) => socket.request(endpoint, undefined, { priority: "exit" }), missing),
    );
    this.assembler = assembler;
    try {
      this.phase = "authorize";
      await socket.open();
      if (this.stopped) throw new BrokerRequestError("disconnected", "stopped");
      this.phase = "sync";
      // Once per socket: the subscription lives as long as the socket does.
      const first = await socket.request("user/syncrequest", syncRequestBody(accounts.map((a) => a.id)), {
        priority: "exit",
        timeoutMs: Math.max(this.opts.socket.requestTimeoutMs, 30_000),
        onMore: (part) => assembler.add(part),
      });
      if (typeof first !== "object" || first === null)
        throw new BrokerRequestError("transport", "user/syncrequest: reply has no snapshot");
      assembler.add(first);
      const snapshot = await assembler.done;
      if (this.stopped) throw new BrokerRequestError("disconnected", "stopped");
      if (assembler.partCount > 1)
        this.opts.logger.info("sync snapshot assembled from parts", { parts: assembler.partCount });
      this.synced = true;
      this.clientErrors = 0;
      this.freshTokenRefusals = 0;
      this.lockoutAlerted = false;
      this.policy.connected();
      this.opts.onSynced(snapshot, this.forAccounts);
      this.forAccounts = false;
      this.resync(); // accounts added while this attempt was under way
    } catch (err) {
      this.forAccounts = false;
      assembler.cancel(err instanceof Error ? err : new Error(String(err)));
      if (this.socket === socket) this.socket = undefined;
      socket.close("connect failed");
      this.opts.onLost();
      throw err;
    }
  }

  /** The config's accounts of this login changed while it runs. One it does not sync yet takes a
   * new socket (a socket's sync covers the accounts it named); the others are not disturbed. */
  setAccounts(names: readonly string[]): void {
    if (!this.wanted.set(names)) return;
    this.resyncDue = true;
    this.resync();
  }

  /** A new socket and sync for the wanted accounts, at once: no backoff, nothing lost to wait for. */
  private resync(): void {
    const socket = this.socket;
    if (this.stopped || !this.resyncDue || !socket || !this.synced || this.resyncTimer !== undefined) return;
    // An answer in flight (an order's) would be lost with the socket, and a connect that has just
    // synced is still returning: both go first.
    if (socket.pendingCount > 0 || this.loopRunning) {
      this.resyncTimer = this.opts.clock.setTimeout(() => {
        this.resyncTimer = undefined;
        this.resync();
      }, 50);
      return;
    }
    this.socket = undefined;
    this.synced = false;
    this.forAccounts = true;
    socket.close("re-sync for an added account");
    this.opts.onLost();
    this.opts.setState("reconnecting", RENEWING_FOR_ACCOUNTS);
    void this.loop();
  }

  private lost(socket: TradovateSocket, loss: SocketLoss): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasSynced = this.synced;
    this.synced = false;
    if (!wasSynced) {
      // connectOnce reports its own failure; a snapshot still arriving will not.
      this.attemptSuperseded = loss.superseded;
      this.assembler?.cancel(new BrokerRequestError("disconnected", loss.reason));
      return;
    }
    this.opts.onLost();
    if (this.stopped) return;
    this.opts.logger.warn("trading socket lost", { connection: this.opts.connection, reason: loss.reason });
    void (async () => {
      if (loss.superseded) {
        if (!(await this.superseded())) return;
      } else {
        this.opts.setState("reconnecting", loss.reason);
        await this.sleep(this.policy.lost());
      }
      if (!this.stopped) await this.loop();
    })();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      this.sleepTimer = this.opts.clock.setTimeout(
        () => {
          this.sleepTimer = undefined;
          this.wake?.();
        },
        Math.max(0, ms),
      );
    });
  }
}
