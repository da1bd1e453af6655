import { answerLost } from "../../orders/answerLost.js";
import type { SymbolMap } from "../../symbols.js";
import type {
  BrokerEvent,
  Clock,
  ContractId,
  ModifyOrderRequest,
  MonoMs,
  OrderResult,
  OrderType,
  PlaceOrderRequest,
} from "../../types.js";
import { orderResultFromError, TRANSPORT_FAILURES } from "../orders.js";
import type { RateLimiter, RequestKind } from "../rateLimiter.js";
import type { Redactor } from "../redact.js";
import {
  CLOSE_POSITION_NOT_FOUND,
  closeFailure,
  contractHint,
  orderFailure,
  placeFailure,
} from "./errors.js";
import type { Envelope } from "./rest.js";
import { projectxIdOf } from "./symbols.js";

/**
 * The order requests of one ProjectX login as OrderResults (never a throw, never a wait for
 * budget): Order/place with the copy's clOrdId as `customTag` (ProjectX refuses a second order
 * with the same tag on an account, so a copy can never be placed twice), Order/cancel and
 * Position/closeContract. Every error code comes back as a reason (errors.ts).
 */

/** ProjectX's OrderType. */
export const ORDER_TYPE = { limit: 1, market: 2, stopLimit: 3, stop: 4, trailingStop: 5 } as const;

const TYPE_OF: Readonly<Record<OrderType, number>> = {
  Market: ORDER_TYPE.market,
  Limit: ORDER_TYPE.limit,
  Stop: ORDER_TYPE.stop,
  StopLimit: ORDER_TYPE.stopLimit,
  TrailingStop: ORDER_TYPE.trailingStop,
};

type Terms = Pick<PlaceOrderRequest, "orderType" | "price" | "stopPrice" | "trail">;

/**
 * The prices an order's type uses, by ProjectX's names: a limit price for Limit and StopLimit, a
 * trigger for Stop and StopLimit, the distance for TrailingStop (ProjectX starts its stop itself).
 */
function pricesOf(terms: Terms): { limitPrice?: number; stopPrice?: number; trailPrice?: number } {
  const type = terms.orderType ?? "Market";
  const out: { limitPrice?: number; stopPrice?: number; trailPrice?: number } = {};
  if ((type === "Limit" || type === "StopLimit") && terms.price !== undefined) out.limitPrice = terms.price;
  if ((type === "Stop" || type === "StopLimit") && terms.stopPrice !== undefined)
    out.stopPrice = terms.stopPrice;
  if (type === "TrailingStop" && terms.trail !== undefined) out.trailPrice = terms.trail;
  return out;
}

/**
 * The body of Order/place. ProjectX has no time in force on an order (a working order stays
 * until filled or cancelled, like GTC), so `timeInForce` has no field here.
 */
export function placeBody(
  accountId: number,
  contractId: string,
  req: Pick<PlaceOrderRequest, "action" | "qty" | "clOrdId"> & Terms,
): Record<string, unknown> {
  return {
    accountId,
    contractId,
    type: TYPE_OF[req.orderType ?? "Market"],
    side: req.action === "Buy" ? 0 : 1,
    size: req.qty,
    ...pricesOf(req),
    customTag: req.clOrdId,
  };
}

/** The body of Order/modify: the whole size and the prices the order's type uses. */
export function modifyBody(req: ModifyOrderRequest): Record<string, unknown> {
  return { accountId: req.accountId, orderId: req.orderId, size: req.qty, ...pricesOf(req) };
}

export interface ProjectXOrderDeps {
  connection: string;
  clock: Clock;
  /** A REST call with the login's token (logging in again once on a 401). */
  call(path: string, body: object, kind: RequestKind): Promise<Envelope>;
  limiter: RateLimiter;
  redactor: Redactor;
  symbols: SymbolMap;
  /**
   * Why an order request for the account cannot go now (not synced; `places`, a place or modify,
   * on an account that cannot be read), or undefined when it may. A cancel or close may go to an
   * unreadable account: neither opens anything, and a flatten must not wait for a read.
   */
  notReady(accountId: number, places: boolean): string | undefined;
  accountOfOrder(orderId: number): number | undefined;
  emit(event: BrokerEvent): void;
  /** A request for the account was written and its answer lost: only a fresh read can say what it did. */
  lost(accountId: number): void;
}

const BUDGET_ALERT_EVERY_MS = 60_000;
const PLACED_KEPT = 1_000;

export class ProjectXOrderSender {
  private alertAt: number | undefined;
  private refusedAtAlert = 0;
  /**
   * The account of each order placed here: Order/place answers before the hub tells of the order,
   * and a cancel or modify in between still needs the accountId ProjectX asks for.
   */
  private readonly placed = new Map<number, number>();
  /** Per account: requests written so far, and those still waiting for their answers. */
  private readonly activity = new Map<number, { sent: number; open: number }>();
  /** Who waits for no request of the login to be waiting for its answer. */
  private idle: Array<() => void> = [];

  constructor(private readonly d: ProjectXOrderDeps) {}

  place(req: PlaceOrderRequest): Promise<OrderResult> {
    const contractId = projectxIdOf(req.symbol, this.d.symbols, this.d.clock.now());
    if (!contractId)
      return this.refuse("InvalidContract", `${req.symbol} is not a contract name (root, month, year)`);
    return this.send(
      req.accountId,
      "Order/place",
      placeBody(req.accountId, contractId, req),
      req.exit ? "exit" : "order",
      (env) => {
        const orderId = env.orderId;
        if (env.success && typeof orderId === "number") {
          this.remember(orderId, req.accountId);
          return { orderId };
        }
        const text =
          env.errorCode === 8 ? `${env.errorMessage ?? ""} (${contractHint(contractId)})` : env.errorMessage;
        return { failureReason: placeFailure(env.errorCode), failureText: text ?? undefined };
      },
    );
  }

  /**
   * Order/modify. ProjectX changes size and prices, never an order's type: a modify that would
   * change it is refused here (the mirror then replaces the order).
   */
  modify(req: ModifyOrderRequest, currentType: string | undefined): Promise<OrderResult> {
    if (this.accountOf(req.orderId) === undefined)
      return this.refuse("OrderNotFound", `order ${req.orderId} is not one this login knows`);
    if (currentType !== undefined && currentType !== req.orderType)
      return this.refuse(
        "UnsupportedModify",
        `ProjectX cannot change order ${req.orderId} from ${currentType} to ${req.orderType}: cancel it and place a new one`,
      );
    return this.send(req.accountId, "Order/modify", modifyBody(req), req.exit ? "exit" : "order", (env) =>
      env.success
        ? { orderId: req.orderId }
        : { failureReason: orderFailure(env.errorCode), failureText: env.errorMessage ?? undefined },
    );
  }

  cancel(orderId: number): Promise<OrderResult> {
    const accountId = this.accountOf(orderId);
    if (accountId === undefined)
      return this.refuse("OrderNotFound", `order ${orderId} is not one this login knows`);
    return this.send(accountId, "Order/cancel", { accountId, orderId }, "exit", (env) =>
      env.success
        ? { orderId }
        : { failureReason: orderFailure(env.errorCode), failureText: env.errorMessage ?? undefined },
    );
  }

  /**
   * Position/closeContract: the whole position at market. ProjectX names no order for it (orderId
   * 0). "No position" is what a close wants: a flatten tried again before the hub told of the
   * first close finds the account flat at ProjectX, and that is no failure to page the trader for.
   */
  close(accountId: number, contractId: ContractId): Promise<OrderResult> {
    return this.send(accountId, "Position/closeContract", { accountId, contractId }, "exit", (env) =>
      env.success || env.errorCode === CLOSE_POSITION_NOT_FOUND
        ? { orderId: 0 }
        : { failureReason: closeFailure(env.errorCode), failureText: env.errorMessage ?? undefined },
    );
  }

  /** The account's requests: how many were written so far, and how many still wait for answers. */
  activityOf(accountId: number): { sent: number; open: number } {
    const a = this.activity.get(accountId);
    return { sent: a?.sent ?? 0, open: a?.open ?? 0 };
  }

  /** The login's requests over all its accounts: written so far, and still waiting for answers. */
  requests(): { sent: number; open: number } {
    let sent = 0;
    let open = 0;
    for (const a of this.activity.values()) {
      sent += a.sent;
      open += a.open;
    }
    return { sent, open };
  }

  /** Resolves once none of the login's requests waits for its answer (each ends by its timeout). */
  settled(): Promise<void> {
    if (this.requests().open === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  // ------------------------------------------------------------------------------------------

  private send(
    accountId: number,
    path: string,
    body: Record<string, unknown>,
    kind: RequestKind,
    read: (
      env: Envelope,
    ) => { orderId: number } | { failureReason: string; failureText?: string | undefined },
  ): Promise<OrderResult> {
    const why = this.d.notReady(accountId, path === "Order/place" || path === "Order/modify");
    if (why !== undefined) return this.refuse(TRANSPORT_FAILURES.disconnected, why);
    const { clock } = this.d;
    let writtenAt: MonoMs | undefined;
    const attempt = async (): Promise<OrderResult> => {
      writtenAt = clock.mono();
      const env = await this.d.call(path, body, kind);
      const result = read(env);
      const ackAt = clock.mono();
      return "orderId" in result
        ? { ok: true, orderId: result.orderId, writtenAt, ackAt }
        : { ok: false, ...result, writtenAt, ackAt };
    };
    const activity = this.activity.get(accountId) ?? { sent: 0, open: 0 };
    this.activity.set(accountId, activity);
    activity.sent += 1;
    activity.open += 1;
    return attempt()
      .then(
        (result) => result,
        (error: unknown) => {
          const result = orderResultFromError(error, writtenAt, clock.mono());
          if (!result.ok && result.failureReason === TRANSPORT_FAILURES.budget) this.budgetSpent();
          return result;
        },
      )
      .then((result) => {
        activity.open -= 1;
        if (answerLost(result)) this.d.lost(accountId);
        if (this.idle.length > 0 && this.requests().open === 0) {
          const idle = this.idle;
          this.idle = [];
          for (const resolve of idle) resolve();
        }
        return this.clean(result);
      });
  }

  private accountOf(orderId: number): number | undefined {
    return this.d.accountOfOrder(orderId) ?? this.placed.get(orderId);
  }

  private remember(orderId: number, accountId: number): void {
    this.placed.set(orderId, accountId);
    if (this.placed.size > PLACED_KEPT) this.placed.delete(this.placed.keys().next().value as number);
  }

  private refuse(failureReason: string, failureText: string): Promise<OrderResult> {
    return Promise.resolve({ ok: false, failureReason, failureText, ackAt: this.d.clock.mono() });
  }

  private clean(result: OrderResult): OrderResult {
    if (!result.ok && result.failureText) result.failureText = this.d.redactor.text(result.failureText);
    return result;
  }

  /** Orders are being refused for budget: say so, once a minute at most. */
  private budgetSpent(): void {
    const now = this.d.clock.now();
    if (this.alertAt !== undefined && now - this.alertAt < BUDGET_ALERT_EVERY_MS) return;
    const refused = this.d.limiter.budget().refused;
    this.alertAt = now;
    const since = refused - this.refusedAtAlert;
    this.refusedAtAlert = refused;
    this.d.emit({
      type: "brokerAlert",
      connection: this.d.connection,
      level: "warn",
      message:
        `ProjectX request budget of connection "${this.d.connection}" is spent: ${since} request(s) refused at ` +
        'once (openings and reads first; exits keep a reserve). Copies refused this way are rejected with "request ' +
        'budget" and are not sent late. The budget refills as the minute window slides.',
    });
  }
}
