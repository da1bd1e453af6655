import { defined } from "../defined.js";
import { messageOf } from "../messageOf.js";
import type {
  AccountRoute,
  BrokerSession,
  Clock,
  ContractId,
  EngineEvent,
  Logger,
  ModifyOrderRequest,
  MonoMs,
  OcoLeg,
  OrderResult,
  OrderType,
  PlaceOrderRequest,
  Side,
  TimeInForce,
} from "../types.js";
import { SKIP_REASONS, silentLogger } from "../types.js";
import type { LatencyStage, LatencySummary } from "./latency.js";
import { LatencyBook } from "./latency.js";

/** The account an order, cancel or liquidation is for: its name and where it lives. */
export interface OrderTarget extends AccountRoute {
  /** The account's name (the config's spelling): Tradovate's accountSpec, and the latency key. */
  follower: string;
}

export interface MarketOrder extends OrderTarget {
  symbol: string;
  side: Side;
  qty: number;
  /** ≤ 64 characters; copies name the leader fill (see clOrdIdFor). */
  clOrdId: string;
  /** When the leader fill frame was received (clock.mono()); latency is measured from here. */
  startedAt?: MonoMs | undefined;
  text?: string | undefined;
  /** Only reduces or closes a position: may use the request budget kept for exits. */
  exit?: boolean | undefined;
}

/** A mirrored working order (issue 14): a type, the prices it needs, how long it works. */
export interface WorkingOrderSpec extends OrderTarget {
  symbol: string;
  side: Side;
  qty: number;
  /** ≤ 64 characters; mirrored orders name the leader order (see engine/mirror/clOrdIds.ts). */
  clOrdId: string;
  orderType: OrderType;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: how far its stop follows the price. */
  trail?: number | undefined;
  timeInForce?: TimeInForce | undefined;
  exit?: boolean | undefined;
}

/** New terms for one of a follower's working orders. */
export interface OrderChange extends OrderTarget {
  orderId: number;
  /** The whole quantity, what already filled included. */
  qty: number;
  orderType: OrderType;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: how far its stop follows the price. */
  trail?: number | undefined;
  timeInForce?: TimeInForce | undefined;
  exit?: boolean | undefined;
}

/** The account directory's answers the leader guard needs (a group is named by `name`). */
export interface LeaderLookup {
  /** The group an account leads, by the account's name. */
  leaderOf(name: string): { name: string } | undefined;
  /** The group a broker account leads, by its id on a connection, whatever name it was given. */
  leaderAt(connection: string, accountId: number): { name: string } | undefined;
}

export interface GatewayDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  leaders: LeaderLookup;
  logger?: Logger | undefined;
}

/** Thrown (synchronously, before the broker is touched) when asked to trade a leader account. */
export class LeaderGuardError extends Error {
  constructor(
    readonly account: string,
    readonly leaderOf: string,
  ) {
    super(`refused: account ${account} is the leader of group "${leaderOf}"; mimik never trades a leader`);
    this.name = "LeaderGuardError";
  }
}

const MAX_CLORDID = 64;

/** Deterministic clOrdId for a copy: names the leader fill and the follower (traceable, idempotent). */
export function clOrdIdFor(leaderFillId: number, followerAccountId: number): string {
  return `mk-${leaderFillId}-${followerAccountId}`;
}

interface Lane {
  inFlight: number;
}

/**
 * THE one place an order leaves the process. Every request first passes the leader guard (by
 * name and by broker account id, as the account directory knows them now). Each follower has its
 * own lane: its requests are written in call order, immediately (pipelined, never waiting on an
 * earlier ack), so a slow or failing follower only ever holds up its own promises.
 */
export class OrderGateway {
  private readonly lanes = new Map<string, Lane>();
  private readonly written = new Set<BrokerSession>();
  private readonly book = new LatencyBook();
  private shadows: ReadonlySet<string> = new Set();
  private readonly logger: Logger;

  constructor(private readonly deps: GatewayDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Issue 16: shadow followers, to whom nothing may ever be sent (refused like a leader). */
  setShadows(shadows: ReadonlySet<string>): void {
    this.shadows = shadows;
  }

  placeMarket(order: MarketOrder): Promise<OrderResult> {
    this.guard(order);
    if (!Number.isInteger(order.qty) || order.qty <= 0) {
      throw new RangeError(`order qty must be a positive whole number (got ${order.qty})`);
    }
    if (order.side !== "Buy" && order.side !== "Sell") throw new RangeError(`order side must be Buy or Sell`);
    if (!order.symbol) throw new RangeError("order symbol must not be empty");
    if (order.clOrdId.length === 0 || order.clOrdId.length > MAX_CLORDID) {
      throw new RangeError(`clOrdId must be 1-${MAX_CLORDID} characters`);
    }
    // Field by field, no spreads: this runs once per follower of every copy.
    const request: PlaceOrderRequest = {
      accountId: order.accountId,
      accountName: order.follower,
      symbol: order.symbol,
      action: order.side,
      qty: order.qty,
      clOrdId: order.clOrdId,
    };
    if (order.text !== undefined) request.text = order.text;
    if (order.exit) request.exit = true;
    const { startedAt } = order;
    if (startedAt === undefined) return this.run(order, () => order.session.placeOrder(request));
    return this.run(
      order,
      () => order.session.placeOrder(request),
      (result) => {
        if (result.writtenAt !== undefined) this.book.record("written", result.writtenAt - startedAt);
        this.book.record("ack", result.ackAt - startedAt);
      },
    );
  }

  /** A working order (or a market one) of any type mimik sends; its prices checked first. */
  placeWorking(order: WorkingOrderSpec): Promise<OrderResult> {
    this.guard(order);
    checkOrder(order);
    const request = workingRequest(order);
    return this.run(order, () => order.session.placeOrder(request));
  }

  /**
   * Two orders, one cancelling the other, in one request. A session without native OCO orders
   * answers "Unsupported" (the mirror then places two orders and links them itself).
   */
  placeOco(order: WorkingOrderSpec & { other: OcoLeg }): Promise<OrderResult> {
    this.guard(order);
    checkOrder(order);
    checkOrder({ ...order, ...order.other, side: order.other.action });
    const { session } = order;
    if (!session.placeOco)
      return Promise.resolve({
        ok: false,
        failureReason: "Unsupported",
        failureText: `${session.connection} places no OCO orders`,
        ackAt: this.deps.clock.mono(),
      });
    const request = { ...workingRequest(order), other: order.other };
    return this.run(order, () => session.placeOco!(request));
  }

  modify(change: OrderChange): Promise<OrderResult> {
    this.guard(change);
    checkTerms(change, false);
    const request: ModifyOrderRequest = {
      accountId: change.accountId,
      orderId: change.orderId,
      qty: change.qty,
      orderType: change.orderType,
      ...defined({
        price: change.price,
        stopPrice: change.stopPrice,
        trail: change.trail,
        timeInForce: change.timeInForce,
      }),
      ...(change.exit ? { exit: true } : {}),
    };
    return this.run(change, () => change.session.modifyOrder(request));
  }

  cancel(target: OrderTarget & { orderId: number }): Promise<OrderResult> {
    this.guard(target);
    return this.run(target, () => target.session.cancelOrder(target.orderId));
  }

  liquidate(target: OrderTarget & { contractId: ContractId }): Promise<OrderResult> {
    this.guard(target);
    return this.run(target, () => target.session.liquidatePosition(target.accountId, target.contractId));
  }

  /** A follower fill for one of our orders arrived: leader fill received → follower fill received. */
  recordFill(startedAt: MonoMs, receivedAt: MonoMs): void {
    this.book.record("filled", receivedAt - startedAt);
  }

  /** p50/p99 in ms over every follower. "written" is the internal copy latency. */
  latency(stage: LatencyStage = "written"): LatencySummary {
    return this.book.summary(stage);
  }

  /** Requests written for this follower and not yet answered. */
  inFlight(follower: string): number {
    return this.lanes.get(follower)?.inFlight ?? 0;
  }

  private guard(target: OrderTarget): void {
    if (this.shadows.has(target.follower))
      throw new Error(`${target.follower} is a shadow follower: nothing is ever sent to it`);
    const { leaders } = this.deps;
    const group =
      leaders.leaderOf(target.follower)?.name ??
      leaders.leaderAt(target.session.connection, target.accountId)?.name;
    if (group === undefined) return;
    const error = new LeaderGuardError(target.follower, group);
    this.logger.error(error.message, { account: target.follower, group });
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "error",
      message: `${SKIP_REASONS.leaderGuard}: ${error.message}`,
      follower: target.follower,
      group,
    });
    throw error;
  }

  /**
   * Sends at once what the sessions written to since the last flush hold back (they batch the
   * writes of one incoming frame). The copier calls it when a fan-out is complete, so reporting
   * the copies (events, journal, screen) never delays the orders on the wire.
   */
  flush(): void {
    for (const session of this.written) session.flushWrites?.();
    this.written.clear();
  }

  /**
   * Start the broker call now, in this follower's lane; a throw becomes a failed result.
   * `answered` sees the result (a failure included) as the lane lets the request go.
   */
  private run(
    target: OrderTarget,
    call: () => Promise<OrderResult>,
    answered?: (result: OrderResult) => void,
  ): Promise<OrderResult> {
    this.written.add(target.session);
    let lane = this.lanes.get(target.follower);
    if (!lane) {
      lane = { inFlight: 0 };
      this.lanes.set(target.follower, lane);
    }
    const mine = lane;
    mine.inFlight += 1;
    let pending: Promise<OrderResult>;
    try {
      pending = call();
    } catch (error) {
      pending = Promise.reject(error);
    }
    // One reaction for both outcomes, the latency included: `.catch().finally()` and a `.then` for
    // the latency cost each order four more promises and three more microtask turns before its
    // answer reached the copier (200 orders a leader fill at 200 followers).
    return pending.then(
      (result) => {
        mine.inFlight -= 1;
        answered?.(result);
        return result;
      },
      (error: unknown): OrderResult => {
        mine.inFlight -= 1;
        const text = messageOf(error);
        this.logger.warn("broker call failed", { follower: target.follower, error: text });
        const result: OrderResult = {
          ok: false,
          failureReason: "broker error",
          failureText: text,
          ackAt: this.deps.clock.mono(),
        };
        answered?.(result);
        return result;
      },
    );
  }
}

/** Thrown before the broker is touched: a malformed order is a bug, never something to send. */
function checkOrder(order: WorkingOrderSpec): void {
  if (order.side !== "Buy" && order.side !== "Sell") throw new RangeError("order side must be Buy or Sell");
  if (!order.symbol) throw new RangeError("order symbol must not be empty");
  if (order.clOrdId.length === 0 || order.clOrdId.length > MAX_CLORDID) {
    throw new RangeError(`clOrdId must be 1-${MAX_CLORDID} characters`);
  }
  checkTerms(order, true);
}

type TermsOf = Pick<WorkingOrderSpec, "orderType" | "qty" | "price" | "stopPrice" | "trail">;

function checkTerms({ orderType: type, qty, price, stopPrice, trail }: TermsOf, placing: boolean): void {
  if (!Number.isInteger(qty) || qty <= 0) {
    throw new RangeError(`order qty must be a positive whole number (got ${qty})`);
  }
  const positive = (x: number | undefined) => x !== undefined && Number.isFinite(x) && x > 0;
  if ((type === "Limit" || type === "StopLimit") && !positive(price))
    throw new RangeError(`a ${type} order needs a positive price`);
  if ((type === "Stop" || type === "StopLimit") && !positive(stopPrice))
    throw new RangeError(`a ${type} order needs a positive stop price`);
  // A modify may leave a trailing stop's distance out (the order keeps its own); one said is checked.
  if (type === "TrailingStop" && (placing || trail !== undefined) && !positive(trail))
    throw new RangeError("a TrailingStop order needs a positive trail distance");
}

function workingRequest(order: WorkingOrderSpec): PlaceOrderRequest {
  return {
    accountId: order.accountId,
    accountName: order.follower,
    symbol: order.symbol,
    action: order.side,
    qty: order.qty,
    clOrdId: order.clOrdId,
    orderType: order.orderType,
    ...defined({
      price: order.price,
      stopPrice: order.stopPrice,
      trail: order.trail,
      timeInForce: order.timeInForce,
    }),
    ...(order.exit ? { exit: true } : {}),
  };
}
