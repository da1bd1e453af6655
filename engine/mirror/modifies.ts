/**
 * The mirror's modifies of follower orders: sent through the order gateway, spaced per order
 * (ModifySpacing), and their refusals read, in the answer or, Tradovate taking a modify and
 * refusing it after, in the command's report (ModifyReports). The same modify refused is asked
 * again later and later; refused for about ten minutes it is given up until the leader moves its
 * order again or the order ends, and the trader is told once, at error level, where the
 * follower's order stayed and where the leader's is.
 */
import { answerLost } from "../orders/answerLost.js";
import type { OrderGateway } from "../orders/gateway.js";
import { priceWords } from "../priceWords.js";
import type { Clock, EngineEvent, MirrorEvent } from "../types.js";
import type { FollowerOrders } from "./followerOrders.js";
import { ModifyReports, type TakenModify } from "./modifyReports.js";
import { ModifySpacing } from "./modifySpacing.js";
import { MIRROR_REASONS, refusalText } from "./reasons.js";
import { attempt, legFields } from "./requestParts.js";
import type { Target } from "./sender.js";
import type { Held, WantLeg } from "./types.js";

export interface ModifiesDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  gateway: Pick<OrderGateway, "modify">;
  orders: Pick<FollowerOrders, "setBusy" | "modifyAnswered">;
  /** Something was answered: look at this follower again. */
  answered(follower: string): void;
  /** Tells the journal a request and its outcome (the sender's MirrorEvent). */
  tell(
    t: Target,
    leaderId: number,
    action: MirrorEvent["action"],
    outcome: MirrorEvent["outcome"],
    reason: string,
    fields: Partial<MirrorEvent>,
  ): void;
  /** Minimum spacing of modifies (and cancels) of one order. */
  modifyEveryMs: number;
}

export class MirrorModifies {
  private readonly reports = new ModifyReports();
  /** When each order may be modified again (the plan asks it: `ModifyGate`). */
  readonly spacing: ModifySpacing;

  constructor(private readonly deps: ModifiesDeps) {
    this.spacing = new ModifySpacing(deps.modifyEveryMs);
  }

  modify(t: Target, order: Held, leg: WantLeg, exit: boolean, reason: string): void {
    const orderId = order.orderId;
    if (orderId === undefined) return;
    const { terms } = leg;
    this.spacing.touched(order.clOrdId, this.deps.clock.now());
    this.deps.orders.setBusy(t.follower, order.clOrdId, "modifying");
    // A trailing stop's own stop has trailed since: only its quantity is asked to change (plan.ts),
    // and only its quantity is said, as Tradovate refuses a trailing stop's modify that says more.
    const trailing = terms.orderType === "TrailingStop";
    const fields = {
      ...legFields(leg),
      qty: order.filled + terms.remaining,
      ...(trailing && { stopPrice: undefined }),
    };
    this.deps.tell(t, order.leaderId, "modify", "sent", reason, {
      ...fields,
      clOrdId: order.clOrdId,
      orderId,
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
        stopPrice: trailing ? undefined : terms.stopPrice,
        timeInForce: trailing ? undefined : terms.timeInForce,
        exit,
      }),
    );
    void result.then((r) => {
      this.deps.orders.modifyAnswered(t.follower, order.clOrdId);
      const taken = { t, leaderId: order.leaderId, terms, filled: order.filled, from: order };
      const early =
        r.ok && r.commandId !== undefined && this.reports.answered(order.clOrdId, r.commandId, taken);
      if (early) this.refused(order.clOrdId, taken, early);
      else if (!r.ok) {
        // A lost answer may have passed: not counted as a refusal.
        if (!answerLost(r)) this.refused(order.clOrdId, taken, refusalText(r));
        else
          this.deps.tell(t, order.leaderId, "modify", "rejected", MIRROR_REASONS.rejected(refusalText(r)), {
            clOrdId: order.clOrdId,
          });
      }
      this.deps.answered(t.follower);
    });
  }

  /** The broker took a modify of this order, then refused it in the command's report (ModifyReports). */
  refusedInReport(clOrdId: string, refused: { commandId: number; reason: string }): void {
    const taken = this.reports.refused(clOrdId, refused.commandId, refused.reason);
    if (!taken) return;
    this.refused(clOrdId, taken, refused.reason);
    this.deps.answered(taken.t.follower);
  }

  /** A refused modify is asked again with the same terms only after a while, or given up. */
  private refused(clOrdId: string, m: TakenModify, why: string): void {
    const { times, gaveUp } = this.spacing.noteRefused(
      clOrdId,
      m.terms,
      m.filled,
      this.deps.clock.now(),
      why,
      m.leaderId,
    );
    const reason = gaveUp ? MIRROR_REASONS.modifyGivenUp(why, times) : MIRROR_REASONS.rejected(why);
    this.deps.tell(m.t, m.leaderId, "modify", "rejected", reason, { clOrdId });
    if (!gaveUp) return;
    const { follower, contract, group } = m.t;
    const o = m.from;
    const stays = `${priceWords(o) || o.orderType} (${o.qty - o.filled} contracts)`;
    const wanted = `${priceWords(m.terms) || m.terms.orderType} (${m.terms.remaining} asked)`;
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "error",
      group,
      follower,
      message: `the broker refused ${times} times to move ${follower}'s ${o.orderType} order ${o.orderId} (${o.side} ${contract}): ${why}. It stays at ${stays} while the leader's order ${m.leaderId} is at ${wanted}; mimik asks no more until the leader moves its order again: move or cancel ${follower}'s order by hand if it should follow`,
    });
  }
}
