import type { WebSocket } from "ws";

/**
 * The server side of SignalR's JSON hub protocol (dotnet/aspnetcore specs/HubProtocol.md) over
 * one WebSocket, as ProjectX's hubs speak it: the client's handshake `{"protocol":"json",
 * "version":1}` answered `{}` (or `{"error"}` and a close), every message a JSON text ended by the
 * record separator 0x1E (several may share a frame), invocations (type 1) routed to the hub's
 * methods and answered with completions (type 3, with `error` for a bad call), pings (type 6)
 * both ways, and a close (type 7) when the client falls silent. A hub method's failure is the
 * client's problem to read, never the server's crash.
 */

export const RS = "\u001e";

export const MessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
} as const;

/** A hub method: returns its result, or throws HubError with the text the caller reads. */
export type HubMethod = (args: unknown[]) => unknown;

export class HubError extends Error {}

export interface HubConnectionOptions {
  /** Server pings this often (SignalR's default 15 s). */
  pingMs: number;
  /** Closed when nothing came from the client for this long (SignalR's default 30 s). */
  clientTimeoutMs: number;
  /** Closed when the handshake has not come in this long (SignalR's default 15 s). */
  handshakeTimeoutMs: number;
  now: () => number;
  log: (line: string) => void;
}

export class SignalRConnection {
  private handshaken = false;
  private buffer = "";
  private lastHeard: number;
  private lastSent: number;
  private readonly openedAt: number;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    private readonly methods: Readonly<Record<string, HubMethod>>,
    private readonly opts: HubConnectionOptions,
  ) {
    this.openedAt = this.lastHeard = this.lastSent = opts.now();
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        this.fail("binary frames are not the JSON hub protocol");
        return;
      }
      this.lastHeard = opts.now();
      this.receive(data.toString());
    });
    ws.on("close", () => this.ended());
    ws.on("error", () => this.ended());
  }

  get isOpen(): boolean {
    return !this.closed && this.handshaken;
  }

  onClose(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  /** Calls `target` on the client (an event): no invocation id, no answer expected. */
  invoke(target: string, args: unknown[]): void {
    if (this.isOpen) this.sendRaw(record({ type: MessageType.Invocation, target, arguments: args }));
  }

  /** Several events in one frame (a batch a fill caused arrives together, in order). */
  invokeAll(calls: ReadonlyArray<{ target: string; args: unknown[] }>): void {
    if (!this.isOpen || calls.length === 0) return;
    this.sendRaw(
      calls
        .map((c) => record({ type: MessageType.Invocation, target: c.target, arguments: c.args }))
        .join(""),
    );
  }

  /** Pings when idle; closes a client that went silent or never shook hands. */
  tick(): void {
    if (this.closed) return;
    const now = this.opts.now();
    if (!this.handshaken) {
      if (now - this.openedAt >= this.opts.handshakeTimeoutMs) this.terminate();
      return;
    }
    if (now - this.lastHeard >= this.opts.clientTimeoutMs) {
      this.close("Server timeout elapsed without receiving a message from the client.");
      return;
    }
    if (now - this.lastSent >= this.opts.pingMs) this.sendRaw(record({ type: MessageType.Ping }));
  }

  /** A close message (type 7), then the socket closes. */
  close(error?: string, allowReconnect = true): void {
    if (this.closed) return;
    if (this.handshaken)
      this.sendRaw(record({ type: MessageType.Close, ...(error ? { error } : {}), allowReconnect }));
    this.ws.close(1000);
    this.ended();
  }

  /** Abrupt: the socket goes without a close message (a network drop). */
  terminate(): void {
    this.ws.terminate();
    this.ended();
  }

  // ------------------------------------------------------------------------------------------

  private receive(text: string): void {
    this.buffer += text;
    let at = this.buffer.indexOf(RS);
    while (at >= 0 && !this.closed) {
      const message = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 1);
      if (this.handshaken) this.message(message);
      else this.handshake(message);
      at = this.buffer.indexOf(RS);
    }
    if (this.buffer.length > 1 << 20) this.fail("a message longer than 1 MiB without a record separator");
  }

  private handshake(text: string): void {
    const request = parse(text) as { protocol?: unknown; version?: unknown } | undefined;
    if (request?.protocol !== "json") {
      this.sendRaw(
        record({
          error: `The protocol '${String(request?.protocol)}' is not supported: this hub speaks only 'json'.`,
        }),
      );
      this.ws.close(1000);
      this.ended();
      return;
    }
    if (request.version !== 1) {
      this.sendRaw(
        record({
          error: `The server does not support version ${String(request.version)} of the 'json' protocol.`,
        }),
      );
      this.ws.close(1000);
      this.ended();
      return;
    }
    this.handshaken = true;
    this.sendRaw(record({}));
  }

  private message(text: string): void {
    const msg = parse(text) as Record<string, unknown> | undefined;
    if (!msg || typeof msg.type !== "number") {
      this.fail("a message that is not a JSON hub message");
      return;
    }
    switch (msg.type) {
      case MessageType.Ping:
        return;
      case MessageType.Close:
        this.ws.close(1000);
        this.ended();
        return;
      case MessageType.Invocation:
        this.invocation(msg);
        return;
      case MessageType.StreamInvocation:
        this.complete(msg.invocationId, undefined, "This hub has no streaming methods.");
        return;
      default:
        // CancelInvocation and stream items have nothing to act on here: a stream was never started.
        return;
    }
  }

  private invocation(msg: Record<string, unknown>): void {
    const id = msg.invocationId;
    if (id !== undefined && typeof id !== "string") {
      this.fail("invocationId must be a string");
      return;
    }
    const target = typeof msg.target === "string" ? msg.target : "";
    const args = Array.isArray(msg.arguments) ? msg.arguments : undefined;
    const method = Object.hasOwn(this.methods, target) ? this.methods[target] : undefined;
    if (!method) {
      this.complete(id, undefined, `Unknown hub method '${target}'`);
      return;
    }
    if (!args) {
      this.complete(id, undefined, `Failed to invoke '${target}': arguments must be an array.`);
      return;
    }
    try {
      const result = method(args);
      this.complete(id, result, undefined);
    } catch (error) {
      const text =
        error instanceof HubError
          ? `Failed to invoke '${target}' due to an error on the server. ${error.message}`
          : `An unexpected error occurred invoking '${target}' on the server.`;
      if (!(error instanceof HubError))
        this.opts.log(`hub method ${target} threw: ${(error as Error).message}`);
      this.complete(id, undefined, text);
    }
  }

  /** A completion answers only an invocation that asked for one (it carried an id). */
  private complete(id: unknown, result: unknown, error: string | undefined): void {
    if (typeof id !== "string") return;
    this.sendRaw(
      record({
        type: MessageType.Completion,
        invocationId: id,
        ...(error !== undefined ? { error } : result !== undefined ? { result } : {}),
      }),
    );
  }

  /** A protocol violation: SignalR closes the connection with the reason. */
  private fail(reason: string): void {
    this.close(`Connection closed with an error. InvalidDataException: ${reason}`, false);
  }

  private sendRaw(text: string): void {
    if (this.closed) return;
    this.lastSent = this.opts.now();
    this.ws.send(text);
  }

  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeListeners.splice(0)) fn();
  }
}

export function record(message: object): string {
  return JSON.stringify(message) + RS;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
