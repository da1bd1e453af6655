/**
 * One Tradovate WebSocket (tradovate-protocol.md §3): authorize on `o` (or after a short
 * fallback when `o` never comes), `[]` heartbeats on a timer, a watchdog that declares the socket
 * dead after `watchdogMs` without any frame, request ids matched to `{s,i,d}` replies with
 * timeouts, penalty resends and 429 lockouts. Nothing here throws out of a socket handler.
 *
 * Writes made together (a copier fan-out: one order per follower, synchronously, while one
 * incoming message is handled) are corked on the TCP socket and leave in one write instead of one
 * syscall per frame: as soon as that incoming message is handled, or at the end of the tick for
 * writes made outside any message handler. Frames keep their order. `onWritten` reports when
 * the frames are handed to the kernel in that one write, not when send() was called, so "order
 * frame written" stays honest; it is taken just before the write because on loopback the write
 * may return only after the receiver it woke (the simulator) has had the CPU.
 */
import type { Clock, Logger, MonoMs } from "../types.js";
import { BrokerRequestError, CAPTCHA_REASON, penaltyOf } from "./errors.js";
import {
  classifyMessage,
  type EventMessage,
  encodeRequest,
  errorTextOf,
  HEARTBEAT_FRAME,
  parseFrame,
  type ResponseMessage,
} from "./frames.js";
import type { Priority, RateLimiter } from "./rateLimiter.js";

/** The slice of the WHATWG/ws WebSocket API this client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: unknown }) => void) | null;
  onerror: ((ev: { message?: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The TCP socket under a `ws` WebSocket: writes between cork() and uncork() leave as one. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** `ws` exposes its net.Socket as `_socket`; other WebSocket implementations simply are not corked. */
export function corkableOf(ws: WebSocketLike): Corkable | undefined {
  const raw: unknown = (ws as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== "object" || raw === null) return undefined;
  const s = raw as { cork?: unknown; uncork?: unknown };
  return typeof s.cork === "function" && typeof s.uncork === "function" ? (raw as Corkable) : undefined;
}

const OPEN = 1;

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
  /** Authorize this long after the socket opened if no `o` frame came. */
  authorizeFallbackMs?: number;
  /** Called synchronously for every server event, with the arrival time of its frame. */
  onEvent: (msg: EventMessage, receivedAt: MonoMs) => void;
  /** Called once when the socket is gone (never for a socket that was closed by close()). */
  onClose: (reason: string) => void;
}

export interface RequestOptions {
  query?: string;
  priority?: Priority;
  timeoutMs?: number;
  /** Called right after the request frame is written, with clock.mono(). */
  onWritten?: (at: MonoMs) => void;
}

interface Pending {
  resolve: (d: unknown) => void;
  reject: (err: BrokerRequestError) => void;
  timer: unknown;
  endpoint: string;
  body: unknown;
  options: RequestOptions;
}

export class TradovateSocket {
  /** Sockets holding corked writes, across instances: a fan-out reads on one and writes on others. */
  private static readonly corkedSockets = new Set<TradovateSocket>();

  /**
   * Sends what every socket has corked. Runs at the end of an incoming message or of the tick, and
   * when the copier has written a whole fan-out, so no later work of that message delays it.
   */
  static uncorkAll(): void {
    for (const socket of TradovateSocket.corkedSockets) socket.uncork();
  }

  private ws: WebSocketLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private authorizeSent = false;
  private authorized = false;
  private finished = false;
  private closedByUs = false;
  private lastFrameAt: MonoMs = 0;
  private heartbeatTimer: unknown;
  private watchdogTimer: unknown;
  private fallbackTimer: unknown;
  private openResolve: (() => void) | undefined;
  private openReject: ((err: BrokerRequestError) => void) | undefined;
  /** The socket corked for this tick's writes, and who waits to hear when they left. */
  private corked: Corkable | undefined;
  private writtenThisTick: Array<(at: MonoMs) => void> = [];

  constructor(private readonly opts: TradovateSocketOptions) {}

  /** Connects and authorizes; rejects when the socket closes first or authorize is refused. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.openResolve = resolve;
      this.openReject = reject;
      let ws: WebSocketLike;
      try {
        ws = new this.opts.WebSocketImpl(this.opts.url);
      } catch (err) {
        this.finish(`${this.opts.label} socket: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      this.ws = ws;
      this.lastFrameAt = this.opts.clock.mono();
      this.armWatchdog();
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

  /**
   * Sends `endpoint` with `body` and resolves with the reply's `d`. Writes synchronously when the
   * rate limiter has room, so order latency has no hop here.
   */
  request(endpoint: string, body?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined, endpoint, body, options };
      if (this.opts.limiter.tryAcquire(options.priority ?? "read")) {
        this.write(pending);
        return;
      }
      this.opts.limiter.acquire(options.priority ?? "read").then(
        () => this.write(pending),
        (err: unknown) =>
          reject(
            err instanceof BrokerRequestError ? err : new BrokerRequestError("rateLimited", String(err)),
          ),
      );
    });
  }

  /** Closes the socket without reporting it through onClose. */
  close(reason = "closed by client"): void {
    this.closedByUs = true;
    this.finish(reason);
  }

  private write(p: Pending): void {
    if (this.finished || !this.ws || this.ws.readyState !== OPEN) {
      p.reject(new BrokerRequestError("disconnected", `${this.opts.label} socket is not connected`));
      return;
    }
    const id = this.nextId++;
    const frame = encodeRequest(p.endpoint, id, p.options.query ?? "", p.body);
    try {
      this.corkForThisTick(this.ws);
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
    const onWritten = p.options.onWritten;
    if (onWritten) {
      if (this.corked) this.writtenThisTick.push(onWritten);
      else onWritten(this.opts.clock.mono());
    }
    const timeoutMs = p.options.timeoutMs ?? this.opts.requestTimeoutMs;
    p.timer = this.opts.clock.setTimeout(() => {
      if (this.pending.get(id) !== p) return;
      this.pending.delete(id);
      p.reject(new BrokerRequestError("timeout", `${p.endpoint}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    this.pending.set(id, p);
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
    this.lastFrameAt = receivedAt;
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
          // One bad message must not take the rest of the frame with it.
          this.safely(() => this.handleMessage(raw, receivedAt));
          // What this message made us send leaves now, before the next message of a backlog.
          if (TradovateSocket.corkedSockets.size > 0) TradovateSocket.uncorkAll();
        }
    }
  }

  private handleMessage(raw: unknown, receivedAt: MonoMs): void {
    const msg = classifyMessage(raw);
    if (msg.kind === "response") this.handleResponse(msg);
    else if (msg.kind === "event") {
      if (msg.event === "shutdown") this.handleShutdown(msg.data);
      else this.opts.onEvent(msg, receivedAt);
    } else this.opts.logger.warn(`${this.opts.label} socket: unrecognised message skipped`);
  }

  private handleShutdown(data: unknown): void {
    const rec = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    const code = typeof rec.reasonCode === "string" ? rec.reasonCode : "unknown";
    const text = typeof rec.reason === "string" ? `: ${rec.reason}` : "";
    this.finish(`Tradovate shutdown (${code}${text})`);
  }

  private handleResponse(msg: ResponseMessage): void {
    const p = this.pending.get(msg.id);
    if (!p) return; // late reply to a timed-out request, or authorize
    this.pending.delete(msg.id);
    this.opts.clock.clearTimeout(p.timer);
    if (msg.status >= 200 && msg.status < 300) {
      const penalty = penaltyOf(msg.data);
      if (!penalty) {
        p.resolve(msg.data);
        return;
      }
      if (penalty.captcha) {
        p.reject(new BrokerRequestError("captcha", CAPTCHA_REASON));
        return;
      }
      const waitMs = penalty.waitSeconds * 1000;
      this.opts.limiter.notePenalty(this.opts.clock.now() + waitMs);
      this.opts.logger.warn(`${p.endpoint}: penalty ticket, resending after wait`, {
        waitSeconds: penalty.waitSeconds,
      });
      const base = typeof p.body === "object" && p.body !== null ? (p.body as Record<string, unknown>) : {};
      const resend = { ...base, "p-ticket": penalty.ticket };
      this.opts.clock.setTimeout(() => {
        this.request(p.endpoint, resend, { ...p.options, onWritten: undefined }).then(p.resolve, p.reject);
      }, waitMs);
      return;
    }
    if (msg.status === 429) {
      this.opts.limiter.lockOut(this.opts.clock.now() + this.opts.lockoutMs);
      this.opts.logger.error("Tradovate rate limit (429): requests paused", {
        endpoint: p.endpoint,
        pausedMs: this.opts.lockoutMs,
      });
      p.reject(new BrokerRequestError("rateLimited", `${p.endpoint}: Tradovate rate limit (429)`, 429));
      return;
    }
    const text = errorTextOf(msg.data);
    p.reject(
      new BrokerRequestError("status", `${p.endpoint}: ${msg.status}${text ? ` ${text}` : ""}`, msg.status),
    );
  }

  private sendAuthorize(): void {
    if (this.authorizeSent || this.finished) return;
    this.authorizeSent = true;
    if (this.fallbackTimer !== undefined) this.opts.clock.clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
    const p: Pending = {
      endpoint: "authorize",
      body: this.opts.token,
      options: { priority: "order" },
      timer: undefined,
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
    };
    // Authorize is not counted against the budget: without it nothing else can be sent.
    this.write(p);
  }

  private startHeartbeat(): void {
    const beat = () => {
      this.heartbeatTimer = undefined;
      if (this.finished || !this.ws || this.ws.readyState !== OPEN) return;
      try {
        this.corkForThisTick(this.ws);
        this.ws.send(HEARTBEAT_FRAME);
      } catch {
        // The close handler reports the dead socket.
      }
      this.heartbeatTimer = this.opts.clock.setTimeout(beat, this.opts.heartbeatMs);
    };
    this.heartbeatTimer = this.opts.clock.setTimeout(beat, this.opts.heartbeatMs);
  }

  private armWatchdog(): void {
    const check = () => {
      this.watchdogTimer = undefined;
      if (this.finished) return;
      const silent = this.opts.clock.mono() - this.lastFrameAt;
      if (silent >= this.opts.watchdogMs) {
        this.finish(`${this.opts.label} socket silent for ${Math.round(silent)} ms (watchdog)`);
        return;
      }
      this.watchdogTimer = this.opts.clock.setTimeout(check, this.opts.watchdogMs - silent);
    };
    this.watchdogTimer = this.opts.clock.setTimeout(check, this.opts.watchdogMs);
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.authorized = false;
    for (const t of [this.heartbeatTimer, this.watchdogTimer, this.fallbackTimer]) {
      if (t !== undefined) this.opts.clock.clearTimeout(t);
    }
    this.heartbeatTimer = this.watchdogTimer = this.fallbackTimer = undefined;
    // Frames already sent leave before the close frame.
    this.uncork();
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
    for (const [, p] of this.pending) {
      this.opts.clock.clearTimeout(p.timer);
      p.reject(new BrokerRequestError("disconnected", `${p.endpoint}: ${reason}`));
    }
    this.pending.clear();
    if (this.openReject) {
      this.openReject(new BrokerRequestError("disconnected", reason));
      this.openResolve = this.openReject = undefined;
    }
    if (!this.closedByUs) this.opts.onClose(reason);
  }

  /**
   * Corks the socket on the first write since the last uncork. The end of the incoming message
   * being handled uncorks it (handleData), or else the end of the tick: process.nextTick runs
   * before any I/O or timer, so the frames always leave in the macrotask that sent them.
   */
  private corkForThisTick(ws: WebSocketLike): void {
    if (this.corked) return;
    const socket = corkableOf(ws);
    if (!socket) return;
    socket.cork();
    this.corked = socket;
    TradovateSocket.corkedSockets.add(this);
    process.nextTick(() => this.uncork());
  }

  private uncork(): void {
    const socket = this.corked;
    if (!socket) return;
    this.corked = undefined;
    TradovateSocket.corkedSockets.delete(this);
    const waiting = this.writtenThisTick;
    this.writtenThisTick = [];
    const at = this.opts.clock.mono();
    this.safely(() => socket.uncork());
    for (const onWritten of waiting) this.safely(() => onWritten(at));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.logger.warn(`${this.opts.label} socket handler error (skipped)`, {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
