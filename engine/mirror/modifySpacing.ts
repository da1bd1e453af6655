import type { EpochMs } from "../types.js";
import { type Terms, termsKey } from "./types.js";

/** A modify refused with these very terms is asked again no sooner (a refusal may pass). */
export const MODIFY_REFUSED_MS = 5_000;
/** Refused again, it waits longer: 5 s, 15 s, then a minute each time (60 an hour, not 720). */
export const REFUSED_AGAIN_MS: readonly number[] = [MODIFY_REFUSED_MS, 15_000, 60_000];
/** How long after its last refusal a modify's refusals are still counted. */
const COUNTED_MS = 120_000;

/** What the plan asks before it modifies a follower's order (plan.ts). */
export interface ModifyGate {
  /** When the order (`filled` so far) may be modified again to `terms` (undefined: now). */
  at(clOrdId: string, terms: Terms, filled: number): EpochMs | undefined;
  /** The broker refused this very modify a moment ago. */
  refused(clOrdId: string, terms: Terms, filled: number): boolean;
  /** Why, if it did. */
  refusedWhy?(clOrdId: string, terms: Terms, filled: number): string | undefined;
}

/**
 * When each follower order may be modified (or cancelled) again: at most once per `everyMs`, and
 * a modify the broker refused with these very terms not for a while, longer each time it is
 * refused again (REFUSED_AGAIN_MS): asked again every spacing it would only spend the login's
 * request budget (every account on it pays). The leader's next move (new terms) is asked after
 * the spacing. Only a few minutes' worth is kept (`prune`).
 */
export class ModifySpacing implements ModifyGate {
  private readonly lastTouched = new Map<string, EpochMs>();
  private readonly refusedAt = new Map<string, { at: EpochMs; why: string; waitMs: number }>();
  /** How many times in a row each modify was refused, and when last. */
  private readonly refusals = new Map<string, { times: number; at: EpochMs }>();

  constructor(private readonly everyMs: number) {}

  /** A modify or cancel of the order was sent. */
  touched(clOrdId: string, now: EpochMs): void {
    this.lastTouched.set(clOrdId, now);
  }

  /**
   * The broker refused this modify (not a lost answer: that may have passed), in its answer or in
   * the command's report after it.
   */
  noteRefused(clOrdId: string, terms: Terms, filled: number, now: EpochMs, why = "refused"): void {
    const key = modifyKey(clOrdId, terms, filled);
    const times = (this.refusals.get(key)?.times ?? 0) + 1;
    this.refusals.set(key, { times, at: now });
    const waitMs = REFUSED_AGAIN_MS[Math.min(times, REFUSED_AGAIN_MS.length) - 1]!;
    this.refusedAt.set(key, { at: now, why, waitMs });
  }

  at(clOrdId: string, terms?: Terms, filled = 0): EpochMs | undefined {
    const touched = this.lastTouched.get(clOrdId);
    const refused = terms && this.refusedAt.get(modifyKey(clOrdId, terms, filled));
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
    return this.refusedAt.get(modifyKey(clOrdId, terms, filled))?.why;
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
