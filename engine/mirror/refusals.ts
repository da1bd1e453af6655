/**
 * Placements the follower's broker refused, by leg and terms, and when each may be asked again.
 * A refusal may pass (a request budget or a rate limit, a price the market had just run through,
 * a moment of the broker's), and a follower whose leader is protected should be too: a refused leg
 * is asked again a few times, further apart each time, then given up (the sender tells it loudly)
 * until its terms change (the leader moves the order, the follower's position changes), and once
 * they have, also when they change back. Asked
 * again every look it would only spend the login's request budget, which every account on it pays.
 * Refusals of the same terms are counted even when one try in between was taken: a broker that
 * takes an order and then rejects it (an event) must not be asked once a second forever.
 */
import type { EpochMs } from "../types.js";
import { termsKey, type WantLeg, type WantSet } from "./types.js";

/** After the 1st, 2nd and 3rd refusal of the same terms, asked again this much later; then given up. */
export const RETRY_AFTER_MS: readonly number[] = [1_000, 5_000, 15_000];

/** How long after their `times`-th refusal in a row legs are asked again; undefined: given up. */
export function retryDelay(times: number): number | undefined {
  return RETRY_AFTER_MS[times - 1];
}

interface Refused {
  /** The follower and set it was refused in (`ownerKey`). */
  owner: string;
  /** The leader orders of its legs. */
  leaderIds: readonly number[];
  reason: string;
  times: number;
  /** Undefined: given up. */
  retryAt: EpochMs | undefined;
}

/** A leg not to ask for before `retryAt` (never, if undefined), and the broker's last word on it. */
export interface Blocked {
  leaderId: number;
  reason: string;
  retryAt: EpochMs | undefined;
}

/** Refusals remembered at most (the oldest let go first): memory stays bounded over a long run. */
const KEPT = 2_000;

export class Refusals {
  /**
   * By the follower, and the legs refused together (one, or an OCO's two) in the set they were
   * wanted in. The follower is in the key: one follower's broker refusing a Sell Stop 2 at 6790
   * held back every follower whose own order had those very terms (2 MES beside 2 ES), and once
   * given up, left their exits unplaced for good.
   */
  private readonly byLegs = new Map<string, Refused>();
  /** Given up, by follower and set (`ownerKey`): each refused key with its legs' leader orders. */
  private readonly givenUp = new Map<string, Map<string, readonly number[]>>();

  /** The broker refused these legs of `set`: how many times in a row now, and whether that gives up. */
  refused(
    follower: string,
    set: WantSet,
    legs: readonly WantLeg[],
    reason: string,
    now: EpochMs,
  ): { times: number; gaveUp: boolean } {
    const key = legsKey(follower, set, legs);
    const owner = ownerKey(follower, set);
    const times = (this.byLegs.get(key)?.times ?? 0) + 1;
    const delay = retryDelay(times);
    this.byLegs.delete(key); // the newest last: the oldest is let go first
    const leaderIds = legs.map((l) => l.leaderId);
    this.byLegs.set(key, {
      owner,
      leaderIds,
      reason,
      times,
      retryAt: delay === undefined ? undefined : now + delay,
    });
    if (delay === undefined) {
      const gone = this.givenUp.get(owner) ?? new Map<string, readonly number[]>();
      gone.set(key, leaderIds);
      this.givenUp.set(owner, gone);
    }
    if (this.byLegs.size > KEPT) this.forget(this.byLegs.keys().next().value as string);
    return { times, gaveUp: delay === undefined };
  }

  /**
   * The set's legs not to ask for at `now`: refused with these terms (all of them together, as a
   * native OCO is, or one alone, as mimik places linked legs) and not due again yet, or given up.
   */
  blocked(follower: string, set: WantSet, now: EpochMs): Blocked[] {
    const out: Blocked[] = [];
    const groups = set.legs.length > 1 ? [set.legs, ...set.legs.map((l) => [l])] : [set.legs];
    const gone = this.givenUp.get(ownerKey(follower, set));
    if (gone) this.movedOn(gone, follower, set, groups);
    for (const legs of groups) {
      const r = this.byLegs.get(legsKey(follower, set, legs));
      if (!r || (r.retryAt !== undefined && r.retryAt <= now)) continue;
      for (const leg of legs)
        if (!out.some((b) => b.leaderId === leg.leaderId))
          out.push({ leaderId: leg.leaderId, reason: r.reason, retryAt: r.retryAt });
    }
    return out;
  }

  /**
   * A refusal given up waits for new terms, but kept after them it stood in the way of the old
   * terms for good: the leader's stop moved away from 6790 and back, the follower's was never
   * asked for again. So once its legs are wanted with other terms, a refusal given up is let go.
   */
  private movedOn(
    gone: Map<string, readonly number[]>,
    follower: string,
    set: WantSet,
    groups: readonly (readonly WantLeg[])[],
  ): void {
    const current = new Set(groups.map((legs) => legsKey(follower, set, legs)));
    const wanted = new Set(set.legs.map((l) => l.leaderId));
    // A set asked for in part (the legs still missing) says nothing of the legs it leaves out.
    for (const [key, ids] of gone)
      if (!current.has(key) && ids.every((id) => wanted.has(id))) this.forget(key);
  }

  /**
   * The leader changed the order's terms (LeaderMemo.moved): what its mirrors were refused, given
   * up or still counting, is over for every follower, even if the terms came back before a pass.
   */
  leaderMoved(leaderId: number): void {
    for (const [key, r] of [...this.byLegs]) if (r.leaderIds.includes(leaderId)) this.forget(key);
  }

  private forget(key: string): void {
    const owner = this.byLegs.get(key)?.owner;
    this.byLegs.delete(key);
    if (owner === undefined) return;
    const gone = this.givenUp.get(owner);
    gone?.delete(key);
    if (gone?.size === 0) this.givenUp.delete(owner);
  }
}

const ownerKey = (follower: string, set: WantSet) => `${follower}|${set.key}`;

/** Legs by follower, the set they are wanted in (a lone stop is not the stop of a pair) and terms. */
function legsKey(follower: string, set: WantSet, legs: readonly WantLeg[]): string {
  return `${follower}|${set.key}|${legs.map((l) => `${l.leaderId}/${l.side}/${termsKey(l.terms)}`).join("|")}`;
}
