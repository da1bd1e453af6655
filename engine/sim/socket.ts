import { WebSocket } from "ws";
import type { SocketHooks } from "./api.js";
import type { Session } from "./auth.js";

/**
 * One client WebSocket: its authorization, its subscriptions, and an outgoing writer that can
 * be slowed down per user (the delay fault) without ever reordering frames.
 */

export interface SocketEnv {
  now(): number;
  /** Extra delay for frames to this user's sockets, in ms. */
  delayFor(user: string): number;
  /** Called after a quote subscription, to send the current quote. */
  quoteSubscribed(socket: SimSocket, contractId: number): void;
}

/** Trading sockets serve everything; market-data sockets serve reads and md/* only. */
export type SocketKind = "trading" | "md";

export class SimSocket implements SocketHooks {
  session: Session | undefined;
  readonly accounts = new Set<number>();
  readonly quotes = new Set<number>();
  /** The entity types its user/syncrequest asked for (lower-case); undefined = all. */
  entityTypes: ReadonlySet<string> | undefined;
  private synced = false;
  /** When it connected: a socket still unauthorized a heartbeat timeout later is closed. */
  readonly openedAt: number;
  lastReceived: number;
  lastSent: number;
  private readonly queue: Array<{ text: string; dueAt: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  /**
   * The messages of the `a[...]` frames sent in this tick, written as one frame when the tick's
   * synchronous work ends (Tradovate too sends several messages in one frame). A fan-out of 200
   * orders then costs one frame per socket instead of 400, for the simulator and for the client.
   */
  private batch: string[] = [];
  /** Accounts whose events the batch holds: an account's next publish starts a new frame. */
  private readonly batchAccounts = new Set<number>();
  private flushQueued = false;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    private readonly env: SocketEnv,
    readonly kind: SocketKind = "trading",
  ) {
    this.openedAt = env.now();
    this.lastReceived = env.now();
    this.lastSent = env.now();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get userName(): string | undefined {
    return this.session?.user.name;
  }

  /**
   * Sends a frame, in order with every other. An `a[...]` frame joins the tick's frame unless it
   * is `apart` (a deliberately split batch stays split) or carries events of an `account` the
   * tick's frame already has (each of an order's partial fills lands in a frame of its own).
   */
  send(text: string, options: { apart?: boolean; account?: number } = {}): void {
    if (!this.open) return;
    const delay = this.session ? this.env.delayFor(this.session.user.name) : 0;
    const now = this.env.now();
    if (delay <= 0 && this.queue.length === 0) {
      const messages = text.startsWith("a[") && text.endsWith("]") ? text.slice(2, -1) : "";
      if (messages === "") {
        this.flushBatch();
        this.write(text);
        return;
      }
      const { apart, account } = options;
      if (apart || (account !== undefined && this.batchAccounts.has(account))) this.flushBatch();
      this.batch.push(messages);
      if (account !== undefined) this.batchAccounts.add(account);
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flushBatch();
        });
      }
      return;
    }
    this.flushBatch();
    // Frames queued behind a delayed one wait their turn, so order is kept: one queue, one timer
    // (timers of different lengths due at the same moment may fire in any order).
    this.queue.push({ text, dueAt: Math.max(now + delay, this.queue.at(-1)?.dueAt ?? 0) });
    if (this.queue.length === 1) this.schedule();
  }

  private schedule(): void {
    const next = this.queue[0];
    if (!next) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = this.env.now();
        while (this.queue.length > 0 && this.queue[0]!.dueAt <= now) this.write(this.queue.shift()!.text);
        this.schedule();
      },
      Math.max(0, next.dueAt - this.env.now()),
    );
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    const text = `a[${this.batch.join(",")}]`;
    this.batch = [];
    this.batchAccounts.clear();
    this.write(text);
  }

  private write(text: string): void {
    if (!this.open) return;
    this.ws.send(text);
    this.lastSent = this.env.now();
  }

  /** Graceful close with a SockJS-style `c[code,"reason"]` frame first. */
  close(code: number, reason: string): void {
    this.flushBatch();
    if (this.open) {
      this.ws.send(`c${JSON.stringify([code, reason])}`);
      this.ws.close(1000, reason);
    }
    this.dispose();
  }

  /** Abrupt drop: no close frame, the TCP connection just goes away. */
  terminate(): void {
    // What was sent before the drop was handed to the socket, as without batching.
    this.flushBatch();
    this.ws.terminate();
    this.dispose();
  }

  dispose(): void {
    this.batch = [];
    this.batchAccounts.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  /** The one sync of this socket: false when it already had one (Tradovate allows one). */
  startSync(): boolean {
    if (this.synced) return false;
    this.synced = true;
    return true;
  }

  subscribeAccounts(accountIds: number[], entityTypes?: ReadonlySet<string>): void {
    for (const id of accountIds) this.accounts.add(id);
    this.entityTypes = entityTypes;
  }

  /** Whether props of `entityType` reach this socket. */
  wants(entityType: string): boolean {
    return this.entityTypes === undefined || this.entityTypes.has(entityType.toLowerCase());
  }

  subscribeQuote(contractId: number): void {
    this.quotes.add(contractId);
    this.env.quoteSubscribed(this, contractId);
  }

  unsubscribeQuote(contractId: number): void {
    this.quotes.delete(contractId);
  }
}
