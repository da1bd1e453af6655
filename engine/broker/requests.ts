/**
 * The requests of one socket waiting for their `{s, i, d}` reply (tradovate-protocol.md §3.3):
 * timeouts, penalty tickets, 429 lockouts, error texts, and the further replies of a request
 * answered in several parts (a split user/syncrequest).
 *
 * Penalty tickets on orders (issue 12 #4): an order waits for its ticket only when `p-time` is
 * short (maxOrderPenaltyWaitMs, about a second) and is resent once; a longer wait fails it at
 * once with "penalty", because a copy resent tens of seconds later trades a stale price and the
 * leader may have moved on. Every other request (reads, user/syncrequest) waits out its tickets
 * (a few times at most): asking again without the ticket only earns a longer penalty.
 */
import type { Clock, Logger, MonoMs } from "../types.js";
import { BrokerRequestError, CAPTCHA_REASON, penaltyOf } from "./errors.js";
import { errorTextOf, type ResponseMessage } from "./frames.js";
import type { RateLimiter, RequestKind } from "./rateLimiter.js";

export interface RequestOptions {
  query?: string;
  /** What the request is for the budget; default "read". */
  priority?: RequestKind;
  /** An order: a penalty ticket it would wait long for fails it instead of resending it late. */
  order?: boolean;
  timeoutMs?: number;
  /** Called right after the request frame is written, with clock.mono(). */
  onWritten?: (at: MonoMs) => void;
  /** Further replies with the same id (a reply in several parts) go here, for the socket's life. */
  onMore?: (d: unknown) => void;
}

export interface Pending {
  resolve: (d: unknown) => void;
  reject: (err: BrokerRequestError) => void;
  timer: unknown;
  endpoint: string;
  body: unknown;
  options: RequestOptions;
  /** Penalty resends so far. */
  resends: number;
}

export interface PendingOptions {
  label: string;
  clock: Clock;
  logger: Logger;
  limiter: RateLimiter;
  requestTimeoutMs: number;
  /** How long a 429 pauses requests. */
  lockoutMs: number;
  /** The longest p-time an order waits for; longer fails it with "penalty". */
  maxOrderPenaltyWaitMs: number;
  /** Writes a request again after its penalty wait (takes budget again; may reject it). */
  resend: (p: Pending) => void;
}

const MAX_READ_RESENDS = 3;

export class PendingRequests {
  private readonly byId = new Map<number, Pending>();
  private readonly continued = new Map<number, (d: unknown) => void>();
  /** Requests waiting out a penalty before their resend, by wait timer. */
  private readonly waits = new Map<unknown, Pending>();

  constructor(private readonly opts: PendingOptions) {}

  get size(): number {
    return this.byId.size;
  }

  /** Registers a written request and arms its timeout. */
  add(id: number, p: Pending): void {
    const timeoutMs = p.options.timeoutMs ?? this.opts.requestTimeoutMs;
    p.timer = this.opts.clock.setTimeout(() => {
      if (this.byId.get(id) !== p) return;
      this.byId.delete(id);
      p.reject(new BrokerRequestError("timeout", `${p.endpoint}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    this.byId.set(id, p);
  }

  reply(msg: ResponseMessage): void {
    const p = this.byId.get(msg.id);
    if (!p) {
      // A later part of a reply in parts; otherwise a late reply to a timed-out request.
      if (msg.status >= 200 && msg.status < 300) this.continued.get(msg.id)?.(msg.data);
      return;
    }
    this.byId.delete(msg.id);
    this.opts.clock.clearTimeout(p.timer);
    if (msg.status >= 200 && msg.status < 300) {
      const penalty = penaltyOf(msg.data);
      if (penalty) this.penalised(p, penalty);
      else {
        if (p.options.onMore) this.continued.set(msg.id, p.options.onMore);
        p.resolve(msg.data);
      }
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

  /** The socket is gone: every waiting request fails with `reason`. */
  failAll(reason: string): void {
    // A request waiting out its penalty is in neither list of replies: it must fail too, or its
    // caller (an order) waits forever.
    for (const [t, p] of this.waits) {
      this.opts.clock.clearTimeout(t);
      p.reject(new BrokerRequestError("disconnected", `${p.endpoint}: ${reason}`));
    }
    this.waits.clear();
    for (const [, p] of this.byId) {
      this.opts.clock.clearTimeout(p.timer);
      p.reject(new BrokerRequestError("disconnected", `${p.endpoint}: ${reason}`));
    }
    this.byId.clear();
    this.continued.clear();
  }

  private penalised(p: Pending, penalty: NonNullable<ReturnType<typeof penaltyOf>>): void {
    const isOrder = p.options.order === true;
    const waitMs = penalty.waitSeconds * 1000;
    if (penalty.captcha) {
      p.reject(
        isOrder
          ? new BrokerRequestError("penalty", `${p.endpoint}: Tradovate penalty with captcha; not resent`)
          : new BrokerRequestError("captcha", CAPTCHA_REASON),
      );
      return;
    }
    if (isOrder && (waitMs > this.opts.maxOrderPenaltyWaitMs || p.resends >= 1)) {
      this.opts.logger.warn(`${p.endpoint}: penalty ticket; order not resent`, {
        waitSeconds: penalty.waitSeconds,
      });
      p.reject(
        new BrokerRequestError(
          "penalty",
          `${p.endpoint}: Tradovate penalty ticket (wait ${penalty.waitSeconds} s); not resent, ` +
            "a copy that late would trade a stale price",
        ),
      );
      return;
    }
    if (typeof p.body === "string") {
      // authorize's body is the bare token: there is no field to put a ticket in.
      p.reject(new BrokerRequestError("penalty", `${p.endpoint}: Tradovate penalty ticket; not resent`));
      return;
    }
    if (!isOrder && p.resends >= MAX_READ_RESENDS) {
      p.reject(
        new BrokerRequestError("rateLimited", `${p.endpoint}: still penalised after ${p.resends} resends`),
      );
      return;
    }
    this.opts.limiter.notePenalty(this.opts.clock.now() + waitMs);
    this.opts.logger.warn(`${p.endpoint}: penalty ticket, resending after the wait`, {
      waitSeconds: penalty.waitSeconds,
    });
    const base = typeof p.body === "object" && p.body !== null ? (p.body as Record<string, unknown>) : {};
    p.body = { ...base, "p-ticket": penalty.ticket };
    p.resends += 1;
    // writtenAt is the first write's; the resend must not move it.
    p.options = { ...p.options, onWritten: undefined };
    const timer = this.opts.clock.setTimeout(() => {
      this.waits.delete(timer);
      this.opts.resend(p);
    }, waitMs);
    this.waits.set(timer, p);
  }
}
