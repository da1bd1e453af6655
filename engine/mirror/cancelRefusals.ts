/**
 * A mirror's cancel the broker refused. Tradovate may refuse it while the order works on, in the
 * answer itself or after taking it, in the command's report (tradovate-protocol.md §3.6:
 * commandReport RiskRejected): nothing about the order changes, so no report of its end ever
 * comes. The order is asked to be cancelled again, soon and then further apart (`cancelRetry`),
 * and the trader hears why the follower's exit waits; if the broker keeps refusing, at error
 * level, to flatten the follower by hand. A refusal that may be too late (`mayBeLate`: the order
 * filled or died on the cancel's way) waits a while for the order's report instead, as its fill
 * may come after the answer (ProjectX answers on HTTP, its hub tells of the fill).
 *
 * Meanwhile the order still counts as being cancelled (FollowerOrders.cancellingOn), so the
 * follower's exit on its line keeps waiting (cancel before close). Let go, that exit would sell
 * beside a stop that still works, and the stop's fill, or the mirror's late market for it, would
 * then sell the same contracts again: the follower short beside a flat leader. One owner of the
 * exit at a time: the copier's, sized from the position once the order is gone (cancelled at last,
 * or filled: then it sells nothing more). Never past flat; the wait is bounded by the broker taking
 * a cancel asked again, or by the trader told to act.
 */
import type { Clock } from "../clock.js";
import { answerLost } from "../orders/answerLost.js";
import type {
  AlertEvent,
  BrokerKind,
  EngineEvent,
  MirrorEvent,
  OrderResult,
  WorkingOrder,
} from "../types.js";
import { parseMirrorClOrdId } from "./clOrdIds.js";
import { type FollowerOrders, isOpenStatus } from "./followerOrders.js";
import type { MirrorAccounts } from "./mirror.js";
import { MIRROR_REASONS, refusalText } from "./reasons.js";
import type { MirrorSender, Target } from "./sender.js";
import type { Held } from "./types.js";

/** Refusals before the trader is asked, at error level, to flatten by hand. */
export const CANCEL_REFUSALS_TO_ALERT = 5;

/**
 * After the `times`-th refusal of an order's cancel: when it is asked again (0.5 s, 1 s, 2 s, 4 s,
 * then every 5 s: a few requests a minute of the login's budget while the line waits) and what the
 * trader is told: a warning at the first, an error when the broker has refused it so many times.
 */
export function cancelRetry(times: number): { delayMs: number; alert: AlertEvent["level"] | undefined } {
  const delayMs = Math.min(5_000, 500 * 2 ** Math.max(0, times - 1));
  const alert = times === 1 ? "warn" : times === CANCEL_REFUSALS_TO_ALERT ? "error" : undefined;
  return { delayMs, alert };
}

/** Tradovate's TooLate answers for an order still listed as working, asked again, before it is believed. */
export const TOO_LATE_BELIEVED = CANCEL_REFUSALS_TO_ALERT - 1;

/** How long a cancel refused maybe too late still counts as being cancelled with no report of the order. */
export const CANCEL_REFUSED_MS = 2_000;

/**
 * A cancel refused in its answer may have come too late (the order filled or died on its way):
 * then the order's report tells, and may come after the answer. Tradovate says TooLate; a lost
 * answer may have passed. ProjectX's codes do not tell a late cancel from one refused while the
 * order works (Order/cancel: 3 OrderRejected either way), and its fill comes on the hub after the
 * HTTP answer: each of its refusals waits for the report first.
 */
export function mayBeLate(broker: BrokerKind, r: Extract<OrderResult, { ok: false }>): boolean {
  return broker !== "tradovate" || r.failureReason === "TooLate" || answerLost(r);
}

export interface CancelRefusalsDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<MirrorAccounts, "route">;
  orders: Pick<FollowerOrders, "cancelOf" | "setBusy">;
  sender: Pick<MirrorSender, "cancel">;
  /** Look at the follower again: a wait for an order's report ended without one. */
  touch(follower: string): void;
}

/** Orders whose cancel was refused, remembered (a few at a time; bounded all the same). */
const KEPT = 500;

export class CancelRefusals {
  /** clOrdId → its follower, the last refused cancel's command id (a report's), and how many were refused. */
  private readonly refusals = new Map<string, { follower: string; commandId?: number; times: number }>();
  /** Timers → the follower and the order they are for: cleared when it leaves or the engine stops. */
  private readonly timers = new Map<unknown, { follower: string; order: string }>();

  constructor(private readonly deps: CancelRefusalsDeps) {}

  /** An order of the follower's changed: a cancel of ours refused in its report is asked again. */
  refused(group: string, follower: string, order: WorkingOrder): void {
    const { cancelRefused: refusal, clOrdId, contract, side, orderType } = order;
    if (!refusal || !clOrdId || !contract || !side || !isOpenStatus(order.status)) return;
    const named = parseMirrorClOrdId(clOrdId);
    if (!named || order.orderId === undefined) return;
    const held: Held = {
      ...{ orderId: order.orderId, clOrdId, leaderId: named.leaderOrderId, contract, set: named.set, side },
      ...{ orderType: orderType ?? "", qty: order.qty ?? 0, filled: order.filledQty ?? 0 },
    };
    this.again(group, follower, held, refusal.reason, refusal.commandId);
  }

  /**
   * The broker refused the cancel in its answer: asked again as one refused in its report, unless
   * it may be too late; then the order still counts as being cancelled until its report, or
   * CANCEL_REFUSED_MS without one, or an exit would be sized from a position its fill has not
   * reached yet and sell again what it sold. `then` (a late order's market) goes with the cancel
   * asked again: it runs once one is taken and the order is gone.
   */
  refusedInAnswer(t: Target, order: Held, r: Extract<OrderResult, { ok: false }>, then?: () => void): void {
    const why = refusalText(r);
    const { group, follower } = t;
    if (!mayBeLate(t.route.session.broker, r) && this.again(group, follower, order, why, undefined, then))
      return;
    this.deps.emit({
      ...{ type: "mirror", at: this.deps.clock.now(), group: t.group, follower: t.follower },
      ...{ contract: t.contract, leaderOrderId: order.leaderId, action: "cancel", outcome: "rejected" },
      ...{ reason: MIRROR_REASONS.rejected(why), clOrdId: order.clOrdId },
    });
    const cancel = this.deps.orders.cancelOf(t.follower, order.clOrdId);
    if (!cancel) {
      this.deps.orders.setBusy(t.follower, order.clOrdId, undefined);
      return;
    }
    let read = false;
    const look = () => {
      // Not if it ended meanwhile (its report, a snapshot), nor a cancel sent after it.
      if (this.deps.orders.cancelOf(t.follower, order.clOrdId) !== cancel) return;
      const route = this.deps.accounts.route(t.follower);
      const now = route?.session.workingOrders(route.accountId).find((o) => o.orderId === order.orderId);
      if (isOpenStatus(now?.status)) {
        // Listed as working so long after: refused while it works, or the list is stale (its end
        // unheard: asked again, the cancel would be refused for good and the exit wait with it).
        // Read again first where the session can: its snapshot ends the cancel, and says what the
        // order filled, before anything is sized on it.
        if (!read && route?.session.readAgain) {
          read = true;
          route.session.readAgain(route.accountId);
          this.after(follower, orderWords(order), CANCEL_REFUSED_MS, look);
          return;
        }
        // Tradovate said TooLate time after time (about 17 s, each with 2 s for the report: longer
        // than its watchdog lets a silent socket live, so the report is not late, it is lost): the
        // order works no more. Asked again, it would say so again, for good.
        const gone =
          t.route.session.broker === "tradovate" &&
          r.failureReason === "TooLate" &&
          (this.refusals.get(order.clOrdId)?.times ?? 0) >= TOO_LATE_BELIEVED;
        if (!gone && this.again(group, follower, order, why, undefined, then)) return;
      }
      this.deps.orders.setBusy(t.follower, order.clOrdId, undefined);
      this.deps.touch(t.follower);
    };
    this.after(follower, orderWords(order), CANCEL_REFUSED_MS, look);
  }

  /**
   * A cancel of ours refused while the order works: asked again after a while, the trader told.
   * Returns false when the order is not being cancelled now (it ended, a snapshot let go of it).
   */
  private again(
    group: string,
    follower: string,
    order: Held,
    reason: string,
    commandId?: number,
    then?: () => void,
  ): boolean {
    const { clOrdId, contract, side, orderType } = order;
    // Ours, being cancelled now: not one that ended or that a snapshot let go of.
    const cancel = this.deps.orders.cancelOf(follower, clOrdId);
    if (!cancel) return false;
    const before = this.refusals.get(clOrdId);
    // The same report, told again with the order.
    if (commandId !== undefined && before?.commandId === commandId) return true;
    const times = (before?.times ?? 0) + 1;
    this.refusals.delete(clOrdId);
    // A report's command id outlives refusals in answers: the order's later updates tell it again.
    this.refusals.set(clOrdId, { follower, commandId: commandId ?? before?.commandId, times });
    if (this.refusals.size > KEPT) this.refusals.delete(this.refusals.keys().next().value as string);
    const { clock } = this.deps;
    const { delayMs, alert } = cancelRetry(times);
    const leaderOrderId = order.leaderId;
    const base = { at: clock.now(), group, follower };
    this.deps.emit({
      ...base,
      type: "mirror",
      contract,
      leaderOrderId,
      action: "cancel",
      outcome: "rejected",
      reason: MIRROR_REASONS.cancelRefused(reason, delayMs),
      side,
      orderType,
      clOrdId,
      orderId: order.orderId,
    } satisfies MirrorEvent);
    const what = `${follower}'s ${orderWords(order)}`;
    if (alert === "warn")
      this.deps.emit({
        ...base,
        type: "alert",
        level: alert,
        message: `the broker refused to cancel ${what}: ${reason}; asking again (the exit on ${contract} waits for it)`,
      });
    else if (alert === "error")
      this.deps.emit({
        ...base,
        type: "alert",
        level: alert,
        message: `the broker refused ${times} times to cancel ${what}: ${reason}. The exit on ${contract} waits for it, or it would sell twice; mimik keeps asking: flatten ${follower} by hand if it still holds what its leader closed`,
      });
    this.after(follower, orderWords(order), delayMs, () => {
      // Not if its cancel ended meanwhile (its end, a snapshot), nor over a cancel sent after it.
      if (this.deps.orders.cancelOf(follower, clOrdId) !== cancel) return;
      const route = this.deps.accounts.route(follower);
      if (!route || order.orderId === undefined) return;
      // Asked as the order stands, not busy: the sender skips one marked as being cancelled.
      const held: Held = { ...order, busy: undefined };
      this.deps.sender.cancel({ group, follower, route, contract }, held, MIRROR_REASONS.cancelAgain, then);
    });
    return true;
  }

  /**
   * The follower left (`left`: its group, and how it left): nothing more is asked for it, and its
   * refusals are forgotten. An order whose cancel was refused may still work, tied to no leader
   * order now (leaving.ts takes away only what is not being cancelled): the trader is told.
   */
  forget(follower: string, left?: { group: string; how: string }): void {
    const refused = new Set<string>();
    for (const [t, { follower: f, order }] of this.timers)
      if (f === follower) {
        refused.add(order);
        this.clear(t);
      }
    for (const [clOrdId, r] of this.refusals) if (r.follower === follower) this.refusals.delete(clOrdId);
    if (!left || refused.size === 0) return;
    this.deps.emit({
      ...{ type: "alert", at: this.deps.clock.now(), level: "warn", follower, group: left.group },
      message: `${follower} ${left.how} while the broker refused to cancel its ${[...refused].join(", ")}: mimik asks no more; cancel it by hand if it is working`,
    });
  }

  /** The engine stops: nothing more is asked. */
  stop(): void {
    for (const t of [...this.timers.keys()]) this.clear(t);
  }

  /** Timers run no more than once, and none after the follower leaves or the engine stops. */
  private after(follower: string, order: string, ms: number, run: () => void): void {
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.set(timer, { follower, order });
  }

  private clear(timer: unknown): void {
    this.deps.clock.clearTimeout(timer);
    this.timers.delete(timer);
  }
}

/** "Stop order 5 (Sell ESZ6)": the order as the trader finds it at the broker. */
function orderWords(o: Pick<Held, "orderType" | "orderId" | "side" | "contract">): string {
  return `${o.orderType || "working"} order ${o.orderId} (${o.side} ${o.contract})`;
}
