/**
 * Writes made together leave together. A copier fan-out writes one order per follower,
 * synchronously, while one incoming message is handled; corking the TCP socket for those writes
 * sends them in one syscall instead of one per frame: as soon as that incoming message is
 * handled, or at the end of the tick for writes made outside any message handler. Frames keep
 * their order. `onWritten` reports when the frames are handed to the kernel in that one write,
 * not when send() was called, so "order frame written" stays honest; it is taken just before
 * the write because on loopback the write may return only after the receiver it woke (the
 * simulator) has had the CPU.
 */
import type { Clock, MonoMs } from "../types.js";

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

/** The corked writes of one socket, and who waits to hear when they left. */
export class WriteBatch {
  /** Batches holding corked writes, across sockets: a fan-out reads on one and writes on others. */
  private static readonly open = new Set<WriteBatch>();

  /**
   * Sends what every socket has corked. Runs at the end of an incoming message or of the tick, and
   * when the copier has written a whole fan-out, so no later work of that message delays it.
   */
  static flushAll(): void {
    for (const batch of WriteBatch.open) batch.flush();
  }

  static anyOpen(): boolean {
    return WriteBatch.open.size > 0;
  }

  private corked: Corkable | undefined;
  private waiting: Array<(at: MonoMs) => void> = [];

  constructor(
    private readonly clock: Clock,
    /** Runs a callback, logging instead of throwing. */
    private readonly safely: (fn: () => void) => void,
  ) {}

  /**
   * Corks the socket on the first write since the last flush. The end of the incoming message
   * being handled flushes it, or else the end of the tick: process.nextTick runs before any I/O
   * or timer, so the frames always leave in the macrotask that sent them.
   */
  begin(ws: WebSocketLike): void {
    if (this.corked) return;
    const socket = corkableOf(ws);
    if (!socket) return;
    socket.cork();
    this.corked = socket;
    WriteBatch.open.add(this);
    process.nextTick(() => this.flush());
  }

  /** `onWritten` hears when the frame just sent leaves: with the batch, or now if not corked. */
  written(onWritten: ((at: MonoMs) => void) | undefined): void {
    if (!onWritten) return;
    if (this.corked) this.waiting.push(onWritten);
    else onWritten(this.clock.mono());
  }

  flush(): void {
    const socket = this.corked;
    if (!socket) return;
    this.corked = undefined;
    WriteBatch.open.delete(this);
    const waiting = this.waiting;
    this.waiting = [];
    const at = this.clock.mono();
    this.safely(() => socket.uncork());
    for (const onWritten of waiting) this.safely(() => onWritten(at));
  }
}
