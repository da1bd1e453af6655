import type { AccountRoute, Clock, EngineEvent } from "../types.js";
import { sentEvent, syntheticClOrdId } from "./copyEvents.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import type { CopierDeps } from "./ports.js";
import type { SyncWatch } from "./syncWatch.js";

export interface CopySenderParts {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<CopierDeps["accounts"], "route">;
  gateway: Pick<CopierDeps["gateway"], "flush">;
  beforeExit: NonNullable<CopierDeps["beforeExit"]>;
  orders: Pick<OrderTracker, "send">;
  watch: () => Pick<SyncWatch, "changed">;
}

/**
 * Every order the copier writes leaves here. Cancel before close (issue 14): an order that closes
 * some of the follower's position first cancels its working exits in that contract.
 */
export class CopySender {
  private seq = 0;

  constructor(private readonly parts: CopySenderParts) {}

  /** A number for a synthetic clOrdId, unique in this run (the clock's time comes with it). */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  send(route: AccountRoute, meta: OrderMeta, delta: number, clOrdId: string, closes = meta.exit === true) {
    if (closes) this.parts.beforeExit(meta.follower, meta.contract, meta.answering);
    return this.parts.orders.send(route, meta, delta, clOrdId);
  }

  /** A pending exit's next try, written now (outside any fan-out): flushed and told at once. */
  sendNow(meta: OrderMeta, delta: number, reason: string): boolean {
    const { accounts, clock, gateway, emit } = this.parts;
    const route = accounts.route(meta.follower);
    if (!route) return false;
    const clOrdId = syntheticClOrdId("rt", route.accountId, clock.now(), this.nextSeq());
    if (!this.send(route, { ...meta, quiet: true }, delta, clOrdId)) return false;
    gateway.flush();
    emit(sentEvent(clock, meta, delta, clOrdId, reason));
    this.parts.watch().changed(meta.follower, meta.contract);
    return true;
  }
}
