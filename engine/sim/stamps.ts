/**
 * When orders reach the simulator and when it sends fills, on the machine's monotonic clock
 * (process.hrtime, the same clock in every process), for the benchmark: the broker is the one
 * observer outside every copier, so "orders out" and "end to end" mean the same thing for mimik
 * and for the floor copier. Off unless SimOptions.stamps is set; bounded.
 */
export interface Stamp {
  accountId: number;
  /** Nanoseconds on the monotonic clock. */
  at: number;
}

export interface SimStamps {
  /** `order/placeorder` frames, by account, as the chunk that carried them arrived. */
  orders: Stamp[];
  /** `fill` Created events, by account, as their frame is sent. */
  fills: Stamp[];
}

const MAX = 1_000_000;

export class Stamps {
  private stamps: SimStamps = { orders: [], fills: [] };
  /** When each connection's latest TCP chunk arrived, before any frame in it was handled. */
  private readonly chunks = new WeakMap<object, number>();

  /**
   * Watches a connection's TCP socket so an order is stamped when its bytes arrived, not when the
   * simulator got round to it: a fan-out of 200 orders arrives in a few chunks and is then handled
   * one order after another.
   */
  watch(connection: object, raw: unknown): void {
    const socket = raw as { prependListener?: (event: string, fn: () => void) => void } | undefined;
    socket?.prependListener?.("data", () => this.chunks.set(connection, now()));
  }

  order(accountId: number, connection: object): void {
    const at = this.chunks.get(connection) ?? now();
    if (this.stamps.orders.length < MAX) this.stamps.orders.push({ accountId, at });
  }

  fill(accountId: number): void {
    if (this.stamps.fills.length < MAX) this.stamps.fills.push({ accountId, at: now() });
  }

  /** What was stamped since the last take. */
  take(): SimStamps {
    const taken = this.stamps;
    this.stamps = { orders: [], fills: [] };
    return taken;
  }
}

function now(): number {
  return Number(process.hrtime.bigint());
}
