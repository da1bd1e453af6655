/**
 * The leader's open orders as the mirror reads them, and how they hang together: OCO partners
 * (an OSO bracket's two legs, a strategy's target and stop, an OCO the trader placed) form one
 * set; a plain stop and a plain limit on the exit side, placed by hand one after the other, are
 * paired into one set too, so the follower gets a single OCO rather than two exits that could both
 * fill. Pure functions.
 */
import type { WorkingOrder } from "../types.js";
import { isStopType, type LeaderOrder, MIRRORED_TYPES } from "./types.js";

const OPEN = new Set(["Working", "PendingNew", "PendingReplace", "Suspended"]);

/** An open order with its terms known, as a LeaderOrder; undefined otherwise. */
export function leaderOrderOf(o: WorkingOrder): LeaderOrder | undefined {
  if (o.side === undefined || o.orderType === undefined || o.qty === undefined) return undefined;
  if (o.status === undefined || !OPEN.has(o.status)) return undefined;
  return {
    id: o.orderId,
    side: o.side,
    type: o.orderType,
    qty: o.qty,
    filled: o.filledQty ?? 0,
    price: o.price,
    stopPrice: o.stopPrice,
    trail: o.trail,
    timeInForce: o.timeInForce,
    // Not working yet, so it cannot fill: a bracket leg waiting for its entry (Tradovate's
    // Suspended; ProjectX says Pending, 6, for those too), or an order not yet at the exchange.
    // Mirrored as a live order, a flat follower's copy of a leg was an opening its leader never had.
    suspended: o.status === "Suspended" || o.status === "PendingNew",
    ocoWith: o.ocoWith,
    bracketOf: o.bracketOf,
    ...(o.legInWaiting ? { legInWaiting: true } : {}),
    placedAt: o.placedAt ?? 0,
  };
}

/** Pairings withEntries made before (LeaderMemo keeps them), by leg id. */
export interface KnownLegs {
  entryOf(legId: number): number | undefined;
  partnerOf(legId: number): number | undefined;
  /** When the entry it was paired with was placed: how near that pairing was, once it is gone. */
  entryPlacedAt?(legId: number): number | undefined;
}

const NONE: KnownLegs = { entryOf: () => undefined, partnerOf: () => undefined };

/**
 * ProjectX's bracket legs name no entry (its order reports carry no link): they show as orders of
 * their own, Pending until the entry fills. Left unnamed, they waited for the leader's entry to
 * fill while the follower's own mirror of it may have filled first, its position unprotected. A
 * ProjectX Pending order that names no entry is taken as a leg of the leader's working order on the other
 * side with the same quantity placed nearest it in time (the legs are placed with their entry,
 * sized to it; ids break a tie: the simulator numbers the legs before their entry), and a stop and
 * a limit of one entry are one OCO, as they become once it fills (pairLoneExits).
 *
 * A leg paired before (`known`) keeps its entry once that entry is no longer listed, and its
 * partner: ProjectX sends each order update on its own, so the entry's fill is heard before its
 * legs turn Open, and one leg's before the other's; named afresh in between, the legs had no entry
 * (or no partner), and the follower's stop and target were cancelled and placed again. The legs of
 * a cancelled entry stay its own until they go, never another entry's of the same size. A pending
 * leg may still find an entry nearer in time than the one it was paired with, listed or gone: its
 * own entry may be heard a frame after it, after the one it took meanwhile has filled and gone. An
 * order paired while Pending that is open while that entry is listed and unfilled is no leg (a leg
 * opens only once its entry fills): a plain order heard once as Pending stays a plain order.
 */
export function withEntries(orders: readonly LeaderOrder[], known: KnownLegs = NONE): readonly LeaderOrder[] {
  const kept = (o: LeaderOrder) => known.entryOf(o.id);
  const unnamed = orders.filter(
    (o) =>
      o.bracketOf === undefined && o.ocoWith === undefined && (waitsForEntry(o) || kept(o) !== undefined),
  );
  if (unnamed.length === 0) return orders;
  const isLeg = (o: LeaderOrder) => o.bracketOf !== undefined || kept(o) !== undefined;
  const byId = new Map(orders.map((o) => [o.id, o]));
  const entryOf = new Map<number, number>();
  for (const leg of unnamed) {
    const before = kept(leg);
    const was = before === undefined ? undefined : byId.get(before);
    if (!waitsForEntry(leg)) {
      if (was?.filled === 0) continue; // open beside its "entry" still unfilled: no leg
      if (before !== undefined) entryOf.set(leg.id, before);
      continue;
    }
    const nearest = nearestEntry(leg, orders, isLeg);
    const keptAt = was?.placedAt ?? known.entryPlacedAt?.(leg.id);
    const nearer =
      nearest !== undefined &&
      (before === undefined ||
        was !== undefined ||
        (keptAt !== undefined && distance(byId.get(nearest), leg) < Math.abs(keptAt - leg.placedAt)));
    const entry = nearer ? nearest : before;
    if (entry !== undefined) entryOf.set(leg.id, entry);
  }
  const partner = new Map<number, number>();
  const pair = (a: number, b: number) => {
    partner.set(a, b);
    partner.set(b, a);
  };
  for (const leg of unnamed) {
    const p = known.partnerOf(leg.id);
    const entry = entryOf.get(leg.id);
    if (p !== undefined && entry === kept(leg) && (!byId.has(p) || entryOf.get(p) === entry)) pair(leg.id, p);
  }
  for (const stop of unnamed.filter((o) => entryOf.has(o.id) && isStopType(o.type) && !partner.has(o.id))) {
    const limit = unnamed.find(
      (o) => !isStopType(o.type) && !partner.has(o.id) && entryOf.get(o.id) === entryOf.get(stop.id),
    );
    if (limit) pair(stop.id, limit.id);
  }
  return orders.map((o) =>
    entryOf.has(o.id) ? { ...o, bracketOf: entryOf.get(o.id), ocoWith: partner.get(o.id), paired: true } : o,
  );
}

/**
 * ProjectX's Pending order, naming no entry: maybe one of its bracket legs. Not Tradovate's
 * PendingNew (a plain order on its way to the exchange, `suspended` too): its legs name their entry.
 */
const waitsForEntry = (o: LeaderOrder): boolean => o.suspended && o.legInWaiting === true;

const distance = (o: LeaderOrder | undefined, leg: LeaderOrder): number =>
  o === undefined ? Number.POSITIVE_INFINITY : Math.abs(o.placedAt - leg.placedAt);

function nearestEntry(
  leg: LeaderOrder,
  orders: readonly LeaderOrder[],
  isLeg: (o: LeaderOrder) => boolean,
): number | undefined {
  const far = (o: LeaderOrder) => [Math.abs(o.placedAt - leg.placedAt), Math.abs(o.id - leg.id)] as const;
  let entry: LeaderOrder | undefined;
  for (const o of orders) {
    if (o.suspended || o.side === leg.side || o.qty !== leg.qty || isLeg(o)) continue;
    const [t, id] = far(o);
    const [bestT, bestId] = entry ? far(entry) : [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    if (t < bestT || (t === bestT && id < bestId)) entry = o;
  }
  return entry?.id;
}

export const remainingOf = (o: LeaderOrder): number => Math.max(0, o.qty - o.filled);

/**
 * A type mimik mirrors, with what a copy needs: a trailing stop whose distance the broker does not
 * say (ProjectX's order reports carry no trailPrice) is not mirrored, rather than guessed.
 */
export const mirrorable = (o: LeaderOrder): boolean =>
  MIRRORED_TYPES.has(o.type) && (o.type !== "TrailingStop" || o.trail !== undefined);

/**
 * Mirrorable orders in sets: OCO partners together (when both are mirrorable), everything else
 * alone. Also returns the orders of a type mimik does not mirror (Market orders are not listed:
 * their fills are copied).
 */
export function linkedSets(orders: readonly LeaderOrder[]): {
  sets: LeaderOrder[][];
  unsupported: LeaderOrder[];
} {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const unsupported = orders.filter((o) => o.type !== "Market" && !mirrorable(o));
  const taken = new Set<number>();
  const sets: LeaderOrder[][] = [];
  for (const o of [...orders].sort((a, b) => a.placedAt - b.placedAt || a.id - b.id)) {
    if (!mirrorable(o) || taken.has(o.id)) continue;
    taken.add(o.id);
    const partner = o.ocoWith === undefined ? undefined : byId.get(o.ocoWith);
    if (partner && mirrorable(partner) && !taken.has(partner.id)) {
      taken.add(partner.id);
      sets.push([o, partner]);
    } else sets.push([o]);
  }
  return { sets, unsupported };
}

/**
 * Lone exits paired into OCOs: the oldest stop with the oldest limit of the same quantity, and so
 * on. Legs of one OCO are one size (the follower's position's share): a stop of 2 paired with a
 * target of 1 (scaling out half) made the follower's target as big as its stop, so the target sold
 * everything where the leader's sold half, and took the follower's stop with it. What is left over
 * stays alone (the exits then share the follower's position by age, never more than it).
 */
export function pairLoneExits(lone: readonly LeaderOrder[]): LeaderOrder[][] {
  const byAge = [...lone].sort((a, b) => a.placedAt - b.placedAt || a.id - b.id);
  const limits = byAge.filter((o) => !isStopType(o.type));
  const paired = new Set<number>();
  const sets: LeaderOrder[][] = [];
  for (const stop of byAge.filter((o) => isStopType(o.type))) {
    const limit = limits.find((l) => !paired.has(l.id) && l.qty === stop.qty);
    if (limit) paired.add(limit.id);
    sets.push(limit ? [stop, limit] : [stop]);
  }
  for (const limit of limits) if (!paired.has(limit.id)) sets.push([limit]);
  return sets.sort((a, b) => oldest(a) - oldest(b));
}

function oldest(set: readonly LeaderOrder[]): number {
  return Math.min(...set.map((o) => o.placedAt));
}
