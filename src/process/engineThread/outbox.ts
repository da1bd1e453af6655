import type { EventText } from "../../../data/journal/index.js";
import type { EngineEvent } from "../../../engine/index.js";

/**
 * Engine events on their way to the main thread, with flow control. Events made within a few
 * milliseconds leave together in one message, after the work that made them (never in the middle
 * of a copy fan-out). The main thread acknowledges each batch once its listeners (the screen store,
 * headless output) have run. When it falls behind (a paused terminal blocks it inside a write),
 * the outbox stops sending and keeps only the newest state of each thing it would have reported
 * (positions per account, risk per follower, …), counting the fills and copies it leaves out: the
 * journal, written in the engine's own thread, still has every one. Memory stays bounded however
 * long the main thread is stuck, and the engine never waits for it.
 */

const BATCH_MS = 10;

export interface OutboxBatch {
  seq: number;
  events: EngineEvent[];
  /** Fills and copies left out while the main thread was behind. */
  dropped: number;
  /** Beside `events`, the JSON text each was given (headless's lines share the journal's). */
  texts?: readonly (EventText | undefined)[] | undefined;
}

export interface OutboxOptions {
  /** Events sent and not yet acknowledged before the outbox holds back. */
  maxUnacked?: number;
  /** Alerts kept while holding back (the newest). */
  maxHeldAlerts?: number;
  /**
   * Runs `flush` a little later; by default 10 ms after the first event of a batch. Every message
   * to the main thread has a fixed cost, and a screen drawn 12 times a second or a log line gains
   * nothing from events sooner than that: a fan-out's acks and fills arriving over a few
   * milliseconds leave as one message instead of dozens.
   */
  schedule?: (flush: () => void) => void;
}

export class EventOutbox {
  private seq = 0;
  private acked = 0;
  /** Events sent in batches seq > acked, by batch. */
  private readonly inFlight = new Map<number, number>();
  private unacked = 0;
  private pending: EngineEvent[] = [];
  /** Beside `pending`, while any event came with its text. */
  private pendingTexts: (EventText | undefined)[] | undefined;
  private scheduled = false;
  private holding = false;
  /** The newest event per thing, while holding back. */
  private readonly latest = new Map<string, EngineEvent>();
  private alerts: EngineEvent[] = [];
  private dropped = 0;
  private readonly maxUnacked: number;
  private readonly maxHeldAlerts: number;
  private readonly schedule: (flush: () => void) => void;

  constructor(
    private readonly send: (batch: OutboxBatch) => void,
    options: OutboxOptions = {},
  ) {
    this.maxUnacked = options.maxUnacked ?? 20_000;
    this.maxHeldAlerts = options.maxHeldAlerts ?? 100;
    this.schedule = options.schedule ?? ((flush) => setTimeout(flush, BATCH_MS));
  }

  push(event: EngineEvent, text?: EventText): void {
    if (this.holding) this.hold(event);
    else {
      if (text !== undefined || this.pendingTexts !== undefined) {
        this.pendingTexts ??= new Array<EventText | undefined>(this.pending.length);
        this.pendingTexts.push(text);
      }
      this.pending.push(event);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** The main thread has handled every batch up to and including `seq`. */
  ack(seq: number): void {
    for (let s = this.acked + 1; s <= seq; s++) {
      this.unacked -= this.inFlight.get(s) ?? 0;
      this.inFlight.delete(s);
    }
    this.acked = Math.max(this.acked, seq);
    if (this.holding && this.unacked <= this.maxUnacked / 2) {
      this.holding = false;
      this.flush();
    }
  }

  /** Events not yet acknowledged, sent or waiting (for tests and the benchmark). */
  get backlog(): number {
    return this.unacked + this.pending.length + this.latest.size + this.alerts.length;
  }

  flush(): void {
    if (this.holding) return;
    const events = this.pending;
    const texts = this.pendingTexts;
    this.pending = [];
    this.pendingTexts = undefined;
    if (this.latest.size > 0 || this.alerts.length > 0) {
      const held = [...this.latest.values(), ...this.alerts];
      events.unshift(...held);
      texts?.unshift(...new Array<undefined>(held.length));
      this.latest.clear();
      this.alerts = [];
    }
    if (events.length === 0 && this.dropped === 0) return;
    this.seq += 1;
    this.inFlight.set(this.seq, events.length);
    this.unacked += events.length;
    const dropped = this.dropped;
    this.dropped = 0;
    this.send(texts ? { seq: this.seq, events, dropped, texts } : { seq: this.seq, events, dropped });
    if (this.unacked >= this.maxUnacked) this.holding = true;
  }

  private hold(event: EngineEvent): void {
    const key = stateKey(event);
    if (key !== undefined) {
      this.latest.delete(key); // re-inserted last: the held events keep the order they last changed in
      this.latest.set(key, event);
      return;
    }
    if (event.type === "alert") {
      this.alerts.push(event);
      if (this.alerts.length > this.maxHeldAlerts) {
        this.alerts.shift();
        this.dropped += 1;
      }
      return;
    }
    this.dropped += 1;
  }
}

/** Events that describe the current state of one thing: only the newest matters. */
function stateKey(event: EngineEvent): string | undefined {
  switch (event.type) {
    case "positions":
      return `positions\u0000${event.account}`;
    case "workingOrders":
      return `orders\u0000${event.account}`;
    case "risk":
      return `risk\u0000${event.follower}`;
    case "followerState":
      return `state\u0000${event.follower}`;
    case "syncStatus":
      return `sync\u0000${event.follower}\u0000${event.contract}`;
    case "exitPending":
      return `exit\u0000${event.follower}\u0000${event.contract}`;
    case "connectionStatus":
      return `connection\u0000${event.connection}`;
    case "budget":
      return `budget\u0000${event.connection}`;
    case "latency":
      return "latency";
    case "window":
      return `window\u0000${event.group}`;
    default:
      return undefined;
  }
}
