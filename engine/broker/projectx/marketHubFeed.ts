import type { BrokerEvent, Logger } from "../../types.js";
import { HubLink, type HubLinkOptions } from "./hub.js";

export interface MarketHubFeedDeps {
  connection: string;
  url: string;
  /** The hub options both hubs share (token, timing, clock, logger). */
  timing: Omit<HubLinkOptions, "name" | "url" | "handlers" | "onConnected" | "onDown">;
  logger: Logger;
  quote(id: unknown, data: unknown): void;
  emit(event: BrokerEvent): void;
}

/**
 * Quotes from ProjectX's market hub: the contracts asked for, subscribed again after every
 * connect (ProjectX forgets them with the connection), and its ups and downs as marketData events.
 */
export class MarketHubFeed {
  private readonly ids = new Set<string>();
  private readonly hub: HubLink;

  constructor(private readonly d: MarketHubFeedDeps) {
    this.hub = new HubLink({
      name: "market hub",
      url: d.url,
      ...d.timing,
      handlers: { GatewayQuote: (id: unknown, data: unknown) => d.quote(id, data) },
      onConnected: async () => {
        // One refused (no data permission for it, a contract ProjectX no longer lists) must not
        // fail the connect: that kept every other contract's quotes away, the login's limits blind.
        await Promise.all([...this.ids].map((id) => this.invokeSubscribe(id)));
        // Gone again meanwhile: its drop is told (or to be told); quotes are not back.
        if (!this.hub.connected) throw new Error("dropped while subscribing");
        d.emit({ type: "marketData", connection: d.connection, up: true });
      },
      onDown: (reason) => {
        d.logger.warn("ProjectX quotes paused", { connection: d.connection, reason });
        d.emit({ type: "marketData", connection: d.connection, up: false, reason });
      },
    });
  }

  start(): void {
    this.hub.start();
  }

  stop(): Promise<void> {
    return this.hub.stop();
  }

  /** The contract's quotes from now on; false when they were asked for already. */
  subscribe(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.hub.connected) void this.invokeSubscribe(id);
    return true;
  }

  /** Refused, it is said and asked again at the next connect. */
  private invokeSubscribe(id: string): Promise<void> {
    return this.hub.invoke("SubscribeContractQuotes", id).then(
      () => undefined,
      (e: unknown) =>
        this.d.logger.warn("ProjectX quote subscription failed", {
          contractId: id,
          error: (e as Error).message,
        }),
    );
  }
}
