import type { Connection } from "../../data/schema.js";
import { loginSettings } from "../runtime/loginSettings.js";
import type { Clock, MarketDataEvent } from "../types.js";
import type { FollowerRisk } from "./followerRisk.js";

export interface PriceFeedsDeps {
  clock: Pick<Clock, "setTimeout" | "clearTimeout">;
  /** How long a login's market data may be down before its followers are blind. */
  graceMs: number;
  followers(): Iterable<FollowerRisk>;
  /** The follower's risk went blind or sees prices again: rebuild its gate and tell the trader. */
  changed(f: FollowerRisk, reason: string | undefined): void;
}

/**
 * Which logins' market data is down, and so which followers' risk is blind. While it is down a
 * follower's open positions keep their last price: no loss limit sees what they lose now, and
 * a new position would be valued at nothing better. So its openings are held ("prices stale")
 * until prices return; closes and flattens still go, and the limits keep watching its cash and
 * last prices. Holding is the only safe choice mimik has: neither broker streams its own open
 * P&L (Tradovate's cash snapshot is a poll its API asks not to make; ProjectX reports none).
 *
 * A socket that drops and is back within the grace is a blip (a reconnect takes about a second):
 * prices a few seconds old are no blinder than a quiet market, and holding the openings of such
 * a blip would cost followers trades their leader took for nothing.
 */
export class PriceFeeds {
  /** connection → why its market data is down. */
  private readonly down = new Map<string, string>();
  /** connection → its grace timer, while down for less than the grace. */
  private readonly waiting = new Map<string, unknown>();
  /** connection → its settings, as the config last had them (keep). */
  private settings = new Map<string, string>();

  constructor(private readonly deps: PriceFeedsDeps) {}

  onEvent(event: MarketDataEvent): void {
    const { connection } = event;
    if (event.up) {
      this.deps.clock.clearTimeout(this.waiting.get(connection));
      this.waiting.delete(connection);
      if (this.down.delete(connection)) this.update();
      return;
    }
    const reason = event.reason ?? "market data down";
    if (this.down.has(connection)) {
      this.down.set(connection, reason);
      return;
    }
    if (this.waiting.has(connection)) return;
    const timer = this.deps.clock.setTimeout(() => {
      this.waiting.delete(connection);
      this.down.set(connection, reason);
      this.update();
    }, this.deps.graceMs);
    this.waiting.set(connection, timer);
  }

  /** Each follower blind exactly while its login's market data is down (call after it moved). */
  update(): void {
    for (const f of this.deps.followers()) {
      const connection = f.holdings.route?.session.connection;
      const reason = f.configured && connection !== undefined ? this.down.get(connection) : undefined;
      if ((reason !== undefined) === f.pricesStale) continue;
      f.pricesStale = reason !== undefined;
      // One taken out of the config has nothing to be told (its market data is not back).
      if (f.configured) this.deps.changed(f, reason);
    }
  }

  /**
   * Only the logins `connections` name, with the settings they had, are kept: one taken out of
   * the config went with its socket, and one whose settings were edited is reconnected as a new
   * session; that session's feed (Tradovate's opens only once a position asks for quotes) may
   * never say it is up, so an old session's outage would hold its followers' openings for good.
   */
  keep(connections: readonly Connection[]): void {
    const was = this.settings;
    this.settings = new Map(connections.map((c) => [c.name, loginSettings(c)]));
    const now = this.settings;
    const kept = (name: string) => now.has(name) && (!was.has(name) || was.get(name) === now.get(name));
    for (const [connection, timer] of this.waiting)
      if (!kept(connection)) {
        this.deps.clock.clearTimeout(timer);
        this.waiting.delete(connection);
      }
    for (const connection of this.down.keys()) if (!kept(connection)) this.down.delete(connection);
  }

  stop(): void {
    for (const timer of this.waiting.values()) this.deps.clock.clearTimeout(timer);
    this.waiting.clear();
  }
}
