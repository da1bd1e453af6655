/** A login's request budget as the engine sees it (design.md §10, tradovate-protocol.md §6). */
import type { EpochMs } from "./clock.js";

/** Requests a login may send per sliding second, minute and hour (unset: the broker's published limit). */
export type RateLimits = { perSecond?: number; perMinute?: number; perHour?: number };

/**
 * A login's request budget in the broker's binding window: Tradovate's 5,000 in a sliding hour,
 * ProjectX's 200 in a sliding minute.
 */
export interface RateBudget {
  /** Requests left in the window. */
  left: number;
  /** The window's budget (left of limit). */
  limit: number;
  /** The window's length: 3 600 000 (an hour) or 60 000 (a minute). */
  windowMs: number;
  /**
   * At the pace of the last five minutes, how long until openings stop (only exits are left);
   * undefined when that pace never gets there, and for a minute window (it refills too fast).
   */
  lastsMs?: number | undefined;
  /** Orders and reads refused at once for want of budget since the session started. */
  refused: number;
  /** Set while the broker has us in a 429 lockout or penalty wait. */
  blockedUntil?: EpochMs | undefined;
}

/**
 * What a login has spent at its broker. The broker counts a login's requests, and stops it, by the
 * login, not by the session that sent them: a session that takes another's place (its connection
 * edited) starts from what the other spent, or it would send past the broker's limit.
 */
export interface SpentRequests {
  /** Send times within the last hour, oldest first. */
  readonly sent: readonly EpochMs[];
  /** A broker 429 lockout (user-level) or penalty wait still running, if any. */
  readonly lockoutUntil: EpochMs | undefined;
  readonly penaltyUntil: EpochMs | undefined;
}

/** A session's request count, as handed from the session of a login to the one replacing it. */
export interface RequestLedger {
  spent(): SpentRequests;
  /** Counts requests another session of this login spent against this session's budget. */
  carry(spent: SpentRequests): void;
}
