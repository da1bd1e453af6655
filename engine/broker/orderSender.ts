/**
 * Order requests of one login over its trading socket (lower latency than REST), as OrderResults:
 * never a throw, never a wait for budget. An order goes now or fails now ("request budget",
 * "penalty", "Disconnected", …); when the budget starts refusing, the trader hears it once a
 * minute at most, not once per order.
 */

import { answerLost } from "../orders/answerLost.js";
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
  tradovateId,
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
  /** The account of an order this login knows. */
  accountOf(orderId: number): number | undefined;
  emit(event: BrokerEvent): void;
  /** A request for the account was written and its answer lost: only a fresh read can say what it did. */
  lost(accountId: number): void;
}

export class OrderSender {
  private alertAt: number | undefined;
  private refusedAtAlert = 0;
  /** Per account: requests written so far, and those still waiting for their answers. */
  private readonly activity = new Map<number, { sent: number; open: number }>();

  constructor(private readonly deps: OrderSenderDeps) {}

  /** The account's requests: how many were written so far, and how many still wait for answers. */
  activityOf(accountId: number): { sent: number; open: number } {
    const a = this.activity.get(accountId);
    return { sent: a?.sent ?? 0, open: a?.open ?? 0 };
  }

  place(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.send(
      req.accountId,
      "order/placeorder",
      placeOrderBody(req),
      req.exit ? "exit" : "order",
      (orderId) => this.deps.rememberClOrdId(orderId, req.clOrdId),
    );
  }

  /** Both orders' clOrdIds are remembered: their fills and statuses carry ours. */
  placeOco(req: PlaceOcoRequest): Promise<OrderResult> {
    return this.send(
      req.accountId,
      "order/placeoco",
      placeOcoBody(req),
      req.exit ? "exit" : "order",
      (orderId, other) => {
        this.deps.rememberClOrdId(orderId, req.clOrdId);
        if (other !== undefined) this.deps.rememberClOrdId(other, req.other.clOrdId);
      },
    );
  }

  /** A modify answers {commandId}: the result names the modified order. */
  modify(req: ModifyOrderRequest): Promise<OrderResult> {
    return this.send(
      this.deps.accountOf(req.orderId),
      "order/modifyorder",
      modifyOrderBody(req),
      req.exit ? "exit" : "order",
      undefined,
      req.orderId,
    );
  }

  cancel(orderId: number): Promise<OrderResult> {
    const accountId = this.deps.accountOf(orderId);
    return this.send(accountId, "order/cancelorder", cancelOrderBody(orderId), "exit", undefined, orderId);
  }

  liquidate(accountId: number, contractId: string): Promise<OrderResult> {
    const id = tradovateId(contractId);
    if (id === undefined) {
      return Promise.resolve({
        ok: false,
        failureReason: "InvalidContract",
        failureText: `${contractId} is not a Tradovate contract id`,
        ackAt: this.deps.clock.mono(),
      });
    }
    return this.send(accountId, "order/liquidateposition", liquidatePositionBody(accountId, id), "exit");
  }

  /** `accountId`: the account the request is about, when known (a cancel of an order never heard of). */
  private send(
    accountId: number | undefined,
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
    const activity = accountId === undefined ? undefined : this.activityFor(accountId);
    if (activity) {
      activity.sent += 1;
      activity.open += 1;
    }
    const answered = (result: OrderResult): OrderResult => {
      if (activity) activity.open -= 1;
      if (accountId !== undefined && answerLost(result)) this.deps.lost(accountId);
      if (!result.ok && result.failureText) result.failureText = redactor.text(result.failureText);
      return result;
    };
    return socket.request(endpoint, body, { priority: kind, order: true, onWritten }).then(
      (d) => {
        const result = orderResultFromReply(d, writtenAt, clock.mono(), fallbackOrderId);
        if (result.ok) onOrderId?.(result.orderId, result.otherOrderId);
        return answered(result);
      },
      (err: unknown) => {
        const result = orderResultFromError(err, writtenAt, clock.mono());
        if (!result.ok && result.failureReason === TRANSPORT_FAILURES.budget) this.budgetSpent();
        return answered(result);
      },
    );
  }

  private activityFor(accountId: number): { sent: number; open: number } {
    let a = this.activity.get(accountId);
    if (!a) {
      a = { sent: 0, open: 0 };
      this.activity.set(accountId, a);
    }
    return a;
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
