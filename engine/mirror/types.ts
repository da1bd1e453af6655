/**
 * The mirror's own vocabulary: a leader order as the mirror reads it, what one follower order
 * should say, the sets of orders placed together (one order, or two that cancel each other), and
 * the follower orders mimik holds for the leader's. Plain data; the parts pass it around.
 */
import type { EpochMs, OrderType, Side, TimeInForce } from "../types.js";

/** `protect`: exit orders against the leader's position only; `mirror`: every working order. */
export type MirrorMode = "protect" | "mirror";

/** One of the leader's open orders in one contract. */
export interface LeaderOrder {
  id: number;
  side: Side;
  /** The broker's type; only Limit, Stop, StopLimit and TrailingStop (its trail known) are mirrored. */
  type: string;
  /** The whole quantity, filled part included. */
  qty: number;
  filled: number;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: how far its stop follows the price, when the broker says it. */
  trail?: number | undefined;
  timeInForce?: string | undefined;
  /** A bracket leg still waiting for its entry (Tradovate: Suspended). */
  suspended: boolean;
  /** One-cancels-other partner. */
  ocoWith?: number | undefined;
  /** A bracket leg: the entry order it belongs to. */
  bracketOf?: number | undefined;
  /** Pending at ProjectX, naming no entry: maybe one of its bracket legs (leaderOrders.withEntries). */
  legInWaiting?: boolean | undefined;
  /** A ProjectX leg whose entry withEntries found (its broker names none): `bracketOf` is ours. */
  paired?: boolean | undefined;
  placedAt: EpochMs;
}

/** What one follower order should say. */
export interface Terms {
  orderType: OrderType;
  price?: number | undefined;
  /** TrailingStop: where its stop starts (the leader's stop now); it then trails at the broker. */
  stopPrice?: number | undefined;
  /** TrailingStop: the leader's trail distance. */
  trail?: number | undefined;
  timeInForce: TimeInForce;
  /** Contracts still to work: the order's whole quantity less what it filled. */
  remaining: number;
}

export interface WantLeg {
  /** The leader order it mirrors. */
  leaderId: number;
  side: Side;
  terms: Terms;
}

/**
 * Follower orders placed together: one order, or two that cancel each other (an OCO). Keyed by
 * the leader orders they mirror, so the same set is recognised from one evaluation to the next.
 */
export interface WantSet {
  key: string;
  role: "entry" | "exit";
  legs: WantLeg[];
  /** Why it is wanted, for the journal (e.g. "protects the position"). */
  why: string;
}

/** A leader order not mirrored for this follower, and why (the screen and the journal say it). */
export interface Skip {
  leaderId: number;
  reason: string;
}

/** One of the follower's orders that mirrors a leader order, as mimik knows it now. */
export interface Held {
  /** Undefined while its placement is not answered yet. */
  orderId?: number | undefined;
  clOrdId: string;
  leaderId: number;
  /** The follower's contract (mapped). */
  contract: string;
  /** Token shared by the orders placed together (see clOrdIds.ts). */
  set: string;
  side: Side;
  orderType: string;
  qty: number;
  filled: number;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: its trail distance, as the broker says or as placed (undefined: not known). */
  trail?: number | undefined;
  timeInForce?: string | undefined;
  /** A request about it is on its way: nothing else is sent for it until it is answered. */
  busy?: "placing" | "modifying" | "cancelling" | undefined;
}

/** The set key of some leader orders: their ids, sorted, joined. */
export function setKey(leaderIds: readonly number[]): string {
  return [...leaderIds].sort((a, b) => a - b).join("+");
}

/**
 * Terms as a key for what the broker was asked (its refusals, a modify's spacing). A trailing
 * stop's stop price is left out: it is only where the copy starts, it follows the leader's stop
 * as it ratchets, and no request after the placement says it. Keyed with it, each tick of the
 * leader's stop would make a refused order new again: asked again at once, never given up.
 */
export function termsKey(t: Terms): string {
  return JSON.stringify(t.orderType === "TrailingStop" ? { ...t, stopPrice: undefined } : t);
}

export const MIRRORED_TYPES: ReadonlySet<string> = new Set(["Limit", "Stop", "StopLimit", "TrailingStop"]);

export function isStopType(type: string): boolean {
  return type === "Stop" || type === "StopLimit" || type === "TrailingStop";
}

export const sign = (side: Side): 1 | -1 => (side === "Buy" ? 1 : -1);
