import type { EpochMs, Side } from "../../engine/index.js";
import { cents } from "./stats.js";

/**
 * An account's trading, from its fills: round-trip trades and realized P&L. P&L comes from fill
 * pairs (a quantity bought at one price and sold at another); the broker's own pairs when it gives
 * them, the same FIFO rule applied here otherwise. Pure functions over plain data.
 */

export interface TradeFill {
  id: number;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  at: EpochMs;
}

export interface FillPair {
  buyFillId: number;
  sellFillId: number;
  qty: number;
  buyPrice: number;
  sellPrice: number;
}

/** flat → position → flat in one contract; a flip closes one trip and opens the next. */
export interface Trip {
  contract: string;
  side: "long" | "short";
  /** undefined for a position carried in from before the first fill read. */
  openedAt: EpochMs | undefined;
  /** undefined while the position is still open. */
  closedAt: EpochMs | undefined;
  /** The largest position held, in contracts. */
  maxQty: number;
  /** Realized by the pairs this trip closed, before fees; undefined without a point value. */
  gross: number | undefined;
  fees: number;
}

/** Fills in time order (the broker's id breaks ties: ids grow with time). */
export function byTime<T extends { at: EpochMs; id: number }>(fills: readonly T[]): T[] {
  return [...fills].sort((a, b) => a.at - b.at || a.id - b.id);
}

/**
 * FIFO pairing as Tradovate does it: a fill closes the oldest open lots of the other side first.
 * `carried`: the position per contract held before the first fill, as one lot of an unknown fill
 * (a negative id, no price) that the first closing fills pair against.
 */
export function fifoPairs(
  fills: readonly TradeFill[],
  carried: ReadonlyMap<string, number> = new Map(),
): FillPair[] {
  const pairs: FillPair[] = [];
  const lots = new Map<string, { id: number; qty: number; price: number }[]>();
  for (const [contract, qty] of carried)
    if (qty !== 0) lots.set(contract, [{ id: -(lots.size + 1), qty, price: Number.NaN }]);
  for (const fill of byTime(fills)) {
    const open = lots.get(fill.contract) ?? [];
    const sign = fill.side === "Buy" ? 1 : -1;
    let left = fill.qty;
    while (left > 0 && open.length > 0 && Math.sign(open[0]!.qty) === -sign) {
      const lot = open[0]!;
      const qty = Math.min(left, Math.abs(lot.qty));
      const [buy, sell] = sign > 0 ? [fill, lot] : [lot, fill];
      pairs.push({ buyFillId: buy.id, sellFillId: sell.id, qty, buyPrice: buy.price, sellPrice: sell.price });
      left -= qty;
      lot.qty -= Math.sign(lot.qty) * qty;
      if (lot.qty === 0) open.shift();
    }
    if (left > 0) open.push({ id: fill.id, qty: sign * left, price: fill.price });
    lots.set(fill.contract, open);
  }
  return pairs;
}

/** The fill that closed a pair: the later of its two (a pair is realized when it closes). */
export function closingFill(pair: FillPair, order: ReadonlyMap<number, number>): number | undefined {
  const buy = order.get(pair.buyFillId);
  const sell = order.get(pair.sellFillId);
  if (buy === undefined) return sell === undefined ? undefined : pair.sellFillId;
  if (sell === undefined) return pair.buyFillId;
  return buy > sell ? pair.buyFillId : pair.sellFillId;
}

export function pairPnl(pair: FillPair, pointValue: number): number {
  return (pair.sellPrice - pair.buyPrice) * pair.qty * pointValue;
}

/**
 * What each closing fill realized, before fees: the broker's own number where it gives one
 * (`realized`, ProjectX's P&L per closing trade), else its pairs priced by the contract's point
 * value; undefined for a fill whose pairs cannot be priced (no point value, a lot of unknown price).
 */
export function realizedByFill(
  ordered: readonly TradeFill[],
  pairs: readonly FillPair[],
  pointValue: (contract: string) => number | undefined,
  realized: Readonly<Record<number, number>> = {},
): Map<number, number | undefined> {
  const order = new Map(ordered.map((f, i) => [f.id, i]));
  const by = new Map<number, number | undefined>();
  for (const fill of ordered) if (realized[fill.id] !== undefined) by.set(fill.id, realized[fill.id]);
  for (const pair of pairs) {
    const closer = closingFill(pair, order);
    if (closer === undefined || realized[closer] !== undefined) continue;
    const pv = pointValue(ordered[order.get(closer)!]!.contract);
    const pnl = pv === undefined ? Number.NaN : pairPnl(pair, pv);
    const sum = by.has(closer) ? by.get(closer) : 0;
    by.set(closer, sum === undefined || !Number.isFinite(pnl) ? undefined : sum + pnl);
  }
  return by;
}

/**
 * Round trips of one account, every contract. `pointValue` answers per contract (undefined when
 * unknown); `fees` per fill id (missing = 0); `realized` as in realizedByFill. Fees of a flipping
 * fill go to the trip it closes.
 */
export function roundTrips(
  fills: readonly TradeFill[],
  pairs: readonly FillPair[],
  pointValue: (contract: string) => number | undefined,
  fees: Readonly<Record<number, number>> = {},
  realized: Readonly<Record<number, number>> = {},
): Trip[] {
  const ordered = byTime(fills);
  const order = new Map(ordered.map((f, i) => [f.id, i]));
  const trips: Trip[] = [];
  const open = new Map<string, { trip: Trip; pos: number }>();
  /** The trip each fill closed (or, not closing anything, belongs to). */
  const tripOf = new Map<number, Trip>();
  for (const [contract, pos] of carriedIn(ordered, pairs, order)) {
    const trip = newTrip(contract, undefined, pos);
    trips.push(trip);
    open.set(contract, { trip, pos });
  }
  for (const fill of ordered) {
    const signed = fill.side === "Buy" ? fill.qty : -fill.qty;
    const current = open.get(fill.contract);
    const fee = fees[fill.id] ?? 0;
    if (!current) {
      const trip = newTrip(fill.contract, fill.at, signed);
      trip.fees += fee;
      trips.push(trip);
      tripOf.set(fill.id, trip);
      open.set(fill.contract, { trip, pos: signed });
      continue;
    }
    const pos = current.pos + signed;
    tripOf.set(fill.id, current.trip);
    current.trip.fees += fee;
    if (pos === 0 || Math.sign(pos) !== Math.sign(current.pos)) {
      current.trip.closedAt = fill.at;
      open.delete(fill.contract);
      if (pos !== 0) {
        const next = newTrip(fill.contract, fill.at, pos);
        trips.push(next);
        open.set(fill.contract, { trip: next, pos });
      }
      continue;
    }
    current.pos = pos;
    current.trip.maxQty = Math.max(current.trip.maxQty, Math.abs(pos));
  }
  for (const [closer, dollars] of realizedByFill(ordered, pairs, pointValue, realized)) {
    const trip = tripOf.get(closer);
    if (!trip) continue;
    trip.gross = dollars === undefined || trip.gross === undefined ? undefined : trip.gross + dollars;
  }
  return trips.map((t) => ({ ...t, gross: t.gross === undefined ? undefined : cents(t.gross) }));
}

/**
 * The position each contract held before the first fill read, from the pairs that close a lot
 * whose opening fill is not among them (the broker's list starts after it): without it, a close of
 * yesterday's position would open a trip of its own and every trip after it would be off by one.
 */
function carriedIn(
  fills: readonly TradeFill[],
  pairs: readonly FillPair[],
  order: ReadonlyMap<number, number>,
): Map<string, number> {
  const carried = new Map<string, number>();
  for (const pair of pairs) {
    const buy = order.get(pair.buyFillId);
    const sell = order.get(pair.sellFillId);
    if ((buy === undefined) === (sell === undefined)) continue;
    // A lot bought before and sold now was long; one sold before and bought back now was short.
    const contract = fills[(buy ?? sell)!]!.contract;
    carried.set(contract, (carried.get(contract) ?? 0) + (buy === undefined ? pair.qty : -pair.qty));
  }
  for (const [contract, pos] of carried) if (pos === 0) carried.delete(contract);
  return carried;
}

function newTrip(contract: string, openedAt: EpochMs | undefined, pos: number): Trip {
  return {
    contract,
    side: pos > 0 ? "long" : "short",
    openedAt,
    closedAt: undefined,
    maxQty: Math.abs(pos),
    gross: 0,
    fees: 0,
  };
}

export interface TradeStats {
  /** Fills in the range. */
  fills: number;
  /** Round trips closed in the range; wins and losses net of fees. */
  trades: number;
  wins: number;
  losses: number;
  /** Realized in the range by the pairs its fills closed, before fees. */
  grossPnl: number | undefined;
  /** Fees of the fills in the range; undefined when the broker reports none. */
  fees: number | undefined;
  netPnl: number | undefined;
  /** Net P&L after each fill in the range that realized something or cost a fee (for a sparkline). */
  curve: number[];
}

export interface TradeInput {
  fills: readonly TradeFill[];
  pairs: readonly FillPair[];
  pointValue: (contract: string) => number | undefined;
  /** undefined: the broker reports no fees. */
  fees: Readonly<Record<number, number>> | undefined;
  /** The broker's own gross P&L per closing fill, where it gives one (ProjectX). */
  realized?: Readonly<Record<number, number>> | undefined;
  inRange: (at: EpochMs) => boolean;
}

export function tradeStats(input: TradeInput): TradeStats {
  const ordered = byTime(input.fills);
  const fees = input.fees ?? {};
  const realizedBy = realizedByFill(ordered, input.pairs, input.pointValue, input.realized);
  const known = [...realizedBy.values()].every((d) => d !== undefined);
  const inside = ordered.filter((f) => input.inRange(f.at));
  let gross = 0;
  let fee = 0;
  const curve: number[] = [];
  for (const fill of inside) {
    const realized = realizedBy.get(fill.id) ?? 0;
    const cost = fees[fill.id] ?? 0;
    gross += realized;
    fee += cost;
    if (realized !== 0 || cost !== 0) curve.push(cents(gross - fee));
  }
  const closed = roundTrips(input.fills, input.pairs, input.pointValue, fees, input.realized).filter(
    (t) => t.closedAt !== undefined && input.inRange(t.closedAt),
  );
  const netOf = (t: Trip) => (t.gross ?? 0) - t.fees;
  return {
    fills: inside.length,
    trades: closed.length,
    wins: closed.filter((t) => netOf(t) > 0).length,
    losses: closed.filter((t) => netOf(t) < 0).length,
    grossPnl: known ? cents(gross) : undefined,
    fees: input.fees === undefined ? undefined : cents(fee),
    netPnl: known ? cents(gross - fee) : undefined,
    curve: known ? curve : [],
  };
}
