import {
  HttpTransportType,
  type HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  type ILogger,
  LogLevel,
} from "@microsoft/signalr";
import type { Clock, Logger } from "../../types.js";
import { backoffDelay } from "../backoff.js";

/**
 * One ProjectX SignalR hub connection kept up for as long as the session runs
 * (projectx-protocol.md "Real time"), through the `@microsoft/signalr` client: WebSockets with
 * `skipNegotiation`, the login's token from `token()` on every (re)connect, automatic reconnect
 * with backoff and jitter that never gives up while the session runs, and a fresh connection when
 * the client does give up (the server closed without allowing a reconnect, or the first connect
 * failed). ProjectX forgets subscriptions with the connection: `onConnected` runs after every
 * connect to subscribe again.
 */

export interface HubLinkOptions {
  /** "user hub" or "market hub", for messages. */
  name: string;
  url: string;
  token(): Promise<string>;
  /** Server → client methods (GatewayUserOrder, GatewayQuote, …). */
  handlers: Readonly<Record<string, (...args: unknown[]) => void>>;
  /** After every connect, the first and each reconnect: subscribe (and resync) again. */
  onConnected(): Promise<void>;
  /** The connection is gone; it is being brought back. */
  onDown(reason: string): void;
  reconnect: { initialMs: number; maxMs: number };
  /** Client pings this often when otherwise silent (SignalR's default 15 s). */
  keepAliveMs: number;
  /** No message from the server for this long: the connection is dead (SignalR's default 30 s). */
  serverTimeoutMs: number;
  clock: Clock;
  logger: Logger;
}

export class HubLink {
  private hub: HubConnection | undefined;
  private stopped = true;
  private attempt = 0;
  private restartTimer: unknown;
  private generation = 0;
  /**
   * SignalR's errors told since the hub was last up. Each try to reconnect fails with the same
   * words while ProjectX is away (two lines a try, a try every few seconds to every 30 s): the
   * connection's status already says it is down, so each is told once until it is up again.
   */
  private readonly told = new Set<string>();

  constructor(private readonly o: HubLinkOptions) {}

  get connected(): boolean {
    return this.hub?.state === HubConnectionState.Connected;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    this.o.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const hub = this.hub;
    this.hub = undefined;
    await hub?.stop().catch(() => undefined);
  }

  /** Drops this connection for a fresh one at once: a new connect subscribes (and resyncs) anew. */
  renew(reason: string): void {
    if (this.stopped) return;
    this.o.onDown(`${this.o.name}: ${reason}`);
    this.generation += 1;
    this.o.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    void this.hub?.stop().catch(() => undefined);
    this.connect();
  }

  /** Calls a hub method and waits for its completion; throws when not connected or on its error. */
  invoke(method: string, ...args: unknown[]): Promise<unknown> {
    const hub = this.hub;
    if (!hub || hub.state !== HubConnectionState.Connected)
      return Promise.reject(new Error(`ProjectX ${this.o.name} is not connected`));
    return hub.invoke(method, ...args);
  }

  // ------------------------------------------------------------------------------------------

  private connect(): void {
    const generation = ++this.generation;
    const hub = new HubConnectionBuilder()
      .withUrl(this.o.url, {
        skipNegotiation: true,
        transport: HttpTransportType.WebSockets,
        accessTokenFactory: () => this.o.token(),
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (ctx) =>
          this.stopped ? null : backoffDelay(ctx.previousRetryCount, this.o.reconnect),
      })
      .withKeepAliveInterval(this.o.keepAliveMs)
      .withServerTimeout(this.o.serverTimeoutMs)
      .configureLogging(this.signalrLogger())
      .build();
    for (const [method, handler] of Object.entries(this.o.handlers)) hub.on(method, handler);
    hub.onreconnecting((error) => {
      if (generation === this.generation) this.o.onDown(`${this.o.name} lost: ${words(error, "closed")}`);
    });
    hub.onreconnected(() => {
      if (generation === this.generation) void this.connected_(hub, generation);
    });
    hub.onclose((error) => {
      if (generation !== this.generation || this.stopped) return;
      this.o.onDown(`${this.o.name} closed: ${words(error, "by the server")}`);
      this.restart();
    });
    this.hub = hub;
    hub.start().then(
      () => {
        if (generation === this.generation) void this.connected_(hub, generation);
        else void hub.stop();
      },
      (error: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        this.o.onDown(`${this.o.name} could not connect: ${(error as Error).message}`);
        this.restart();
      },
    );
  }

  private async connected_(hub: HubConnection, generation: number): Promise<void> {
    this.told.clear();
    try {
      await this.o.onConnected();
      if (generation === this.generation) this.attempt = 0;
    } catch (error) {
      if (generation !== this.generation || this.stopped) return;
      // Subscribing or resyncing failed: this connection is no use; start over.
      this.o.logger.warn(`ProjectX ${this.o.name}: setting up after connect failed`, {
        error: (error as Error).message,
      });
      this.o.onDown(`${this.o.name}: ${(error as Error).message}`);
      await hub.stop().catch(() => undefined);
      if (generation === this.generation) this.restart();
    }
  }

  private restart(): void {
    this.generation += 1;
    const hub = this.hub;
    this.hub = undefined;
    void hub?.stop().catch(() => undefined);
    const wait = backoffDelay(this.attempt++, this.o.reconnect);
    this.o.clock.clearTimeout(this.restartTimer);
    this.restartTimer = this.o.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) this.connect();
    }, wait);
  }

  /** SignalR's own log lines: warnings and errors only, into the session's (redacting) logger. */
  private signalrLogger(): ILogger {
    return {
      log: (level, message) => {
        if (level < LogLevel.Error || this.told.has(message)) return;
        if (this.told.size < 20) this.told.add(message);
        this.o.logger.warn(`ProjectX ${this.o.name}: ${message}`);
      },
    };
  }
}

/**
 * SignalR's error as part of a sentence: its messages end in a period ("… (no reason given)."),
 * which read as "…given).: market data down" inside the alert that quotes them.
 */
function words(error: Error | undefined, otherwise: string): string {
  return error?.message.trim().replace(/\.+$/, "") || otherwise;
}
