import { type CopyEvent, type FollowerStateEvent, isWindowReason, SKIP_REASONS } from "../../engine/index.js";
import type { Notice } from "./rules.js";

/**
 * Rules that hold many followers back at once, for one cause: a group's trading window holds every
 * follower of the group, the hedge guard every follower of a firm on the other side. One notice
 * per follower would be 200 messages per leader fill at 200 followers, and would push the lock
 * behind them out of the target's queue: the phone needs the cause and whom it held, once.
 * A flat-by time or a blackout's flatten closes out and locks the whole group at once too, as
 * does the trader's flatten of a group or of every follower.
 */

export interface HeldCause {
  group: string;
  why: string;
  /** The followers' contracts (a toMicro follower's MNQZ6 beside NQZ6). */
  contracts: string[];
  /** A flip copied as a close only: what its close sent ("Sell 2"); absent for an opening held back. */
  closeOnly?: string | undefined;
  followers: string[];
  /** Followers the cause took since the phone last heard of it: the message says "N more". */
  more?: true | undefined;
  /**
   * A flatten command by hand (its id; `why` names it and its target): gathered with that command
   * alone, so a lock of the same words a minute later is not taken for one of its followers.
   */
  command?: number | undefined;
}

const HEDGE_WHY = `${SKIP_REASONS.hedgeGuard} (another follower of the same firm holds the other side)`;

/** The words for a held-back reason that is shared by many followers, or undefined for one of a follower's own. */
export function sharedCause(reason: string): string | undefined {
  if (reason === SKIP_REASONS.hedgeGuard) return HEDGE_WHY;
  return isWindowReason(reason) ? reason : undefined;
}

/** One follower's copy held back by a shared cause; coalesce() merges it with the others of its batch. */
export function causeNotice(e: CopyEvent, why: string, closeOnly: boolean): Notice {
  const cause: HeldCause = {
    group: e.group,
    why,
    contracts: [e.contract],
    closeOnly: closeOnly ? [e.side, e.qty].filter((p) => p !== undefined).join(" ") : undefined,
    followers: [e.follower],
  };
  return {
    kind: "heldBack",
    level: "info",
    subject: `${e.group}: ${why}`,
    at: e.at,
    text: causeText("heldBack", cause),
    cause,
  };
}

/**
 * A follower closed out or locked by its group's trading window (a flat-by, a blackout's
 * flatten) or by a flatten command by hand of many followers, or undefined for a state of its
 * own (a limit, a flatten of it alone, the broker): that one is news about the follower and goes
 * alone.
 */
export function sharedLockNotice(e: FollowerStateEvent): Notice | undefined {
  if (e.state !== "LIQUIDATE_ONLY" && e.state !== "LOCKED") return undefined;
  const kind = e.state === "LOCKED" ? "locked" : "closeOut";
  const followers = [e.follower];
  let cause: HeldCause;
  if (e.command !== undefined) {
    const { id, what } = e.command;
    cause = { group: e.group ?? "", why: what, contracts: [], followers, command: id };
  } else if (e.group !== undefined && e.reason !== undefined && isWindowReason(e.reason))
    cause = { group: e.group, why: e.reason, contracts: [], followers };
  else return undefined;
  return {
    kind,
    level: "warn",
    subject: headOf(cause),
    at: e.at,
    text: causeText(kind, cause),
    cause,
  };
}

/** What a shared lock's message opens with; a command's words name its target already. */
function headOf(c: HeldCause): string {
  return c.command === undefined ? `${c.group}: ${c.why}` : c.why;
}

/** Notices of one command, or of one group and cause: collapsed and coalesced as one (see HeldCause.command). */
export function causeKey(notice: Notice): string {
  const id = notice.cause?.command;
  return id === undefined ? `${notice.kind}\u0000${notice.subject}` : `${notice.kind}\u0001${id}`;
}

/**
 * Kinds whose repeats of one cause are more followers it took (each locks once, as its flatten
 * is done): a window's summary names them, where a count of "repeats" would say nothing.
 */
export function gathers(notice: Notice): boolean {
  return notice.cause !== undefined && (notice.kind === "closeOut" || notice.kind === "locked");
}

/** `notice`'s followers added to those gathered so far in a collapse window (`into`). */
export function gather(into: Notice | undefined, notice: Notice): Notice {
  const before = into?.cause?.followers ?? [];
  const cause: HeldCause = {
    ...notice.cause!,
    followers: [...new Set([...before, ...notice.cause!.followers])],
    more: true,
  };
  return { ...notice, cause, text: causeText(notice.kind, cause) };
}

const NAMED = 3;

function whoText(c: HeldCause): string {
  const n = c.followers.length;
  const names = c.followers.slice(0, NAMED).join(", ");
  const rest = n > NAMED ? ` and ${n - NAMED} ${c.more ? "others" : "more"}` : "";
  if (c.more) return `${n} more follower${n === 1 ? "" : "s"} (${names}${rest})`;
  return n === 1 ? c.followers[0]! : `${n} followers (${names}${rest})`;
}

function causeText(kind: Notice["kind"], c: HeldCause): string {
  const who = whoText(c);
  // At LIQUIDATE_ONLY the flatten has only begun: "flat" is said by the lock, once it is.
  if (kind === "closeOut") return `${headOf(c)}: ${who} being flattened and locked`;
  if (kind === "locked") return `${headOf(c)}: ${who} flat and locked`;
  const on = c.contracts.join(", ");
  const n = c.followers.length;
  if (c.closeOnly === undefined) return `${c.group}: opening on ${on} held back for ${who}: ${c.why}`;
  const sent = n === 1 && c.closeOnly ? ` (${c.closeOnly})` : "";
  return `${c.group}: flip on ${on} copied as a close only for ${who}${sent}, the opening held back: ${c.why}`;
}

/**
 * A batch's notices with one kind, cause and shape (an opening, or a flip's close only) made one, at the first one's place, naming
 * every follower it held back (once, though two leader fills held it back in the batch).
 */
export function coalesce(notices: readonly Notice[]): Notice[] {
  const out: Notice[] = [];
  const merged = new Map<
    string,
    { notice: Notice; cause: HeldCause; followers: Set<string>; contracts: Set<string> }
  >();
  for (const notice of notices) {
    const cause = notice.cause;
    if (cause === undefined) {
      out.push(notice);
      continue;
    }
    const key = `${causeKey(notice)}\u0000${cause.closeOnly !== undefined}`;
    const first = merged.get(key);
    if (first === undefined) {
      const own = {
        notice: { ...notice },
        cause: { ...cause },
        followers: new Set(cause.followers),
        contracts: new Set(cause.contracts),
      };
      merged.set(key, own);
      out.push(own.notice);
      continue;
    }
    for (const f of cause.followers) first.followers.add(f);
    for (const c of cause.contracts) first.contracts.add(c);
    first.notice.at = notice.at;
    if (first.followers.size === 1) first.cause.closeOnly = cause.closeOnly;
  }
  for (const { notice, cause, followers, contracts } of merged.values()) {
    notice.cause = { ...cause, followers: [...followers], contracts: [...contracts] };
    notice.text = causeText(notice.kind, notice.cause);
  }
  return out;
}
