/**
 * What a command did, as data. The engine and the actions module answer every command (flatten,
 * lock, unlock, resync, pause, resume, config edits) with Outcomes; wording is made at the edges
 * (CLI lines, the screen's flash line) from these fields, never parsed back out of English.
 */

/** Every status an Outcome can have; the control socket's schema reads them from here. */
export const OUTCOME_STATUSES = [
  /** Flat and locked (flatten), or locked without a flatten (lock). */
  "locked",
  /** Cancels and liquidations sent; the follower locks once the broker reports it flat. */
  "liquidating",
  "already locked",
  "unlocked",
  /** Nothing to unlock: the follower was ACTIVE. */
  "already active",
  /** Resync orders sent. */
  "resynced",
  "in sync",
  "paused",
  "resumed",
  "enabled",
  "disabled",
  /** A config edit (group or follower saved, removed) is on disk and in the engine. */
  "saved",
  /** Not done, and nothing was sent: the command is not allowed now (`reason` says why). */
  "refused",
  /** Tried and did not (fully) work: `reason` says what failed; `retryInMs` when it carries on. */
  "failed",
] as const;

export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export interface Outcome {
  /** The follower's account name or the group's name, as the config spells it. */
  target: string;
  status: OutcomeStatus;
  /** Orders, cancels and liquidations sent for this target. */
  sent?: number | undefined;
  /** Why it was refused or failed, or the lock's reason; fixed words, not a sentence to parse. */
  reason?: string | undefined;
  /** "already locked": when that lock was taken (epoch ms), so the trader sees it is the old one. */
  since?: number | undefined;
  /** When a failed flatten tries again by itself. */
  retryInMs?: number | undefined;
  /**
   * "locked": the reason of a lock that would have lifted by itself (a daily limit's, a window's), which
   * this manual one replaced: the follower now stays locked past the roll.
   */
  replaces?: string | undefined;
  /**
   * False when the lock or unlock holds in memory but could not be written to the state file:
   * it is retried until it is on disk, and the caller must say so loudly.
   */
  saved?: boolean | undefined;
  /**
   * "unlocked": the lines it came back OUT OF SYNC on (its leader moved while it was locked), so a
   * trader unlocking from another shell reads what a resync would send without asking for status.
   */
  outOfSync?: { contract: string; has: number; expects: number }[] | undefined;
}

/** Statuses that mean the command did what was asked (or there was nothing to do): all but two. */
const DONE: ReadonlySet<OutcomeStatus> = new Set(
  OUTCOME_STATUSES.filter((status) => status !== "refused" && status !== "failed"),
);

/** Did the command do what was asked, durably? A lock that is not on disk is not done. */
export function succeeded(outcome: Outcome): boolean {
  return DONE.has(outcome.status) && outcome.saved !== false;
}

/** How a refusal points to the forced unlock: the CLI verb, and the console's key for it. */
export const FORCE_UNLOCK = "mimik unlock --force (U on the console)";

/** Refusal reasons shared by the engine and the actions module. */
export const REFUSALS = {
  leader: "is a leader",
  notFollower: "not a follower",
  noSuchGroup: "no such group",
  noFollowers: "no followers",
  disconnected: "disconnected",
  /** A resync's expectation comes from the leader's positions, not known while its login is away. */
  leaderDisconnected: "its leader is not connected",
  pastLimit: "still past a limit",
  wouldOpen: "would open",
  /** The follower's broker has left too many of our orders unanswered to send more. */
  ordersBacklog: "too many orders in flight",
  /** An order of ours whose answer was lost is still working at the broker: it may yet fill. */
  answerLost: "an order whose answer was lost is still working at the broker for",
  /** One whose answer was lost may have filled unheard: the account's next snapshot says (a second or so). */
  answerUnsettled:
    "an order whose answer was lost is not settled yet (the account's next snapshot says where it stands) for",
  invalid: "invalid",
  /** An unlock before the account's first balance: a limit that needs it cannot be checked. */
  balanceUnknown:
    "its balance is not known yet (its login has not reported it), so its limits cannot be checked; " +
    `unlock again once it has, or ${FORCE_UNLOCK} to unlock now and have them checked the moment it arrives`,
  /** Locked, switched off or its group paused: it follows exits only, none of which it owes now. */
  standsAside:
    "it takes no openings now, so nothing brings it to its leader (its exits still follow); unlock it or switch it on, then resync if it shows OUT OF SYNC",
  /** Issue 16: a shadow follower is decided for, never sent anything. */
  shadow: "a shadow follower: nothing is sent to it",
} as const;
