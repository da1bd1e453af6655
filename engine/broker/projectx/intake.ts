import type { BrokerEvent, Clock, Logger, MonoMs } from "../../types.js";
import type { ProjectXModel } from "./model.js";
import { parseAccount, parseOrder, parsePosition, parseTrade } from "./wire.js";

export interface IntakeDeps {
  connection: string;
  model: ProjectXModel;
  clock: Clock;
  logger: Logger;
  /** How long an order's fillVolume may run ahead of its trade before the fill is taken from the order. */
  tradeWaitMs: number;
  /** Whether the REST snapshot is in (a fill taken from an order waits for it). */
  synced(): boolean;
  emit(event: BrokerEvent): void;
}

/**
 * The hubs' events of one ProjectX login, read defensively (a malformed one is logged and skipped)
 * and applied to the model, whose answers go out as the port's events.
 */
export class ProjectXIntake {
  private readonly gapTimers = new Map<number, unknown>();

  constructor(private readonly d: IntakeDeps) {}

  account(value: unknown): void {
    const a = parseAccount(value);
    if (a) this.emitAll(this.d.model.applyAccount(a));
    else this.malformed("GatewayUserAccount");
  }

  order(value: unknown): void {
    const o = parseOrder(value);
    if (!o) {
      this.malformed("GatewayUserOrder");
      return;
    }
    const { events, gap } = this.d.model.applyOrder(o);
    this.emitAll(events);
    if (gap) this.watchGap(o.id);
  }

  position(value: unknown): void {
    const p = parsePosition(value);
    if (p) this.emitAll(this.d.model.applyPosition(p));
    else this.malformed("GatewayUserPosition");
  }

  trade(value: unknown, receivedAt: MonoMs): void {
    const t = parseTrade(value);
    if (t) this.emitAll(this.d.model.applyTrade(t, receivedAt));
    else this.malformed("GatewayUserTrade");
  }

  quote(id: unknown, data: unknown): void {
    const price = (data as { lastPrice?: unknown } | null)?.lastPrice;
    if (typeof id !== "string" || typeof price !== "number" || !Number.isFinite(price)) return;
    this.d.model.setPrice(id, price);
    this.d.emit({
      type: "quote",
      connection: this.d.connection,
      contractId: id,
      contract: this.d.model.nameOf(id),
      price,
      ts: this.d.clock.now(),
    });
  }

  /** An order's fillVolume ran ahead of its trades: give the trade a moment, then take the fill from the order. */
  watchGap(orderId: number): void {
    if (this.gapTimers.has(orderId)) return;
    const { clock } = this.d;
    const timer = clock.setTimeout(() => {
      this.gapTimers.delete(orderId);
      if (this.d.synced()) this.emitAll(this.d.model.synthesize(orderId, clock.mono()));
    }, this.d.tradeWaitMs);
    this.gapTimers.set(orderId, timer);
  }

  /**
   * An order told a fill whose trade has not come: the fill goes out when the trade comes or the
   * wait ends, and the account's position report may already be out (the leader guard waits).
   */
  waiting(): boolean {
    for (const orderId of this.gapTimers.keys()) if (this.d.model.untraded(orderId) > 0) return true;
    return false;
  }

  stop(): void {
    for (const t of this.gapTimers.values()) this.d.clock.clearTimeout(t);
    this.gapTimers.clear();
  }

  private emitAll(events: readonly BrokerEvent[]): void {
    for (const event of events) this.d.emit(event);
  }

  private malformed(what: string): void {
    this.d.logger.warn("malformed ProjectX event skipped", { connection: this.d.connection, event: what });
  }
}
