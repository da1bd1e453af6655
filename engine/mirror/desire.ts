/**
 * What one follower should have working in one contract, given the leader's open orders there,
 * the leader's position and the follower's own: the heart of the mirror, as one pure function.
 *
 * Exits (orders that close the leader's position: an OSO bracket's legs, an OCO, a plain stop and
 * limit on the other side) become the follower's exits at the same prices, each set sized to its
 * share of the FOLLOWER's position, and all of them together never more than that position: no
 * leg can ever open a position. Two legs are always one OCO. In `mirror` mode the leader's
 * openings (limit, stop, stop-limit entries) are mirrored too, sized as the copier sizes a fill,
 * and an OSO bracket's legs follow the follower's own entry as it fills. Openings pass the same
 * gates as copies (lock, pause, whitelist, max contracts, the account's max open contracts, trades
 * per day); exits pass them all.
 */
import type { Sizing } from "../../data/schema.js";
import { type AccountCap, accountCapReason, lineRoom } from "../copier/accountCap.js";
import { capOpening, openingSize, roundDiv } from "../copier/sizing.js";
import { DEFAULT_MAX_CONTRACTS, type EpochMs, type OrderType, type Side, SKIP_REASONS } from "../types.js";
import { linkedSets, pairLoneExits, remainingOf, withEntries } from "./leaderOrders.js";
import { MIRROR_REASONS } from "./reasons.js";
import {
  isStopType,
  type LeaderOrder,
  type MirrorMode,
  type Skip,
  setKey,
  sign,
  type Terms,
  type WantSet,
} from "./types.js";

export interface FollowerView {
  /** The position its exits may close: as its broker reports it, less exits on their way. */
  position: number;
  /** What it will hold once openings on their way fill (max contracts counts it); default position. */
  exposure?: number | undefined;
  sizing: Sizing;
  maxContracts?: number | undefined;
  /** Its `limits.maxOpenContracts`, and what its account counts on its other lines (entries working there too). */
  account?: AccountCap | undefined;
  /** Why openings are held back now (locked, paused, not whitelisted …); undefined when they may go. */
  entriesHeld?: string | undefined;
  /** Openings left today (maxTradesPerDay); undefined = no limit. */
  tradesLeft?: number | undefined;
  /** This leader order was already counted as one of the follower's trades. */
  counted(leaderId: number): boolean;
  /** Contracts its mirrors of a leader order have filled so far (finished ones included). */
  filledOf(leaderId: number): number;
}

export interface DesireInput {
  mode: MirrorMode;
  now: EpochMs;
  /** A lone exit this young waits for a partner to pair with (about a second). */
  pairWindowMs: number;
  leaderPosition: number;
  /** The leader's open orders in this contract. */
  orders: readonly LeaderOrder[];
  /** The leader order once closed part of the leader's position: never mirrored as an opening. */
  wasExit(leaderId: number): boolean;
  follower: FollowerView;
}

export interface Desired {
  sets: WantSet[];
  skips: Skip[];
  /** Evaluate again at this time (a lone exit's pairing window ends). */
  recheckAt?: EpochMs | undefined;
  /** Leader orders that are exits now. */
  exits: number[];
}

export function desire(input: DesireInput): Desired {
  const { mode, leaderPosition: L } = input;
  const out: Desired = { sets: [], skips: [], exits: [] };
  const leaderExit: Side | undefined = L > 0 ? "Sell" : L < 0 ? "Buy" : undefined;
  const { sets, unsupported } = linkedSets(withEntries(input.orders));
  for (const o of unsupported) {
    if (mode === "mirror" || o.side === leaderExit)
      out.skips.push({
        leaderId: o.id,
        reason:
          o.type === "TrailingStop" ? MIRROR_REASONS.trailUnknown : MIRROR_REASONS.notMirroredType(o.type),
      });
  }
  const pending: LeaderOrder[][] = [];
  const exits: LeaderOrder[][] = [];
  const lone: LeaderOrder[] = [];
  const entries: LeaderOrder[][] = [];
  for (const set of sets) {
    if (set.some((o) => o.suspended) || legsAhead(set, leaderExit)) {
      if (mode !== "mirror") continue;
      const alone = set.length === 1 ? set[0]! : undefined;
      const window = Math.min(input.pairWindowMs, LEG_PAIR_MS);
      if (alone && partnerDue(alone) && input.now - alone.placedAt < window) {
        out.skips.push({ leaderId: alone.id, reason: MIRROR_REASONS.waitingPartner });
        const at = alone.placedAt + window;
        out.recheckAt = Math.min(out.recheckAt ?? at, at);
      } else pending.push(set);
    } else if (leaderExit !== undefined && set.every((o) => o.side === leaderExit)) {
      if (set.length === 2) exits.push(set);
      else lone.push(set[0]!);
    } else if (mode === "mirror") {
      if (exitShaped(set, input.wasExit))
        for (const o of set) out.skips.push({ leaderId: o.id, reason: MIRROR_REASONS.legWithoutPosition });
      else entries.push(set);
    }
  }
  for (const set of pairLoneExits(lone)) {
    const only = set.length === 1 ? set[0]! : undefined;
    if (only && input.now - only.placedAt < input.pairWindowMs) {
      out.skips.push({ leaderId: only.id, reason: MIRROR_REASONS.waitingPartner });
      const at = only.placedAt + input.pairWindowMs;
      out.recheckAt = Math.min(out.recheckAt ?? at, at);
    } else exits.push(set);
  }
  exits.sort((a, b) => oldest(a) - oldest(b));
  for (const set of exits) out.exits.push(...set.map((o) => o.id));
  allocateExits(input, pending, exits, out);
  if (mode === "mirror") sizeEntries(input, entries, out);
  return out;
}

/** Exits share the follower's position: brackets of its filled entries first, then by age. */
function allocateExits(input: DesireInput, pending: LeaderOrder[][], exits: LeaderOrder[][], out: Desired) {
  const F = input.follower.position;
  const L = Math.abs(input.leaderPosition);
  const closes: Side | undefined = F > 0 ? "Sell" : F < 0 ? "Buy" : undefined;
  let budget = Math.abs(F);
  for (const set of pending) {
    // A leg works on the follower as soon as its own mirror of the entry has filled (all or part):
    // the leader's entry may fill later, or never.
    const entry = set[0]!.bracketOf;
    const qty =
      entry === undefined || set[0]!.side !== closes ? 0 : Math.min(input.follower.filledOf(entry), budget);
    if (qty <= 0) {
      for (const o of set) out.skips.push({ leaderId: o.id, reason: MIRROR_REASONS.notWorkingYet });
      continue;
    }
    budget -= qty;
    out.sets.push(wantSet(set, "exit", qty, MIRROR_REASONS.bracket));
  }
  for (const set of exits) {
    const skip = (reason: string) => {
      for (const o of set) out.skips.push({ leaderId: o.id, reason });
    };
    // Flat while openings are held (not whitelisted, locked, paused …): that is why it holds nothing.
    if (closes === undefined) skip(input.follower.entriesHeld ?? MIRROR_REASONS.noPosition);
    else if (set[0]!.side !== closes) skip(MIRROR_REASONS.otherSide);
    else {
      const share = Math.max(1, roundDiv(Math.abs(F) * Math.max(...set.map(remainingOf)), Math.max(1, L)));
      const qty = Math.min(share, budget);
      if (qty <= 0) skip(MIRROR_REASONS.covered);
      else {
        budget -= qty;
        const why = input.mode === "protect" ? MIRROR_REASONS.protects : MIRROR_REASONS.exit;
        out.sets.push(wantSet(set, "exit", qty, why));
      }
    }
  }
}

/**
 * Openings sized as the copier sizes fills: each leader order is a step of the leader's position
 * (from what it holds before these orders fill), so scaling in with several orders never adds up
 * to more than the sizing rule; then max contracts and the trades-per-day limit.
 */
function sizeEntries(input: DesireInput, entries: LeaderOrder[][], out: Desired) {
  const { follower } = input;
  const held = follower.entriesHeld;
  const skip = (set: LeaderOrder[], reason: string) => {
    for (const o of set) out.skips.push({ leaderId: o.id, reason });
  };
  const cap = follower.maxContracts ?? DEFAULT_MAX_CONTRACTS;
  for (const side of ["Buy", "Sell"] as const) {
    const mine = entries.filter((set) => set[0]!.side === side).sort((a, b) => oldest(a) - oldest(b));
    if (mine.length === 0) continue;
    const s = sign(side);
    const filledHere = mine.reduce((sum, set) => sum + s * Math.max(...set.map((o) => o.filled)), 0);
    let step = input.leaderPosition * s > 0 ? input.leaderPosition - filledHere : 0;
    const grown = Math.max(0, s * (follower.exposure ?? follower.position));
    let room = Math.max(0, cap - grown);
    const most = lineRoom(follower.account);
    let accountLeft = most === undefined ? Number.POSITIVE_INFINITY : Math.max(0, most - grown);
    for (const set of mine) {
      const q = s * set[0]!.qty;
      const sized = Math.abs(openingSize(follower.sizing, step, step + q, true));
      step += q;
      if (held) {
        skip(set, held);
        continue;
      }
      if (sized === 0) {
        skip(set, SKIP_REASONS.roundsToZero);
        continue;
      }
      const todo = sized - set.reduce((sum, o) => sum + follower.filledOf(o.id), 0);
      if (todo <= 0) continue;
      const counted = set.some((o) => follower.counted(o.id));
      if (!counted && follower.tradesLeft !== undefined && follower.tradesLeft <= 0) {
        skip(set, SKIP_REASONS.maxTrades);
        continue;
      }
      const byLine = Math.abs(capOpening(0, s * todo, room));
      const qty = Math.min(byLine, accountLeft);
      if (qty === 0) {
        if (byLine !== 0 && follower.account) skip(set, accountCapReason(follower.account.cap));
        else
          skip(
            set,
            follower.maxContracts === undefined ? SKIP_REASONS.defaultCap : SKIP_REASONS.maxContracts,
          );
        continue;
      }
      room -= qty;
      accountLeft -= qty;
      out.sets.push(wantSet(set, "entry", qty, MIRROR_REASONS.entry));
    }
  }
}

/** Legs that close a position (a bracket's, an OCO of stop and limit on one side, a former exit). */
/**
 * ProjectX places a bracket's legs with their entry, and tells each in a hub message of its own,
 * a few ms apart: a leg heard alone this soon after it was placed waits for its partner, so the
 * follower's stop and target go out as one OCO (sent alone, the first went before the other was
 * heard, and was cancelled to be placed again with it). A bracket of one leg waits this long.
 */
const LEG_PAIR_MS = 300;

/** A ProjectX leg paired with its entry (withEntries), still Pending, with no partner heard yet. */
const partnerDue = (o: LeaderOrder): boolean =>
  o.suspended && o.paired === true && o.bracketOf !== undefined && o.ocoWith === undefined;

/**
 * ProjectX legs paired with their entry, Open, while the leader's position does not hold them yet:
 * its hub may tell a leg's Open before the position the entry's fill made. Still the entry's
 * bracket (sized by the follower's own fill of it), not legs without a position: the follower's
 * stop and target would be cancelled and placed again a moment later.
 */
function legsAhead(set: readonly LeaderOrder[], leaderExit: Side | undefined): boolean {
  return set[0]!.side !== leaderExit && set.every((o) => o.paired === true && o.bracketOf !== undefined);
}

function exitShaped(set: readonly LeaderOrder[], wasExit: (id: number) => boolean): boolean {
  if (set.some((o) => o.bracketOf !== undefined || wasExit(o.id))) return true;
  return set.length === 2 && set[0]!.side === set[1]!.side;
}

function wantSet(set: readonly LeaderOrder[], role: WantSet["role"], qty: number, why: string): WantSet {
  return {
    key: setKey(set.map((o) => o.id)),
    role,
    why,
    legs: set.map((o) => ({ leaderId: o.id, side: o.side, terms: termsOf(o, qty) })),
  };
}

/** A trailing stop's copy trails by the leader's distance, from the leader's stop as last reported. */
export function termsOf(o: LeaderOrder, remaining: number): Terms {
  const orderType = o.type as OrderType;
  return {
    orderType,
    ...(orderType === "Limit" || orderType === "StopLimit" ? { price: o.price } : {}),
    ...(isStopType(orderType) ? { stopPrice: o.stopPrice } : {}),
    ...(orderType === "TrailingStop" ? { trail: o.trail } : {}),
    timeInForce: o.timeInForce === "GTC" ? "GTC" : "Day",
    remaining,
  };
}

function oldest(set: readonly LeaderOrder[]): number {
  return Math.min(...set.map((o) => o.placedAt));
}
