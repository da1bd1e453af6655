/**
 * From what a follower should have working (desire.ts) and what it has (its mirror orders), the
 * requests that close the gap: cancels first, then modifies, then placements once the cancelled
 * orders are heard finished, so that at the broker the follower's exits never add up to more than
 * its position, not even for a moment.
 * Pure: the coordinator sends what this returns.
 *
 * A set is the orders placed together; it is matched by the leader orders it mirrors. A set whose
 * shape changed (a lone stop that now has a partner, a leg on another side or of another type) is
 * cancelled and placed anew; one whose prices or quantity changed is modified, at most once per
 * order every `modifyEveryMs` (the latest terms win; a burst of leader moves costs one modify).
 * A trailing stop is the exception: its stop trails by itself at the broker, so the leader's stop
 * moving is no change to copy; its quantity is modified, and a new distance or time in force (no
 * broker modifies those of a trailing stop: Tradovate's TrailingStopNonOrderQtyModify) replaces it.
 *
 * Where mimik links a set's legs itself (`keepsLegs`: the broker has no OCO of two working
 * orders) and no leg went by filling, a set that lost a leg (the broker refused it, or the trader
 * cancelled it there) keeps the legs it has and gets the missing ones placed into it: a refused
 * target never costs the follower its stop, and a target that partly fills meanwhile works on
 * (its place in the queue kept) while the stop joins it sized to what is left. A leg that went by
 * filling takes the others with it (that is the OCO mimik emulates); where the broker links the
 * legs (a native OCO), a lone leg is no OCO: in both cases the set is cancelled and, if still
 * wanted, placed anew.
 */
import type { EpochMs } from "../types.js";
import type { ModifyGate } from "./modifySpacing.js";
import { MIRROR_REASONS } from "./reasons.js";
import { type Held, type Skip, setKey, type Terms, type WantLeg, type WantSet } from "./types.js";

export type Action =
  | { kind: "cancel"; order: Held; reason: string }
  | { kind: "modify"; order: Held; leg: WantLeg; exit: boolean; reason: string }
  /** `into`: the held set the legs join (its token), where mimik links the legs itself. */
  | { kind: "place"; set: WantSet; into?: string | undefined };

export interface PlanInput {
  now: EpochMs;
  wants: readonly WantSet[];
  /** The follower's mirror orders in this contract, the late part's kept ones left out. */
  held: readonly Held[];
  /** Leader orders still open (a held order whose leader order is not is the leader's cancel). */
  leaderOpen(leaderId: number): boolean;
  /** Why a leader order is not mirrored now (a lock, a pause …), when desire said so. */
  skipped?(leaderId: number): string | undefined;
  /** When an order may be modified again, and whether the broker just refused the very same modify. */
  modifies: ModifyGate;
  /** The broker refused (some of) these legs with these terms: not asked again yet. */
  refused(set: WantSet): boolean;
  /**
   * mimik links this held set's legs itself (no native OCO) and none of its orders that filled is
   * gone from `legs` (the set's held orders): it keeps the legs it has when one is missing.
   * Absent: never (the broker links them).
   */
  keepsLegs?(set: string, legs: readonly Held[]): boolean;
  /** Exits are neither placed nor grown before then (a mirror's fill is not in the position yet). */
  exitsWaitUntil?: EpochMs | undefined;
  /** An order to take away whose leader order is gone is still unanswered: nothing is placed yet. */
  staleUnanswered?: boolean | undefined;
}

export interface Plan {
  actions: Action[];
  /** Plan again then: a modify waits for its spacing. */
  recheckAt?: EpochMs | undefined;
  /** Orders left as they are because the broker refused to modify them so (the pane says why). */
  skips: Skip[];
}

export function plan(input: PlanInput): Plan {
  const cancels: Action[] = [];
  const modifies: Action[] = [];
  const places: Action[] = [];
  const skips: Skip[] = [];
  let recheckAt: EpochMs | undefined;
  const later = (at: EpochMs) => {
    recheckAt = Math.min(recheckAt ?? at, at);
  };
  const wanted = new Map(input.wants.map((w) => [w.key, w]));
  const matched = new Set<string>();
  /** A set that must go can't be cancelled before its request's answer: what replaces it waits. */
  let staleUnanswered = input.staleUnanswered === true;
  /** Want key → the held set a linked set's missing legs join, and those legs. */
  const partial = new Map<string, { into: string; legs: WantLeg[] }>();
  const parts = bySet(input.held).flatMap((set) =>
    input.keepsLegs?.(set[0]!.set, set)
      ? byWant(set, input.wants).map((legs) => ({ legs, keeps: true }))
      : [{ legs: set, keeps: false }],
  );
  for (const { legs, keeps } of parts) {
    const key = setKey(legs.map((h) => h.leaderId));
    const want = keeps ? input.wants.find((w) => fits(w, legs)) : wanted.get(key);
    if (!want || matched.has(want.key) || !(keeps ? fits(want, legs) : sameShape(want, legs))) {
      const reason = !want
        ? legs.every((h) => input.leaderOpen(h.leaderId))
          ? (legs.map((h) => input.skipped?.(h.leaderId)).find((r) => r !== undefined) ??
            MIRROR_REASONS.replaced)
          : MIRROR_REASONS.gone
        : MIRROR_REASONS.replaced;
      for (const order of legs) {
        // An unanswered request needs no timer: its answer, the order's next report or a snapshot
        // brings the follower back to the plan (polling for it spun a 0 ms timer until then).
        if (order.orderId !== undefined && !order.busy) cancels.push({ kind: "cancel", order, reason });
        else staleUnanswered = true;
      }
      continue;
    }
    matched.add(want.key);
    const missing = want.legs.filter((l) => !legs.some((h) => h.leaderId === l.leaderId));
    if (missing.length > 0) partial.set(want.key, { into: legs[0]!.set, legs: missing });
    for (const order of legs) {
      const leg = want.legs.find((l) => l.leaderId === order.leaderId)!;
      const change = difference(order, leg.terms);
      if (change === undefined) {
        input.modifies.atTerms?.(order.clOrdId);
        continue;
      }
      if (order.orderId === undefined || order.busy) continue;
      // An exit left bigger than the position it closes could open one the other way if it
      // triggered: when its broker refuses to shrink it, it goes, and is placed anew at size.
      if (
        want.role === "exit" &&
        shrinks(order, leg.terms) &&
        input.modifies.refused(order.clOrdId, leg.terms, order.filled)
      ) {
        cancels.push({ kind: "cancel", order, reason: MIRROR_REASONS.shrinkRefused });
        continue;
      }
      const at = input.modifies.at(order.clOrdId, leg.terms, order.filled);
      if (at !== undefined && at > input.now) {
        const why = input.modifies.refusedWhy?.(order.clOrdId, leg.terms, order.filled);
        if (why !== undefined)
          skips.push({ leaderId: order.leaderId, reason: MIRROR_REASONS.modifyRefused(why) });
        // Given up (Infinity): no timer; the leader's next move or the order's end looks again.
        if (Number.isFinite(at)) later(at);
        continue;
      }
      const action: Action = { kind: "modify", order, leg, exit: want.role === "exit", reason: change };
      if (want.role === "exit" && waits(input) && growth(action) > 0) later(input.exitsWaitUntil!);
      else modifies.push(action);
    }
  }
  // A cancel's answer only says the broker took it (Tradovate's order may fill on the cancel's
  // way): nothing is placed beside an order being cancelled until it is heard finished, or the
  // old and its replacement could both fill. Its end brings the follower back to the plan.
  const cancelling = cancels.length > 0 || input.held.some((h) => h.busy === "cancelling");
  for (const want of input.wants) {
    const part = partial.get(want.key);
    if ((matched.has(want.key) && !part) || staleUnanswered || cancelling) continue;
    // A refused leg's set keeps the legs it has: only the missing ones wait for their retry.
    const set = part ? { ...want, legs: part.legs } : want;
    if (input.refused(set)) continue;
    if (want.role === "exit" && waits(input)) later(input.exitsWaitUntil!);
    else places.push({ kind: "place", set, into: part?.into });
  }
  // Smaller exits before bigger ones: a modify that shrinks frees room before one that grows.
  modifies.sort((a, b) => growth(a) - growth(b));
  return { actions: [...cancels, ...modifies, ...places], recheckAt, skips };
}

/** The held orders grouped by the set they were placed in, cancelling ones left out. */
function bySet(held: readonly Held[]): Held[][] {
  const sets = new Map<string, Held[]>();
  for (const h of held) {
    if (h.busy === "cancelling") continue;
    const list = sets.get(h.set);
    if (list) list.push(h);
    else sets.set(h.set, [h]);
  }
  return [...sets.values()];
}

/** Same leader orders, each on the same side with the same type: modifiable in place. */
function sameShape(want: WantSet, legs: readonly Held[]): boolean {
  return want.legs.length === legs.length && fits(want, legs);
}

/** Each held leg is one of the set's (one each), on the same side with the same type (and trail). */
function fits(want: WantSet, legs: readonly Held[]): boolean {
  const ids = new Set(legs.map((h) => h.leaderId));
  return (
    ids.size === legs.length &&
    legs.every((h) => {
      const leg = want.legs.find((l) => l.leaderId === h.leaderId);
      return (
        leg !== undefined &&
        leg.side === h.side &&
        leg.terms.orderType === h.orderType &&
        sameTrail(h, leg.terms)
      );
    })
  );
}

/** A trailing stop's distance and time in force, where known, are as wanted: they are never modified. */
function sameTrail(h: Held, t: Terms): boolean {
  if (t.orderType !== "TrailingStop") return true;
  return (
    (h.trail === undefined || h.trail === t.trail) &&
    (h.timeInForce === undefined || h.timeInForce === t.timeInForce)
  );
}

/**
 * A held set's legs by the wanted set they fit (each other leg alone), where mimik links the
 * legs: a leg the leader no longer pairs, or that changed its side or type, goes; its partner stays.
 */
function byWant(legs: readonly Held[], wants: readonly WantSet[]): Held[][] {
  const parts = new Map<string, Held[]>();
  for (const h of legs) {
    const key = wants.find((w) => fits(w, [h]))?.key ?? h.clOrdId;
    parts.set(key, [...(parts.get(key) ?? []), h]);
  }
  return [...parts.values()];
}

/** Why the order must change, or undefined when it says what it should (prices its type uses only). */
function difference(h: Held, t: Terms): string | undefined {
  if (t.orderType === "TrailingStop")
    return h.qty - h.filled !== t.remaining ? MIRROR_REASONS.follows : undefined;
  const limit = t.orderType === "Limit" || t.orderType === "StopLimit";
  const stop = t.orderType === "Stop" || t.orderType === "StopLimit";
  if ((limit && h.price !== t.price) || (stop && h.stopPrice !== t.stopPrice)) return MIRROR_REASONS.moved;
  if ((h.timeInForce ?? "Day") !== t.timeInForce) return MIRROR_REASONS.moved;
  if (h.qty - h.filled !== t.remaining) return MIRROR_REASONS.follows;
  return undefined;
}

const waits = (input: PlanInput) => input.exitsWaitUntil !== undefined && input.exitsWaitUntil > input.now;

const shrinks = (h: Held, t: Terms): boolean => t.remaining < h.qty - h.filled;

function growth(a: Action): number {
  return a.kind === "modify" ? a.leg.terms.remaining - (a.order.qty - a.order.filled) : 0;
}
