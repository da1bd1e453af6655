/**
 * The mirror's requests, through the order gateway (the one exit for orders, leader guard
 * included): placements (one order, a native OCO, or two orders mimik links itself when the
 * broker has no OCO), modifies, cancels and late market orders. Each is told as a MirrorEvent with
 * its leader order and reason, before its answer and again if it is refused. Owns the spacing of
 * modifies (and cancels) per order and the memory of requests the broker refused, so the same
 * refused request is not sent again and again: a refused placement is asked again a few times,
 * further apart each time (refusals.ts), then given up with a warning; modifies go through
 * modifies.ts (a refused one asked again after a while, then given up with an error).
 */

import { defined } from "../defined.js";
import { answerLost } from "../orders/answerLost.js";
import type { OrderGateway, WorkingOrderSpec } from "../orders/gateway.js";
import { priceWords } from "../priceWords.js";
import type { AccountRoute, Clock, EngineEvent, Logger, MirrorEvent, OrderResult, Side } from "../types.js";
import { mirrorClOrdId, type SetTokens } from "./clOrdIds.js";
import type { FollowerOrders } from "./followerOrders.js";
import { MirrorModifies } from "./modifies.js";
import type { ModifySpacing } from "./modifySpacing.js";
import { MIRROR_REASONS, refusalText } from "./reasons.js";
import { type Blocked, Refusals } from "./refusals.js";
import { attempt, legFields } from "./requestParts.js";
import type { Held, WantLeg, WantSet } from "./types.js";

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
  /**
   * The broker refused a cancel in its answer: asked again, or waited on (CancelRefusals). `then`:
   * what was to run once it was done (a late order's market), for the cancel asked again.
   */
  cancelRefused(t: Target, order: Held, r: Extract<OrderResult, { ok: false }>, then?: () => void): void;
  /** Minimum spacing of modifies (and cancels) of one order. */
  modifyEveryMs: number;
}

/**
 * The legs sent in one request (a native OCO's two, or one leg alone): rejected after the broker
 * took them, they are one refusal however many reports say so.
 */
interface Placement {
  t: Target;
  set: WantSet;
  legs: WantLeg[];
  counted: boolean;
}

/** The follower, where it lives and the contract its orders are in. */
export interface Target {
  group: string;
  follower: string;
  route: AccountRoute;
  contract: string;
}

/** Placements remembered for a rejection that comes after the broker took them (an event). */
const PLACED_KEPT = 2_000;
const REJECTED_LATER = "Rejected: the broker took the order, then rejected it";

export class MirrorSender {
  private readonly refusals = new Refusals();
  private readonly modifies: MirrorModifies;
  /** clOrdId → what it was placed as: a rejection that comes later counts as a refusal too. */
  private readonly placedAs = new Map<string, { placement: Placement; leg: WantLeg }>();
  /** When each order may be modified again (the plan asks it: `ModifyGate`). */
  readonly spacing: ModifySpacing;

  constructor(private readonly deps: SenderDeps) {
    // Without this, an order taken and then rejected (Tradovate's risk checks do it) would be
    // placed again at once, and rejected again, as fast as the broker answers.
    deps.orders.rejectedLater = (clOrdId) => this.rejectedLater(clOrdId);
    const tell = this.tell.bind(this);
    this.modifies = new MirrorModifies({ ...deps, tell });
    this.spacing = this.modifies.spacing;
  }

  /** The leader changed an order's terms: its mirrors' refusals start afresh (placements and modifies). */
  leaderMoved(leaderId: number): void {
    this.refusals.leaderMoved(leaderId);
    this.spacing.leaderMoved(leaderId);
  }

  /** The set's legs the follower's broker refused with these terms, not to ask for again yet (and why). */
  blocked(follower: string, set: WantSet): Blocked[] {
    return this.refusals.blocked(follower, set, this.deps.clock.now());
  }

  /**
   * `into`: the token of the held set the legs join (mimik links the legs itself); each then gets
   * a name of its own, as a broker may refuse one it has seen before (a refused leg's, say).
   */
  place(t: Target, set: WantSet, into?: string): void {
    const { deps } = this;
    const token = into ?? deps.tokens.next();
    const legs = set.legs.map((leg) => ({
      leg,
      clOrdId: mirrorClOrdId(leg.leaderId, t.route.accountId, token, into && deps.tokens.next()),
    }));
    const exit = set.role === "exit";
    const oco = legs.length > 1 && t.route.session.placeOco !== undefined;
    const together: Placement = { t, set, legs: legs.map((l) => l.leg), counted: false };
    for (const { leg, clOrdId } of legs) {
      deps.orders.sent(t.follower, heldOf(leg, clOrdId, token, t.contract));
      const placement = oco ? together : { t, set, legs: [leg], counted: false };
      this.placedAs.set(clOrdId, { placement, leg });
      if (this.placedAs.size > PLACED_KEPT) this.placedAs.delete(this.placedAs.keys().next().value as string);
      this.tell(t, leg.leaderId, "place", "sent", set.why, { ...legFields(leg), clOrdId });
    }
    if (set.role === "entry") for (const { leg } of legs) deps.onOpening(t.follower, leg.leaderId);
    const specs = legs.map(({ leg, clOrdId }) => this.spec(t, leg, clOrdId, exit));
    const [first, second] = specs;
    if (second && oco) {
      const { side, orderType, clOrdId, price, stopPrice, trail, timeInForce } = second;
      const other = {
        action: side,
        orderType,
        ...defined({ price, stopPrice, trail, timeInForce }),
        clOrdId,
      };
      const result = attempt(deps.clock, () => deps.gateway.placeOco({ ...first!, other }));
      this.watch(t, set, legs, result, (r) => {
        deps.orders.accepted(t.follower, first!.clOrdId, r.ok ? r.orderId : undefined);
        deps.orders.accepted(t.follower, second.clOrdId, r.ok ? r.otherOrderId : undefined);
      });
      return;
    }
    // No native OCO: two orders, linked by mimik (the set token; the plan cancels the other). One
    // refused leaves the other working (plan.ts): a refused target never costs the stop.
    for (const [i, spec] of specs.entries()) {
      const result = attempt(deps.clock, () => deps.gateway.placeWorking(spec));
      this.watch(t, set, [legs[i]!], result, (r) => {
        deps.orders.accepted(t.follower, spec.clOrdId, r.ok ? r.orderId : undefined);
      });
    }
  }

  modify(t: Target, order: Held, leg: WantLeg, exit: boolean, reason: string): void {
    this.modifies.modify(t, order, leg, exit, reason);
  }

  /** The broker took a modify of this order, then refused it in the command's report (modifies.ts). */
  refusedInReport(clOrdId: string, refused: { commandId: number; reason: string }): void {
    this.modifies.refusedInReport(clOrdId, refused);
  }

  /**
   * `then` runs once the broker has taken the cancel and the order is heard finished (a late
   * order's market goes only then): it may fill on the cancel's way.
   */
  cancel(t: Target, order: Held, reason: string, then?: () => void): void {
    if (order.orderId === undefined || order.busy === "cancelling") return;
    this.spacing.touched(order.clOrdId, this.deps.clock.now());
    this.deps.orders.setBusy(t.follower, order.clOrdId, "cancelling", order);
    this.tell(t, order.leaderId, "cancel", "sent", reason, {
      side: order.side,
      orderType: order.orderType,
      clOrdId: order.clOrdId,
      orderId: order.orderId,
    });
    const orderId = order.orderId;
    if (then) this.deps.orders.whenCancelled(t.follower, order.clOrdId, then);
    const result = attempt(this.deps.clock, () =>
      this.deps.gateway.cancel({
        follower: t.follower,
        session: t.route.session,
        accountId: t.route.accountId,
        orderId,
      }),
    );
    void result.then((r) => {
      const then = this.deps.orders.cancelAnswered(order.clOrdId, r.ok);
      if (!r.ok) this.deps.cancelRefused(t, order, r, then);
      this.deps.answered(t.follower);
    });
  }

  /** A late order's rest that does not go to market after all, and why. */
  skipped(t: Target, leaderId: number, reason: string): void {
    this.tell(t, leaderId, "skip", "skipped", `its rest not sent to market: ${reason}`, {});
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
      trail: leg.terms.trail,
      timeInForce: leg.terms.timeInForce,
      exit,
    };
  }

  /**
   * Follow a placement's answer (of `placed`, legs of `set`): accepted, refused (remembered, and
   * asked again later or given up), or unknown (wait for a snapshot).
   */
  private watch(
    t: Target,
    set: WantSet,
    placed: ReadonlyArray<{ leg: WantLeg; clOrdId: string }>,
    result: Promise<OrderResult>,
    onAnswer: (r: OrderResult) => void,
  ): void {
    const legs = placed.map((p) => p.leg);
    void result.then((r) => {
      onAnswer(r);
      if (!r.ok) {
        const unsure = answerLost(r);
        for (const { clOrdId } of placed) {
          this.deps.orders.notPlaced(t.follower, clOrdId, unsure);
          this.placedAs.delete(clOrdId);
        }
        this.refused(t, legs[0]!.leaderId, "place", r, { clOrdId: placed[0]!.clOrdId });
        if (!unsure) {
          const { times, gaveUp } = this.refusals.refused(
            t.follower,
            set,
            legs,
            refusalText(r),
            this.deps.clock.now(),
          );
          if (gaveUp) this.gaveUp(t, legs, times, refusalText(r));
        }
      }
      this.deps.answered(t.follower);
    });
  }

  /** The broker took a placement, then rejected the order: a refusal as well. */
  private rejectedLater(clOrdId: string): void {
    const placed = this.placedAs.get(clOrdId);
    if (!placed) return;
    this.placedAs.delete(clOrdId);
    const { placement: p, leg } = placed;
    this.tell(p.t, leg.leaderId, "place", "rejected", MIRROR_REASONS.rejected(REJECTED_LATER), { clOrdId });
    // A native OCO's legs are rejected one report each, yet they were one request: counted as a
    // pair (as a refusal in the answer is), it is given up once, with one warning.
    if (p.counted) return;
    p.counted = true;
    const { times, gaveUp } = this.refusals.refused(
      p.t.follower,
      p.set,
      p.legs,
      REJECTED_LATER,
      this.deps.clock.now(),
    );
    if (gaveUp) this.gaveUp(p.t, p.legs, times, REJECTED_LATER);
  }

  /** Refused time after time: the trader is told, as the follower may now lack what its leader has. */
  private gaveUp(t: Target, legs: readonly WantLeg[], times: number, reason: string): void {
    const what = legs.map((l) => `${l.side} ${l.terms.orderType} ${priceWords(l.terms)}`);
    const ids = legs.map((l) => l.leaderId).join(" and ");
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "warn",
      message: `${t.follower}: its broker refused the mirror of leader order ${ids} on ${t.contract} (${what.join(", ")}) ${times} times (${reason}): not asked again until its terms change`,
      follower: t.follower,
      group: t.group,
    });
  }

  private refused(
    t: Target,
    leaderId: number,
    action: MirrorEvent["action"],
    r: OrderResult,
    fields: Partial<MirrorEvent>,
  ): void {
    this.tell(t, leaderId, action, "rejected", MIRROR_REASONS.rejected(refusalText(r)), fields);
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

/** The leg as held until the broker shows it: its terms as asked, nothing filled. */
function heldOf(leg: WantLeg, clOrdId: string, set: string, contract: string): Held {
  const { remaining, ...terms } = leg.terms;
  return {
    clOrdId,
    leaderId: leg.leaderId,
    contract,
    set,
    side: leg.side,
    ...terms,
    qty: remaining,
    filled: 0,
  };
}
