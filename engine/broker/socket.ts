/**
 * One Tradovate WebSocket (tradovate-protocol.md §3): authorize on `o` (or after a short
 * fallback when `o` never comes), `[]` heartbeats on a timer, a watchdog for a silent server,
 * request ids matched to `{s,i,d}` replies (requests.ts), and writes batched per incoming
 * message (cork.ts). Nothing here throws out of a socket handler.
 *
 * A request takes its budget (rateLimiter.ts) when it is made and is written at once, or fails at
 * once: nothing queues behind the budget.
 */

import { messageOf } from "../messageOf.js";
import type { Clock, Logger, MonoMs } from "../types.js";
import { type WebSocketLike, WriteBatch } from "./cork.js";
import { BrokerRequestError } from "./errors.js";
import { classifyMessage, type EventMessage, encodeRequest, HEARTBEAT_FRAME, parseFrame } from "./frames.js";
import type { RateLimiter } from "./rateLimiter.js";
import { type Pending, PendingRequests, type RequestOptions } from "./requests.js";
import { Watchdog } from "./watchdog.js";

export { corkableOf, type WebSocketLike } from "./cork.js";
export type { RequestOptions } from "./requests.js";

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** shutdown reason codes that mean another connection of this user took our place (§3.4, §6). */
const QUOTA_CODES = new Set(["ConnectionQuotaReached", "IPQuotaReached"]);

/** Why a socket is gone. */
export interface SocketLoss {
  reason: string;
  /** Tradovate closed it for a newer connection of the same user (shutdown with a quota code). */
  superseded: boolean;
}

export interface TradovateSocketOptions {
  url: string;
  token: string;
  /** "trading" or "md": used in log lines and reasons. */
  label: string;
  clock: Clock;
  logger: Logger;
  WebSocketImpl: WebSocketConstructor;
  limiter: RateLimiter;
  heartbeatMs: number;
  watchdogMs: number;
  requestTimeoutMs: number;
  /** How long a 429 pauses requests. */
  lockoutMs: number;
  /** The longest penalty wait an order accepts (default 1000 ms). */
  maxOrderPenaltyWaitMs?: number;
  /** Authorize this long after the socket opened if no `o` frame came. */
  authorizeFallbackMs?: number;
  /** Called synchronously for every server event, with the arrival time of its frame. */
  onEvent: (msg: EventMessage, receivedAt: MonoMs) => void;
  /** Called once when the socket is gone (never for a socket that was closed by close()). */
  onClose: (loss: SocketLoss) => void;
}

export class TradovateSocket {
  /** Sends now what every socket holds corked (the end of a copy fan-out). */
  static uncorkAll(): void {
    WriteBatch.flushAll();
  }

  private ws: WebSocketLike | undefined;
  private nextId = 1;
  private readonly pending: PendingRequests;
  private readonly batch: WriteBatch;
  private readonly watchdog: Watchdog;
  private authorizeSent = false;
  private authorized = false;
  private finished = false;
  private closedByUs = false;
  private superseded = false;
  private heartbeatTimer: unknown;
  private fallbackTimer: unknown;
  private openResolve: (() => void) | undefined;
  private openReject: ((err: BrokerRequestError) => void) | undefined;

  constructor(private readonly opts: TradovateSocketOptions) {
    this.batch = new WriteBatch(opts.clock, (fn) => this.safely(fn));
    this.pending = new PendingRequests({
      label: opts.label,
      clock: opts.clock,
      logger: opts.logger,
      limiter: opts.limiter,
      requestTimeoutMs: opts.requestTimeoutMs,
      lockoutMs: opts.lockoutMs,
      maxOrderPenaltyWaitMs: opts.maxOrderPenaltyWaitMs ?? 1000,
      resend: (p) => this.resend(p),
    });
    this.watchdog = new Watchdog({
      clock: opts.clock,
      silentMs: opts.watchdogMs,
      onSilent: (silent) =>
        this.finish(`${opts.label} socket silent for ${Math.round(silent)} ms (watchdog)`),
      onLate: (late) =>
        opts.logger.warn(`${opts.label} watchdog fired ${Math.round(late)} ms late: looking again first`),
    });
  }

  /** Connects and authorizes; rejects when the socket closes first or authorize is refused. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.openResolve = resolve;
      this.openReject = reject;
      let ws: WebSocketLike;
      try {
        ws = new this.opts.WebSocketImpl(this.opts.url);
      } catch (err) {
        this.finish(`${this.opts.label} socket: ${messageOf(err)}`);
        return;
      }
      this.ws = ws;
      this.watchdog.start();
      ws.onopen = () => this.safely(() => this.handleOpen());
      ws.onmessage = (ev) => {
        // Arrival time first: fill latency is measured from here.
        const receivedAt = this.opts.clock.mono();
        this.safely(() => this.handleData(ev.data, receivedAt));
      };
      ws.onerror = (ev) => {
        const message = typeof ev?.message === "string" ? ev.message : "socket error";
        this.opts.logger.warn(`${this.opts.label} socket error`, { error: message });
      };
      ws.onclose = (ev) => {
        const reason = typeof ev?.reason === "string" && ev.reason ? ev.reason : "closed";
        this.safely(() => this.finish(`${this.opts.label} socket closed (${ev?.code ?? "?"} ${reason})`));
      };
    });
  }

  isOpen(): boolean {
    return this.authorized && !this.finished;
  }

  /** Requests sent and not answered yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Sends `endpoint` with `body` and resolves with the reply's `d`. Takes its budget and writes
   * synchronously, or rejects at once (budget, lockout, socket gone): never waits to be sent.
   */
  request(endpoint: string, body?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: undefined, endpoint, body, options, resends: 0 };
      try {
        this.opts.limiter.take(options.priority ?? "read");
      } catch (err) {
        reject(err instanceof BrokerRequestError ? err : new BrokerRequestError("budget", String(err)));
        return;
      }
      this.write(p);
    });
  }

  /** Closes the socket without reporting it through onClose. */
  close(reason = "closed by client"): void {
    this.closedByUs = true;
    this.finish(reason);
  }

  private resend(p: Pending): void {
    try {
      this.opts.limiter.take(p.options.priority ?? "read");
    } catch (err) {
      p.reject(err instanceof BrokerRequestError ? err : new BrokerRequestError("budget", String(err)));
      return;
    }
    this.write(p);
  }

  private write(p: Pending): void {
    if (this.finished || !this.ws || this.ws.readyState !== OPEN) {
      p.reject(new BrokerRequestError("disconnected", `${this.opts.label} socket is not connected`));
      return;
    }
    const id = this.nextId++;
    const frame = encodeRequest(p.endpoint, id, p.options.query ?? "", p.body);
    try {
      this.batch.begin(this.ws);
      this.ws.send(frame);
    } catch (err) {
      p.reject(
        new BrokerRequestError(
          "disconnected",
          `${this.opts.label} send failed: ${err instanceof Error ? err.message : err}`,
        ),
      );
      return;
    }
    this.batch.written(p.options.onWritten);
    this.pending.add(id, p);
  }

  private handleOpen(): void {
    this.startHeartbeat();
    // Tradovate sends `o` first; one live client saw it missing, so authorize anyway after a while.
    this.fallbackTimer = this.opts.clock.setTimeout(() => {
      this.fallbackTimer = undefined;
      this.safely(() => this.sendAuthorize());
    }, this.opts.authorizeFallbackMs ?? 1000);
  }

  private handleData(data: unknown, receivedAt: MonoMs): void {
    this.watchdog.heard(receivedAt);
    const text = typeof data === "string" ? data : Buffer.isBuffer(data) ? data.toString("utf8") : undefined;
    if (text === undefined) {
      this.opts.logger.warn(`${this.opts.label} socket: non-text frame skipped`);
      return;
    }
    const frame = parseFrame(text);
    switch (frame.kind) {
      case "open":
        this.sendAuthorize();
        return;
      case "heartbeat":
        return;
      case "close":
        this.finish(`${this.opts.label} socket closed by server (${frame.code ?? "?"} ${frame.reason})`);
        return;
      case "invalid":
        this.opts.logger.warn(`${this.opts.label} socket: malformed frame skipped`, {
          error: frame.error,
          length: text.length,
        });
        return;
      case "messages":
        for (const raw of frame.messages) {
          // One bad message must not take the rest of the frame with it. (Not through safely():
          // a closure a message, some thousands a leader fill at 200 followers.)
          try {
            this.handleMessage(raw, receivedAt);
          } catch (err) {
            this.handlerFailed(err);
          }
          // What this message made us send leaves now, before the next message of a backlog.
          if (WriteBatch.anyOpen()) WriteBatch.flushAll();
        }
    }
  }

  private handleMessage(raw: unknown, receivedAt: MonoMs): void {
    const msg = classifyMessage(raw);
    if (msg.kind === "response") this.pending.reply(msg);
    else if (msg.kind === "event") {
      if (msg.event === "shutdown") this.handleShutdown(msg.data);
      else this.opts.onEvent(msg, receivedAt);
    } else this.opts.logger.warn(`${this.opts.label} socket: unrecognised message skipped`);
  }

  private handleShutdown(data: unknown): void {
    const rec = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    const code = typeof rec.reasonCode === "string" ? rec.reasonCode : "unknown";
    const text = typeof rec.reason === "string" ? `: ${rec.reason}` : "";
    this.superseded = QUOTA_CODES.has(code);
    this.finish(`Tradovate shutdown (${code}${text})`);
  }

  private sendAuthorize(): void {
    if (this.authorizeSent || this.finished) return;
    this.authorizeSent = true;
    if (this.fallbackTimer !== undefined) this.opts.clock.clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
    // Authorize is not counted against the budget: without it nothing else can be sent.
    this.write({
      endpoint: "authorize",
      body: this.opts.token,
      options: { priority: "exit" },
      timer: undefined,
      resends: 0,
      resolve: () => {
        this.authorized = true;
        this.openResolve?.();
        this.openResolve = undefined;
        this.openReject = undefined;
      },
      reject: (err) => {
        this.openReject?.(err);
        this.openResolve = undefined;
        this.openReject = undefined;
        this.close(`${this.opts.label} authorize failed`);
      },
    });
  }

  private startHeartbeat(): void {
    const beat = () => {
      this.heartbeatTimer = undefined;
      if (this.finished || !this.ws || this.ws.readyState !== OPEN) return;
      try {
        this.batch.begin(this.ws);
        this.ws.send(HEARTBEAT_FRAME);
      } catch {
        // The close handler reports the dead socket.
      }
      this.heartbeatTimer = this.opts.clock.setTimeout(beat, this.opts.heartbeatMs);
    };
    this.heartbeatTimer = this.opts.clock.setTimeout(beat, this.opts.heartbeatMs);
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.authorized = false;
    this.watchdog.stop();
    for (const t of [this.heartbeatTimer, this.fallbackTimer]) {
      if (t !== undefined) this.opts.clock.clearTimeout(t);
    }
    this.heartbeatTimer = this.fallbackTimer = undefined;
    // Frames already sent leave before the close frame.
    this.batch.flush();
    const ws = this.ws;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      // Keep a no-op error handler: ws emits 'error' on close of a connecting socket.
      ws.onerror = () => {};
      try {
        ws.close(1000, "client closing");
      } catch {
        // Already closed or never connected.
      }
    }
    this.pending.failAll(reason);
    if (this.openReject) {
      this.openReject(new BrokerRequestError("disconnected", reason));
      this.openResolve = this.openReject = undefined;
    }
    if (!this.closedByUs) this.opts.onClose({ reason, superseded: this.superseded });
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.handlerFailed(err);
    }
  }

  private handlerFailed(err: unknown): void {
    this.opts.logger.warn(`${this.opts.label} socket handler error (skipped)`, { error: messageOf(err) });
  }
}
