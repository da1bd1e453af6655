import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Corkable } from "../../engine/broker/cork.js";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import {
  corkableOf,
  TradovateSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from "../../engine/broker/socket.js";
import { type MonoMs, silentLogger, systemClock } from "../../engine/types.js";
import { type FakeTradovate, parseRequest, startFakeTradovate, waitFor } from "./helpers/fakeTradovate.js";

/** Lets this tick's process.nextTick callbacks run. */
const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

function socketFor(
  url: string,
  WebSocketImpl: WebSocketConstructor,
  onEvent: (msg: { data: unknown }) => void = () => {},
): TradovateSocket {
  return new TradovateSocket({
    url,
    token: "tok",
    label: "trading",
    clock: systemClock,
    logger: silentLogger,
    WebSocketImpl,
    limiter: new RateLimiter({
      limits: { perSecond: 10_000, perMinute: 10_000, perHour: 100_000 },
      clock: systemClock,
    }),
    heartbeatMs: 60_000,
    watchdogMs: 60_000,
    requestTimeoutMs: 5_000,
    lockoutMs: 60_000,
    onEvent,
    onClose: () => {},
  });
}

/** A ws-shaped socket whose `_socket` records cork/uncork/send in one log. */
function recordingWebSocket(log: string[], made: WebSocketLike[] = []): WebSocketConstructor {
  return class implements WebSocketLike {
    readyState = 1;
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: { code?: number; reason?: unknown }) => void) | null = null;
    onerror: ((ev: { message?: unknown }) => void) | null = null;
    readonly _socket: Corkable = {
      cork: () => log.push("cork"),
      uncork: () => log.push("uncork"),
    };
    constructor(_url: string) {
      made.push(this);
      // Open on the next turn, then answer authorize as Tradovate would.
      setImmediate(() => {
        this.onopen?.({});
        this.onmessage?.({ data: "o" });
      });
    }
    send(data: string): void {
      const req = parseRequest(data);
      log.push(`send ${req?.endpoint ?? data}`);
      if (req?.endpoint === "authorize")
        setImmediate(() => this.onmessage?.({ data: `a${JSON.stringify([{ s: 200, i: req.id }])}` }));
    }
    close(): void {
      this.readyState = 3;
    }
  };
}

describe("corkableOf", () => {
  it("finds ws's TCP socket, and nothing on sockets without cork/uncork", () => {
    const base = { readyState: 1, onopen: null, onmessage: null, onclose: null, onerror: null };
    const ws = { ...base, send() {}, close() {} };
    const tcp = { cork() {}, uncork() {} };
    expect(corkableOf({ ...ws, _socket: tcp } as WebSocketLike)).toBe(tcp);
    expect(corkableOf(ws)).toBeUndefined();
    expect(corkableOf({ ...ws, _socket: null } as WebSocketLike)).toBeUndefined();
    expect(corkableOf({ ...ws, _socket: { cork: 1, uncork() {} } } as WebSocketLike)).toBeUndefined();
  });
});

describe("TradovateSocket write batching", () => {
  let fake: FakeTradovate | undefined;
  let socket: TradovateSocket | undefined;
  afterEach(async () => {
    socket?.close();
    socket = undefined;
    await fake?.close();
    fake = undefined;
  });

  it("corks once for the writes of one tick, uncorks when the tick ends, then reports them written", async () => {
    const log: string[] = [];
    socket = socketFor("ws://fake", recordingWebSocket(log));
    await socket.open();
    await nextTick();
    log.length = 0;
    const written: MonoMs[] = [];
    for (let i = 0; i < 3; i++) {
      void socket
        .request(`order/placeorder`, { n: i }, { priority: "order", onWritten: (at) => written.push(at) })
        .catch(() => {});
    }
    expect(log).toEqual(["cork", "send order/placeorder", "send order/placeorder", "send order/placeorder"]);
    // Not yet handed to the kernel: no write time before the uncork.
    expect(written).toEqual([]);
    await nextTick();
    expect(log.at(-1)).toBe("uncork");
    expect(written).toHaveLength(3);
    // A later tick corks again.
    void socket.request("order/placeorder", { n: 3 }, { priority: "order" }).catch(() => {});
    expect(log.slice(5)).toEqual(["cork", "send order/placeorder"]);
  });

  it("what one incoming message makes us send leaves before the next message is handled", async () => {
    const log: string[] = [];
    const readers: WebSocketLike[] = [];
    const writer = socketFor("ws://writer", recordingWebSocket(log));
    socket = writer;
    const reader = socketFor("ws://reader", recordingWebSocket([], readers), (msg) => {
      log.push(`handle ${String(msg.data)}`);
      void writer.request("order/placeorder", { n: msg.data }, { priority: "order" }).catch(() => {});
      void writer.request("order/placeorder", { n: msg.data }, { priority: "order" }).catch(() => {});
    });
    await Promise.all([writer.open(), reader.open()]);
    await nextTick();
    log.length = 0;
    // A backlog: two fills in one frame, handled in one synchronous call.
    readers[0]?.onmessage?.({
      data: `a${JSON.stringify([
        { e: "props", d: 1 },
        { e: "props", d: 2 },
      ])}`,
    });
    const send = "send order/placeorder";
    expect(log).toEqual(["handle 1", "cork", send, send, "uncork", "handle 2", "cork", send, send, "uncork"]);
    reader.close();
  });

  it("close() lets the corked frames go before the socket closes", async () => {
    const log: string[] = [];
    socket = socketFor("ws://fake", recordingWebSocket(log));
    await socket.open();
    await nextTick();
    log.length = 0;
    const result = socket.request("order/placeorder", {}, { priority: "order" });
    socket.close();
    await expect(result).rejects.toMatchObject({ kind: "disconnected" });
    expect(log).toEqual(["cork", "send order/placeorder", "uncork"]);
  });

  it("a burst sent in one tick reaches a real server complete and in order", async () => {
    fake = await startFakeTradovate();
    socket = socketFor(fake.wsUrl, WebSocket as unknown as WebSocketConstructor);
    await socket.open();
    const count = 500;
    const written: MonoMs[] = [];
    const replies = Array.from({ length: count }, (_, i) =>
      socket!.request(
        "order/placeorder",
        { n: i },
        { priority: "order", onWritten: (at) => written.push(at) },
      ),
    );
    await Promise.all(replies);
    expect(written).toHaveLength(count);
    const bodies = fake.requests
      .filter((r) => r.endpoint === "order/placeorder")
      .map((r) => (JSON.parse(r.body) as { n: number }).n);
    expect(bodies).toEqual(Array.from({ length: count }, (_, i) => i));
    // Heartbeats and later requests still flow after the burst.
    await socket.request("order/placeorder", { n: count }, { priority: "order" });
    await waitFor(() => fake!.requests.length >= count + 2, 5000, "the last request");
  });
});
