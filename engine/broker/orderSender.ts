/**
 * Order requests of one login over its trading socket (lower latency than REST), as OrderResults:
 * never a throw, never a wait for budget. An order goes now or fails now ("request budget",
 * "penalty", "Disconnected", …); when the budget starts refusing, the trader hears it once a
 * minute at most, not once per order.
 */
import type {
  BrokerEvent,
  Clock,
  ModifyOrderRequest,
  MonoMs,
  OrderResult,
  PlaceOcoRequest,
  PlaceOrderRequest,
} from "../types.js";
import { budgetText } from "./advice.js";
import {
  cancelOrderBody,
  liquidatePositionBody,
  modifyOrderBody,
  orderResultFromError,
  orderResultFromReply,
  placeOcoBody,
  placeOrderBody,
  TRANSPORT_FAILURES,
} from "./orders.js";
import type { RateLimiter, RequestKind } from "./rateLimiter.js";
import type { Redactor } from "./redact.js";
import type { TradovateSocket } from "./socket.js";

const BUDGET_ALERT_EVERY_MS = 60_000;

export interface OrderSenderDeps {
  connection: string;
  clock: Clock;
  limiter: RateLimiter;
  redactor: Redactor;
  /** The socket orders may go on now, or why not. */
  socket(): TradovateSocket | { notReady: string };
  rememberClOrdId(orderId: number, clOrdId: string): void;
  emit(event: BrokerEvent): void;
}

export class OrderSender {
  private alertAt: number | undefined;
  private refusedAtAlert = 0;

  constructor(private readonly deps: OrderSenderDeps) {}

  place(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.send("order/placeorder", placeOrderBody(req), req.exit ? "exit" : "order", (orderId) =>
      this.deps.rememberClOrdId(orderId, req.clOrdId),
    );
  }

  /** Both orders' clOrdIds are remembered: their fills and statuses carry ours. */
  placeOco(req: PlaceOcoRequest): Promise<OrderResult> {
    return this.send("order/placeoco", placeOcoBody(req), req.exit ? "exit" : "order", (orderId, other) => {
      this.deps.rememberClOrdId(orderId, req.clOrdId);
      if (other !== undefined) this.deps.rememberClOrdId(other, req.other.clOrdId);
    });
  }

  /** A modify answers {commandId}: the result names the modified order. */
  modify(req: ModifyOrderRequest): Promise<OrderResult> {
    return this.send(
      "order/modifyorder",
      modifyOrderBody(req),
      req.exit ? "exit" : "order",
      undefined,
      req.orderId,
    );
  }

  cancel(orderId: number): Promise<OrderResult> {
    return this.send("order/cancelorder", cancelOrderBody(orderId), "exit", undefined, orderId);
  }

  liquidate(accountId: number, contractId: number): Promise<OrderResult> {
    return this.send("order/liquidateposition", liquidatePositionBody(accountId, contractId), "exit");
  }

  private send(
    endpoint: string,
    body: Record<string, unknown>,
    kind: RequestKind,
    onOrderId?: (orderId: number, otherOrderId?: number) => void,
    fallbackOrderId?: number,
  ): Promise<OrderResult> {
    const { clock, redactor } = this.deps;
    const socket = this.deps.socket();
    if ("notReady" in socket) {
      return Promise.resolve({
        ok: false,
        failureReason: TRANSPORT_FAILURES.disconnected,
        failureText: socket.notReady,
        ackAt: clock.mono(),
      });
    }
    let writtenAt: MonoMs | undefined;
    const onWritten = (at: MonoMs) => {
      writtenAt = at;
    };
    const clean = (result: OrderResult): OrderResult => {
      if (!result.ok && result.failureText) result.failureText = redactor.text(result.failureText);
      return result;
    };
    return socket.request(endpoint, body, { priority: kind, order: true, onWritten }).then(
      (d) => {
        const result = orderResultFromReply(d, writtenAt, clock.mono(), fallbackOrderId);
        if (result.ok) onOrderId?.(result.orderId, result.otherOrderId);
        return clean(result);
      },
      (err: unknown) => {
        const result = orderResultFromError(err, writtenAt, clock.mono());
        if (!result.ok && result.failureReason === TRANSPORT_FAILURES.budget) this.budgetSpent();
        return clean(result);
      },
    );
  }

  /** Orders are being refused for budget: say so, once a minute at most. */
  private budgetSpent(): void {
    const now = this.deps.clock.now();
    if (this.alertAt !== undefined && now - this.alertAt < BUDGET_ALERT_EVERY_MS) return;
    const refused = this.deps.limiter.budget().refused;
    this.alertAt = now;
    const since = refused - this.refusedAtAlert;
    this.refusedAtAlert = refused;
    this.deps.emit({
      type: "brokerAlert",
      connection: this.deps.connection,
      level: "warn",
      message: budgetText(this.deps.connection, since),
    });
  }
}
