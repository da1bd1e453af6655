import type { ContractEntity, PropsEvent } from "./entities.js";
import type { Faults } from "./faults.js";
import { frame, shapeFrames } from "./frames.js";
import { roundToTick } from "./market.js";
import type { Random } from "./random.js";
import type { SimSocket } from "./socket.js";
import type { Stamps } from "./stamps.js";

/**
 * Fans events out to the sockets that subscribed to them. While a request is being answered the
 * hub holds its output, so the reply frame goes out before the events the request caused; the
 * eventsFirst fault lets them out at once, ahead of the reply.
 */
export class Hub {
  readonly sockets = new Set<SimSocket>();
  /** Set for the benchmark: fills stamped as their frames leave. */
  stamps: Stamps | undefined;
  private held = 0;
  private readonly deferred: Array<() => void> = [];

  constructor(
    private readonly faults: Faults,
    /** Seeded source for varied frame shapes; undefined = one plain frame per batch. */
    private readonly random: Random | undefined,
    private readonly now: () => number,
  ) {}

  /** Run `fn` with output held, then flush. `fn` sends its own reply before returning. */
  hold<T>(fn: () => T): T {
    this.held += 1;
    try {
      return fn();
    } finally {
      this.held -= 1;
      if (this.held === 0) this.flush();
    }
  }

  /** Queue work that sends frames; runs now unless a request is in flight. */
  later(fn: () => void): void {
    if (this.held > 0 && !this.faults.eventsFirst) this.deferred.push(fn);
    else fn();
  }

  private flush(): void {
    while (this.deferred.length > 0) this.deferred.shift()!();
  }

  publish(accountId: number, events: PropsEvent[]): void {
    if (events.length === 0) return;
    this.later(() => {
      const targets = [...this.sockets].filter((s) => s.session && s.accounts.has(accountId));
      if (targets.length === 0) return;
      // Sockets that named their entityTypes get only those; one set of frames per distinct choice.
      const framesFor = new Map<string, string[]>();
      for (const s of targets) {
        const key = s.entityTypes ? [...s.entityTypes].sort().join(",") : "*";
        let frames = framesFor.get(key);
        if (!frames) {
          const mine = s.entityTypes ? events.filter((e) => s.wants(e.d.entityType)) : events;
          frames = shapeFrames(mine, {
            random: this.random,
            duplicate: this.faults.duplicate,
            reorder: this.faults.reorder,
          });
          framesFor.set(key, frames);
        }
        // A batch the shapes split over two frames stays split (the client must cope with that).
        for (let i = 0; i < frames.length; i++) s.send(frames[i]!, { apart: i > 0, account: accountId });
      }
      const stamps = this.stamps;
      // Stamped once the tick's frames are written (the sockets' flushes were queued first).
      if (stamps)
        queueMicrotask(() => {
          for (const e of events)
            if (e.d.entityType === "fill" && e.d.eventType === "Created") stamps.fill(accountId);
        });
    });
  }

  /** Market data: one `md` event per socket carrying every subscribed contract that changed. */
  quotes(contracts: readonly ContractEntity[], price: number, tickSize: number, only?: SimSocket): void {
    this.later(() => {
      const timestamp = new Date(this.now()).toISOString();
      for (const s of only ? [only] : this.sockets) {
        if (!s.session) continue;
        const quotes = contracts
          .filter((c) => s.quotes.has(c.id))
          .map((c) => quote(c.id, timestamp, price, tickSize));
        if (quotes.length > 0) s.send(frame([{ e: "md", d: { quotes } }]));
      }
    });
  }
}

function quote(contractId: number, timestamp: string, price: number, tickSize: number) {
  const offer = roundToTick(price + tickSize, tickSize);
  return {
    id: contractId,
    contractId,
    timestamp,
    entries: {
      Trade: { price, size: 1 },
      Bid: { price, size: 10 },
      Offer: { price: offer, size: 10 },
    },
  };
}
