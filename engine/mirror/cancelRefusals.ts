/**
 * A cancel Tradovate takes (answered with its command id) and then refuses in the command's report
 * while the order works on (tradovate-protocol.md §3.6: commandReport RiskRejected): nothing about
 * the order changes, so no report of its end ever comes. The order is asked to be cancelled again,
 * soon and then further apart (`cancelRetry`), and the trader hears why the follower's exit waits;
 * if the broker keeps refusing, at error level, to flatten the follower by hand.
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
import type { AlertEvent, EngineEvent, MirrorEvent, WorkingOrder } from "../types.js";
import { parseMirrorClOrdId } from "./clOrdIds.js";
import { type FollowerOrders, isOpenStatus } from "./followerOrders.js";
import type { MirrorAccounts } from "./mirror.js";
import { MIRROR_REASONS } from "./reasons.js";
import type { MirrorSender } from "./sender.js";
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

export interface CancelRefusalsDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<MirrorAccounts, "route">;
  orders: Pick<FollowerOrders, "cancelOf">;
  sender: Pick<MirrorSender, "cancel">;
}

/** Orders whose cancel was refused, remembered (a few at a time; bounded all the same). */
const KEPT = 500;

export class CancelRefusals {
  /** clOrdId → the last refused cancel's command id, and how many were refused. */
  private readonly refusals = new Map<string, { commandId: number; times: number }>();
  private readonly timers = new Set<unknown>();

  constructor(private readonly deps: CancelRefusalsDeps) {}

  /** An order of the follower's changed: a cancel of ours refused in its report is asked again. */
  refused(group: string, follower: string, order: WorkingOrder): void {
    const { cancelRefused: refusal, clOrdId, contract, side, orderType } = order;
    if (!refusal || !clOrdId || !contract || !side || !isOpenStatus(order.status)) return;
    // Ours, being cancelled now: not one that ended or that a snapshot let go of.
    const cancel = this.deps.orders.cancelOf(follower, clOrdId);
    const named = parseMirrorClOrdId(clOrdId);
    if (!cancel || !named) return;
    const before = this.refusals.get(clOrdId);
    if (before?.commandId === refusal.commandId) return; // the same report, told again with the order
    const times = (before?.times ?? 0) + 1;
    this.refusals.delete(clOrdId);
    this.refusals.set(clOrdId, { commandId: refusal.commandId, times });
    if (this.refusals.size > KEPT) this.refusals.delete(this.refusals.keys().next().value as string);
    const { clock } = this.deps;
    const { delayMs, alert } = cancelRetry(times);
    const leaderOrderId = named.leaderOrderId;
    const base = { at: clock.now(), group, follower };
    this.deps.emit({
      ...base,
      type: "mirror",
      contract,
      leaderOrderId,
      action: "cancel",
      outcome: "rejected",
      reason: MIRROR_REASONS.cancelRefused(refusal.reason, delayMs),
      side,
      orderType,
      clOrdId,
      orderId: order.orderId,
    } satisfies MirrorEvent);
    const what = `${follower}'s ${orderType ?? "working"} order ${order.orderId} (${side} ${contract})`;
    if (alert === "warn")
      this.deps.emit({
        ...base,
        type: "alert",
        level: alert,
        message: `the broker refused to cancel ${what}: ${refusal.reason}; asking again (the exit on ${contract} waits for it)`,
      });
    else if (alert === "error")
      this.deps.emit({
        ...base,
        type: "alert",
        level: alert,
        message: `the broker refused ${times} times to cancel ${what}: ${refusal.reason}. The exit on ${contract} waits for it, or it would sell twice; mimik keeps asking: flatten ${follower} by hand if it still holds what its leader closed`,
      });
    const timer = clock.setTimeout(() => {
      this.timers.delete(timer);
      // Not if its cancel ended meanwhile (its end, a snapshot), nor over a cancel sent after it.
      if (this.deps.orders.cancelOf(follower, clOrdId) !== cancel) return;
      const route = this.deps.accounts.route(follower);
      if (!route || order.orderId === undefined) return;
      const held: Held = {
        ...{ orderId: order.orderId, clOrdId, leaderId: leaderOrderId, contract, set: named.set, side },
        ...{ orderType: orderType ?? "", qty: order.qty ?? 0, filled: order.filledQty ?? 0 },
      };
      // Asked as the order stands, not busy: the sender skips one marked as being cancelled.
      this.deps.sender.cancel({ group, follower, route, contract }, held, MIRROR_REASONS.cancelAgain);
    }, delayMs);
    this.timers.add(timer);
  }

  /** The engine stops: nothing more is asked. */
  stop(): void {
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }
}
