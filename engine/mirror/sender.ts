/**
 * The mirror's requests, through the order gateway (the one exit for orders, leader guard
 * included): placements (one order, a native OCO, or two orders mimik links itself when the
 * broker has no OCO), modifies, cancels and late market orders. Each is told as a MirrorEvent with
 * its leader order and reason, before its answer and again if it is refused. Owns the spacing of
 * modifies (and cancels) per order and the memory of requests the broker refused, so the same
 * refused request is not sent again and again (a refused modify is asked again after a while).
 */

import { messageOf } from "../messageOf.js";
import { answerLost } from "../orders/answerLost.js";
import type { OrderGateway, WorkingOrderSpec } from "../orders/gateway.js";
import type { AccountRoute, Clock, EngineEvent, Logger, MirrorEvent, OrderResult, Side } from "../types.js";
import { mirrorClOrdId, type SetTokens } from "./clOrdIds.js";
import type { FollowerOrders } from "./followerOrders.js";
import { termsKey } from "./plan.js";
import { MIRROR_REASONS } from "./reasons.js";
import type { Held, Terms, WantLeg, WantSet } from "./types.js";

export interface SenderDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  gateway: Pick<OrderGateway, "placeWorking" | "placeOco" | "modify" | "cancel" | "placeMarket">;
  orders: FollowerOrders;
  tokens: SetTokens;
  logger: Logger;
  /** An opening was placed for this follower and leader order (risk counts trades). */
  onOpening(follower: string, leaderId: number): void;
  /** Something was answered: look at this follower again. */
  answered(follower: string): void;
  /** Minimum spacing of modifies (and cancels) of one order. */
  modifyEveryMs: number;
}

/** The follower, where it lives and the contract its orders are in. */
export interface Target {
  group: string;
  follower: string;
  route: AccountRoute;
  contract: string;
}

const REFUSED_KEPT = 2_000;
/** A modify refused with these very terms is asked again no sooner (a refusal may pass). */
const MODIFY_REFUSED_MS = 5_000;

export class MirrorSender {
  private readonly lastTouched = new Map<string, number>();
  private readonly refusals = new Map<string, string>();
  /** Modifies refused (order and terms) → when. */
  private readonly refusedModifies = new Map<string, number>();

  constructor(private readonly deps: SenderDeps) {}

  /**
   * When the order may be modified (to `terms`) again; undefined: now. A modify refused with these
   * very terms waits a while: asked again every spacing it would only spend the login's request
   * budget (every account on it pays). The leader's next move (new terms) is asked after the spacing.
   */
  modifiableAt(clOrdId: string, terms?: Terms, filled = 0): number | undefined {
    const touched = this.lastTouched.get(clOrdId);
    const refused = terms && this.refusedModifies.get(modifyKey(clOrdId, terms, filled));
    const times = [touched && touched + this.deps.modifyEveryMs, refused && refused + MODIFY_REFUSED_MS];
    const at = Math.max(...times.map((t) => t ?? 0));
    return at > 0 ? at : undefined;
  }

  /** The broker refused this very set before, and why. */
  refusal(set: WantSet): string | undefined {
    return this.refusals.get(termsKey(set));
  }

  place(t: Target, set: WantSet): void {
    const { deps } = this;
    const token = deps.tokens.next();
    const legs = set.legs.map((leg) => ({
      leg,
      clOrdId: mirrorClOrdId(leg.leaderId, t.route.accountId, token),
    }));
    const exit = set.role === "exit";
    for (const { leg, clOrdId } of legs) {
      deps.orders.sent(t.follower, heldOf(leg, clOrdId, token, t.contract));
      this.tell(t, leg.leaderId, "place", "sent", set.why, { ...legFields(leg), clOrdId });
    }
    if (set.role === "entry") for (const { leg } of legs) deps.onOpening(t.follower, leg.leaderId);
    const specs = legs.map(({ leg, clOrdId }) => this.spec(t, leg, clOrdId, exit));
    const [first, second] = specs;
    if (second && t.route.session.placeOco) {
      const other = {
        action: second.side,
        orderType: second.orderType,
        ...defined({ price: second.price, stopPrice: second.stopPrice, timeInForce: second.timeInForce }),
        clOrdId: second.clOrdId,
      };
      const result = attempt(deps.clock, () => deps.gateway.placeOco({ ...first!, other }));
      this.watch(
        t,
        legs[0]!.leg.leaderId,
        "place",
        set,
        result,
        (r) => {
          deps.orders.accepted(t.follower, first!.clOrdId, r.ok ? r.orderId : undefined);
          deps.orders.accepted(t.follower, second.clOrdId, r.ok ? r.otherOrderId : undefined);
        },
        [first!.clOrdId, second.clOrdId],
      );
      return;
    }
    // No native OCO: two orders, linked by mimik (the set token; the plan cancels the other).
    for (const spec of specs) {
      const result = attempt(deps.clock, () => deps.gateway.placeWorking(spec));
      this.watch(
        t,
        leaderOf(spec.clOrdId, legs),
        "place",
        set,
        result,
        (r) => {
          deps.orders.accepted(t.follower, spec.clOrdId, r.ok ? r.orderId : undefined);
        },
        [spec.clOrdId],
      );
    }
  }

  modify(t: Target, order: Held, leg: WantLeg, exit: boolean, reason: string): void {
    const orderId = order.orderId;
    if (orderId === undefined) return;
    const { terms } = leg;
    const key = modifyKey(order.clOrdId, terms, order.filled);
    this.lastTouched.set(order.clOrdId, this.deps.clock.now());
    this.deps.orders.setBusy(t.follower, order.clOrdId, "modifying");
    const fields = { ...legFields(leg), qty: order.filled + terms.remaining };
    this.tell(t, order.leaderId, "modify", "sent", reason, {
      ...fields,
      clOrdId: order.clOrdId,
      orderId: order.orderId,
    });
    const result = attempt(this.deps.clock, () =>
      this.deps.gateway.modify({
        follower: t.follower,
        session: t.route.session,
        accountId: t.route.accountId,
        orderId,
        qty: order.filled + terms.remaining,
        orderType: terms.orderType,
        price: terms.price,
        stopPrice: terms.stopPrice,
        timeInForce: terms.timeInForce,
        exit,
      }),
    );
    void result.then((r) => {
      this.deps.orders.setBusy(t.follower, order.clOrdId, undefined);
      if (!r.ok) {
        if (!answerLost(r)) this.refusedModifies.set(key, this.deps.clock.now());
        this.refused(t, order.leaderId, "modify", r, { clOrdId: order.clOrdId });
      }
      this.deps.answered(t.follower);
    });
  }

  /** `then` runs once the broker has taken the cancel (a late order's market goes only then). */
  cancel(t: Target, order: Held, reason: string, then?: () => void): void {
    if (order.orderId === undefined || order.busy === "cancelling") return;
    this.lastTouched.set(order.clOrdId, this.deps.clock.now());
    this.deps.orders.setBusy(t.follower, order.clOrdId, "cancelling", order.leaderId);
    this.tell(t, order.leaderId, "cancel", "sent", reason, {
      side: order.side,
      orderType: order.orderType,
      clOrdId: order.clOrdId,
      orderId: order.orderId,
    });
    const orderId = order.orderId;
    const result = attempt(this.deps.clock, () =>
      this.deps.gateway.cancel({
        follower: t.follower,
        session: t.route.session,
        accountId: t.route.accountId,
        orderId,
      }),
    );
    void result.then((r) => {
      if (r.ok) then?.();
      else {
        // Too late (it filled or died) or refused: its next report says which; look again then.
        this.deps.orders.setBusy(t.follower, order.clOrdId, undefined);
        this.refused(t, order.leaderId, "cancel", r, { clOrdId: order.clOrdId });
      }
      this.deps.answered(t.follower);
    });
  }

  /** What is left of a late order, at market (after its cancel, in the same lane). */
  market(t: Target, leaderId: number, side: Side, qty: number, exit: boolean, reason: string): void {
    const clOrdId = mirrorClOrdId(leaderId, t.route.accountId, this.deps.tokens.next());
    this.tell(t, leaderId, "market", "sent", reason, { side, orderType: "Market", qty, clOrdId });
    const result = attempt(this.deps.clock, () =>
      this.deps.gateway.placeMarket({
        follower: t.follower,
        session: t.route.session,
        accountId: t.route.accountId,
        symbol: t.contract,
        side,
        qty,
        clOrdId,
        exit,
      }),
    );
    void result.then((r) => {
      if (!r.ok) this.refused(t, leaderId, "market", r, { clOrdId });
      this.deps.answered(t.follower);
    });
  }

  /** Spacing and modify refusals that have run out are forgotten (only a moment's are kept). */
  prune(now: number): void {
    for (const [clOrdId, at] of this.lastTouched)
      if (at + this.deps.modifyEveryMs <= now) this.lastTouched.delete(clOrdId);
    for (const [key, at] of this.refusedModifies)
      if (at + MODIFY_REFUSED_MS <= now) this.refusedModifies.delete(key);
  }

  private spec(t: Target, leg: WantLeg, clOrdId: string, exit: boolean): WorkingOrderSpec {
    return {
      follower: t.follower,
      session: t.route.session,
      accountId: t.route.accountId,
      symbol: t.contract,
      side: leg.side,
      qty: leg.terms.remaining,
      clOrdId,
      orderType: leg.terms.orderType,
      price: leg.terms.price,
      stopPrice: leg.terms.stopPrice,
      timeInForce: leg.terms.timeInForce,
      exit,
    };
  }

  /** Follow a placement's answer: accepted, refused (remembered), or unknown (wait for a snapshot). */
  private watch(
    t: Target,
    leaderId: number,
    action: MirrorEvent["action"],
    set: WantSet,
    result: Promise<OrderResult>,
    onAnswer: (r: OrderResult) => void,
    clOrdIds: string[],
  ): void {
    void result.then((r) => {
      onAnswer(r);
      if (!r.ok) {
        const unsure = answerLost(r);
        for (const clOrdId of clOrdIds) this.deps.orders.notPlaced(t.follower, clOrdId, unsure);
        if (!unsure) this.remember(termsKey(set), reasonOf(r));
        this.refused(t, leaderId, action, r, { clOrdId: clOrdIds[0] });
      }
      this.deps.answered(t.follower);
    });
  }

  private remember(key: string, reason: string): void {
    this.refusals.set(key, reason);
    if (this.refusals.size > REFUSED_KEPT) {
      const oldest = this.refusals.keys().next();
      if (!oldest.done) this.refusals.delete(oldest.value);
    }
  }

  private refused(
    t: Target,
    leaderId: number,
    action: MirrorEvent["action"],
    r: OrderResult,
    fields: Partial<MirrorEvent>,
  ): void {
    this.tell(t, leaderId, action, "rejected", MIRROR_REASONS.rejected(reasonOf(r)), fields);
  }

  private tell(
    t: Target,
    leaderOrderId: number,
    action: MirrorEvent["action"],
    outcome: MirrorEvent["outcome"],
    reason: string,
    fields: Partial<MirrorEvent>,
  ): void {
    this.deps.emit({
      type: "mirror",
      at: this.deps.clock.now(),
      group: t.group,
      follower: t.follower,
      contract: t.contract,
      leaderOrderId,
      action,
      outcome,
      reason,
      ...fields,
    });
  }
}

function modifyKey(clOrdId: string, terms: Terms, filled: number): string {
  return `${clOrdId}|${filled + terms.remaining}|${JSON.stringify(terms)}`;
}

function heldOf(leg: WantLeg, clOrdId: string, set: string, contract: string): Held {
  return {
    clOrdId,
    leaderId: leg.leaderId,
    contract,
    set,
    side: leg.side,
    orderType: leg.terms.orderType,
    qty: leg.terms.remaining,
    filled: 0,
    price: leg.terms.price,
    stopPrice: leg.terms.stopPrice,
    timeInForce: leg.terms.timeInForce,
  };
}

function legFields(leg: WantLeg): Partial<MirrorEvent> {
  return defined({
    side: leg.side,
    orderType: leg.terms.orderType,
    qty: leg.terms.remaining,
    price: leg.terms.price,
    stopPrice: leg.terms.stopPrice,
  });
}

function leaderOf(clOrdId: string, legs: readonly { leg: WantLeg; clOrdId: string }[]): number {
  return legs.find((l) => l.clOrdId === clOrdId)!.leg.leaderId;
}

function reasonOf(r: OrderResult): string {
  if (r.ok) return "accepted";
  return r.failureText ? `${r.failureReason}: ${r.failureText}` : r.failureReason;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A gateway call whose synchronous refusal (a leader, a malformed order) becomes a failed result. */
function attempt(clock: Clock, call: () => Promise<OrderResult>): Promise<OrderResult> {
  try {
    return call();
  } catch (error) {
    const text = messageOf(error);
    return Promise.resolve({ ok: false, failureReason: "refused", failureText: text, ackAt: clock.mono() });
  }
}
