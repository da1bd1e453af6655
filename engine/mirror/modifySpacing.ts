import type { EpochMs } from "../types.js";
import { type Terms, termsKey } from "./types.js";

/** A modify refused with these very terms is asked again no sooner (a refusal may pass). */
export const MODIFY_REFUSED_MS = 5_000;
/** Refused again, it waits longer: 5 s, 15 s, then a minute each time (60 an hour, not 720). */
export const REFUSED_AGAIN_MS: readonly number[] = [MODIFY_REFUSED_MS, 15_000, 60_000];
/** How long after its last refusal a modify's refusals are still counted. */
const COUNTED_MS = 120_000;
/**
 * Refusals of the same modify before it is given up: the 12th comes about 9 min 20 s after the
 * first (5 s + 15 s + 9 × 60 s). Ten minutes of "no" is the broker's answer, not a passing limit,
 * and the trader is better told than the login's budget spent on it all session long.
 */
export const MODIFY_REFUSALS_TO_GIVE_UP = 12;
/** Modifies given up, remembered until their order ends or the leader moves (bounded all the same). */
const GIVEN_UP_KEPT = 500;

/** What the plan asks before it modifies a follower's order (plan.ts). */
export interface ModifyGate {
  /** When the order (`filled` so far) may be modified again to `terms` (undefined: now; Infinity: given up). */
  at(clOrdId: string, terms: Terms, filled: number): EpochMs | undefined;
  /** The broker refused this very modify a moment ago. */
  refused(clOrdId: string, terms: Terms, filled: number): boolean;
  /** Why, if it did. */
  refusedWhy?(clOrdId: string, terms: Terms, filled: number): string | undefined;
  /** The order stands at the leader's terms: nothing to modify, and a modify given up is over. */
  atTerms?(clOrdId: string): void;
}

/**
 * When each follower order may be modified (or cancelled) again: at most once per `everyMs`, and
 * a modify the broker refused with these very terms not for a while, longer each time it is
 * refused again (REFUSED_AGAIN_MS): asked again every spacing it would only spend the login's
 * request budget (every account on it pays). The leader's next move (new terms) is asked after
 * the spacing. Only a few minutes' worth is kept (`prune`). Refused so for about ten minutes
 * (MODIFY_REFUSALS_TO_GIVE_UP), the modify is given up until the leader moves its order again
 * or the order ends (the sender tells the trader once).
 */
export class ModifySpacing implements ModifyGate {
  private readonly lastTouched = new Map<string, EpochMs>();
  private readonly refusedAt = new Map<string, { at: EpochMs; why: string; waitMs: number }>();
  /** How many times in a row each modify was refused, and when last. */
  private readonly refusals = new Map<string, { times: number; at: EpochMs }>();
  /** clOrdId → the modify given up for it (its key): not asked again until other terms are wanted. */
  private readonly givenUp = new Map<string, string>();
  /** clOrdId → the leader order it mirrors, for orders with refusals counted or given up. */
  private readonly leaderOf = new Map<string, number>();

  constructor(private readonly everyMs: number) {}

  /** A modify or cancel of the order was sent. */
  touched(clOrdId: string, now: EpochMs): void {
    this.lastTouched.set(clOrdId, now);
  }

  /**
   * The broker refused this modify (not a lost answer: that may have passed), in its answer or in
   * the command's report after it.
   */
  noteRefused(
    clOrdId: string,
    terms: Terms,
    filled: number,
    now: EpochMs,
    why = "refused",
    leaderId?: number,
  ): { times: number; gaveUp: boolean } {
    const key = modifyKey(clOrdId, terms, filled);
    if (leaderId !== undefined) this.leaderOf.set(clOrdId, leaderId);
    const times = (this.refusals.get(key)?.times ?? 0) + 1;
    this.refusals.set(key, { times, at: now });
    const gaveUp = times === MODIFY_REFUSALS_TO_GIVE_UP;
    const waitMs = gaveUp ? Infinity : REFUSED_AGAIN_MS[Math.min(times, REFUSED_AGAIN_MS.length) - 1]!;
    this.refusedAt.set(key, { at: now, why, waitMs });
    if (gaveUp) {
      this.givenUp.delete(clOrdId);
      this.givenUp.set(clOrdId, key);
      if (this.givenUp.size > GIVEN_UP_KEPT) this.ended(this.givenUp.keys().next().value as string);
    }
    return { times, gaveUp };
  }

  /**
   * When the order may be modified to `terms`: Infinity for a modify given up. Asked for other
   * terms (the leader moved its order again), the one given up starts afresh.
   */
  at(clOrdId: string, terms?: Terms, filled = 0): EpochMs | undefined {
    const touched = this.lastTouched.get(clOrdId);
    const key = terms && modifyKey(clOrdId, terms, filled);
    const gaveUp = this.givenUp.get(clOrdId);
    if (key !== undefined && gaveUp !== undefined && gaveUp !== key) this.forgetRefusals(clOrdId);
    const refused = key !== undefined ? this.refusedAt.get(key) : undefined;
    const at = Math.max(
      touched === undefined ? 0 : touched + this.everyMs,
      refused ? refused.at + refused.waitMs : 0,
    );
    return at > 0 ? (at as EpochMs) : undefined;
  }

  refused(clOrdId: string, terms: Terms, filled: number): boolean {
    return this.refusedAt.has(modifyKey(clOrdId, terms, filled));
  }

  refusedWhy(clOrdId: string, terms: Terms, filled: number): string | undefined {
    const r = this.refusedAt.get(modifyKey(clOrdId, terms, filled));
    if (!r) return undefined;
    return r.waitMs === Infinity
      ? `${r.why} (${MODIFY_REFUSALS_TO_GIVE_UP} times: not asked again until the leader moves it)`
      : r.why;
  }

  /**
   * The leader's order came back to where the follower's stayed: that is the leader moving it
   * again, though it asks the follower for nothing. Kept, the give-up refused the leader's next
   * move to the terms given up, however long after and whatever the broker would say now.
   */
  atTerms(clOrdId: string): void {
    if (this.givenUp.has(clOrdId)) this.forgetRefusals(clOrdId);
  }

  /**
   * The leader changed its order's terms (LeaderMemo.moved), perhaps back before a pass saw them:
   * its mirrors' refusals, counted or given up, start afresh, as for any other move.
   */
  leaderMoved(leaderId: number): void {
    for (const [clOrdId, id] of [...this.leaderOf]) if (id === leaderId) this.forgetRefusals(clOrdId);
  }

  /** The order ended: nothing about it is kept. */
  ended(clOrdId: string): void {
    this.lastTouched.delete(clOrdId);
    this.forgetRefusals(clOrdId);
  }

  private forgetRefusals(clOrdId: string): void {
    this.givenUp.delete(clOrdId);
    this.leaderOf.delete(clOrdId);
    const prefix = `${clOrdId}|`;
    for (const key of this.refusedAt.keys()) if (key.startsWith(prefix)) this.refusedAt.delete(key);
    for (const key of this.refusals.keys()) if (key.startsWith(prefix)) this.refusals.delete(key);
  }

  prune(now: EpochMs): void {
    for (const [clOrdId, at] of this.lastTouched)
      if (at + this.everyMs <= now) this.lastTouched.delete(clOrdId);
    for (const [key, r] of this.refusedAt) if (r.at + r.waitMs <= now) this.refusedAt.delete(key);
    for (const [key, r] of this.refusals) if (r.at + COUNTED_MS <= now) this.refusals.delete(key);
  }
}

function modifyKey(clOrdId: string, terms: Terms, filled: number): string {
  return `${clOrdId}|${filled + terms.remaining}|${termsKey(terms)}`;
}
