import type { NoticeKind } from "../../data/notifications.js";
import {
  CLOSE_ONLY,
  type ConnectionState,
  type EngineEvent,
  type EpochMs,
  type FollowerState,
  isAccountCapReason,
  RENEWING_FOR_ACCOUNTS,
  SKIP_REASONS,
  TRANSPORT_FAILURES,
} from "../../engine/index.js";
import { causeNotice, type HeldCause, sharedCause, sharedLockNotice } from "./causes.js";

/**
 * Which engine events leave the machine, and in what words. One rule per event type; a rule
 * returns the notice an event makes, or nothing. A new kind of event that matters is one more
 * line in RULES (and its name in data/notifications.ts NOTICE_KINDS).
 */

export interface Notice {
  /** "test" only for `mimik notify test`. */
  kind: NoticeKind | "test";
  level: "info" | "warn" | "error";
  /** What it is about (a follower, a connection): repeats are collapsed per kind and subject. */
  subject: string;
  text: string;
  at: EpochMs;
  /** Notices like this one folded into it since the last message (collapsed repeats). */
  repeats?: number | undefined;
  /** The window the repeats were counted in, in seconds. */
  windowSeconds?: number | undefined;
  /**
   * Held back, or closed out and locked, by a cause many followers share (a trading window, the
   * hedge guard, a flatten by hand of a group): see causes.ts.
   */
  cause?: HeldCause | undefined;
}

/** What the rules remember between events: the last state of each follower and connection. */
export interface RuleMemory {
  /** As announced in this run. */
  followers: Map<string, FollowerState>;
  /**
   * As the state file had them at start, for a follower not announced yet: risk announces the
   * locks it restores, so an old one is not news. Only until risk has started (see Notifier).
   */
  saved: Map<string, FollowerState>;
  connections: Map<string, ConnectionState>;
}

type Rule<T extends EngineEvent["type"]> = (
  event: Extract<EngineEvent, { type: T }>,
  memory: RuleMemory,
) => Notice | undefined;

/** Skips that mean a rule held an opening back (not a routine skip such as "already flat"). */
export const HELD_BACK_REASONS: ReadonlySet<string> = new Set([
  SKIP_REASONS.locked,
  SKIP_REASONS.liquidateOnly,
  SKIP_REASONS.brokerLocked,
  SKIP_REASONS.notWhitelisted,
  SKIP_REASONS.maxContracts,
  SKIP_REASONS.maxTrades,
]);

/** A rule held an opening back: one of those, or the account's max open contracts (its words carry the cap). */
const heldBack = (reason: string) => HELD_BACK_REASONS.has(reason) || isAccountCapReason(reason);

/** Reject reasons that come from the way there (timeout, disconnect, rate limit), not from the broker. */
const NOT_SENT: ReadonlySet<string> = new Set(Object.values(TRANSPORT_FAILURES));

const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

function notice(
  kind: NoticeKind,
  level: Notice["level"],
  subject: string,
  at: EpochMs,
  text: string,
): Notice {
  return { kind, level, subject, at, text };
}

/**
 * The follower's last state. An account's name retyped in another case is the same account,
 * and risk keeps the state saved under the old spelling (unless the exact spelling has its own):
 * so does this memory.
 */
function lastState(memory: RuleMemory, follower: string): FollowerState {
  const announced = memory.followers.get(follower);
  if (announced !== undefined) return announced;
  const exact = memory.saved.get(follower);
  if (exact !== undefined) return exact;
  const lower = follower.toLowerCase();
  for (const [name, state] of memory.saved) if (name.toLowerCase() === lower) return state;
  return "ACTIVE";
}

const followerState: Rule<"followerState"> = (e, memory) => {
  const before = lastState(memory, e.follower);
  memory.followers.set(e.follower, e.state);
  if (e.state === before) return undefined;
  const broker = e.reason === SKIP_REASONS.brokerLocked;
  const shared = sharedLockNotice(e);
  if (shared !== undefined) return shared;
  if (e.state === "LIQUIDATE_ONLY")
    return broker
      ? notice("liquidateOnly", "warn", e.follower, e.at, `${e.follower}: Tradovate set it liquidation-only`)
      : notice(
          "closeOut",
          "warn",
          e.follower,
          e.at,
          `${e.follower}: ${e.reason ?? "flatten and lock"}: liquidate only, flattening`,
        );
  if (e.state === "LOCKED")
    return notice(
      "locked",
      "warn",
      e.follower,
      e.at,
      `${e.follower}: LOCKED (${e.reason ?? "no reason given"})`,
    );
  return undefined;
};

const connectionStatus: Rule<"connectionStatus"> = (e, memory) => {
  // A session started again (its settings edited) says "connecting" on its way back from a loss
  // the phone heard: remembered, it would hide the "back" that follows.
  if (e.state === "connecting") return undefined;
  // Renewed to take in an added account: nothing was lost, and its "connected" is no "back".
  if (e.reason === RENEWING_FOR_ACCOUNTS) return undefined;
  // The trader took it out: no page, and put back later its first connect is no "back".
  if (e.takenOut) {
    memory.connections.delete(e.connection);
    return undefined;
  }
  const before = memory.connections.get(e.connection);
  memory.connections.set(e.connection, e.state);
  if (e.state === before) return undefined;
  const why = e.reason ? `: ${e.reason}` : "";
  switch (e.state) {
    case "connected":
      return before === "reconnecting" || before === "down" || before === "reauth-needed"
        ? notice("connectionRestored", "info", e.connection, e.at, `connection ${e.connection} is back`)
        : undefined;
    case "reconnecting":
      return notice(
        "connectionLost",
        "warn",
        e.connection,
        e.at,
        // A settings edit's reason already says it reconnects.
        `connection ${e.connection} lost${why}${/reconnecting/.test(why) ? "" : "; reconnecting"}`,
      );
    case "reauth-needed":
    case "down":
      return notice(
        "connectionNeedsYou",
        "error",
        e.connection,
        e.at,
        `connection ${e.connection} needs you${why}`,
      );
    default:
      return undefined;
  }
};

const copy: Rule<"copy"> = (e) => {
  const order = [e.kind, e.side, e.qty, e.contract].filter((part) => part !== undefined).join(" ");
  if (e.outcome === "rejected") {
    const notSent = NOT_SENT.has(e.reason.split(":")[0]!.trim());
    return notSent
      ? notice("notSent", "error", e.follower, e.at, `${e.follower}: ${order} could not be sent: ${e.reason}`)
      : notice("rejected", "error", e.follower, e.at, `${e.follower}: ${order} rejected: ${e.reason}`);
  }
  const shared = sharedCause(e.outcome === "skipped" ? e.reason : (closeOnlyGate(e) ?? ""));
  if (shared !== undefined) return causeNotice(e, shared, e.outcome !== "skipped");
  if (e.outcome === "skipped" && heldBack(e.reason))
    return notice(
      "heldBack",
      "info",
      e.follower,
      e.at,
      `${e.follower}: opening on ${e.contract} held back: ${e.reason}`,
    );
  // A flip's opening half held back is an opening held back too, though its close went.
  const held = closeOnlyGate(e);
  if (held !== undefined && heldBack(held))
    return notice(
      "heldBack",
      "info",
      e.follower,
      e.at,
      `${e.follower}: flip on ${e.contract} copied as a close only (${[e.side, e.qty].filter((p) => p !== undefined).join(" ")}), its opening held back: ${held}`,
    );
  return undefined;
};

/** The gate that held a sent flip's opening half back, if the copy only closed. */
export function closeOnlyGate(e: { outcome: string; reason: string }): string | undefined {
  return e.outcome === "sent" && e.reason.startsWith(CLOSE_ONLY)
    ? e.reason.slice(CLOSE_ONLY.length)
    : undefined;
}

const syncStatus: Rule<"syncStatus"> = (e) =>
  e.inSync
    ? undefined
    : notice(
        "outOfSync",
        "warn",
        e.follower,
        e.at,
        `${e.follower}: OUT OF SYNC on ${e.contract}: has ${signed(e.has)}, expects ${signed(e.expects)}`,
      );

const alert: Rule<"alert"> = (e) =>
  e.level === "error"
    ? notice("error", "error", e.follower ?? e.group ?? "mimik", e.at, e.message)
    : undefined;

/** Event types that can make a notice; everything else (fills, prices, budgets) is never looked at. */
export const RULES: { [T in EngineEvent["type"]]?: Rule<T> } = {
  followerState,
  connectionStatus,
  copy,
  syncStatus,
  alert,
};

/** The notice an event makes, if any; updates the memory of states. */
export function noticeFor(event: EngineEvent, memory: RuleMemory): Notice | undefined {
  const rule = RULES[event.type] as Rule<typeof event.type> | undefined;
  return rule?.(event as never, memory);
}

/**
 * A fresh memory. `followers` seeds what the state file said at start, so a lock that was already
 * there before this start is not news.
 */
export function ruleMemory(followers: Record<string, FollowerState> = {}): RuleMemory {
  return { followers: new Map(), saved: new Map(Object.entries(followers)), connections: new Map() };
}

/** Kinds that each say a state of one subject: the latest of them is the truth, not each one. */
const CONNECTION_KINDS: readonly Notice["kind"][] = [
  "connectionLost",
  "connectionRestored",
  "connectionNeedsYou",
];
export const STATE_KINDS: ReadonlyMap<Notice["kind"], readonly Notice["kind"][]> = new Map(
  CONNECTION_KINDS.map((kind) => [kind, CONNECTION_KINDS]),
);

/** Short titles, for a phone's notification line. */
export const KIND_TITLES: Record<Notice["kind"], string> = {
  // Not "risk": a flat-by time, a blackout or the trader's own flatten close out too.
  closeOut: "Close-out",
  locked: "Locked",
  liquidateOnly: "Liquidate only",
  outOfSync: "Out of sync",
  connectionLost: "Connection lost",
  connectionRestored: "Connection back",
  connectionNeedsYou: "Connection needs you",
  rejected: "Order rejected",
  notSent: "Order not sent",
  heldBack: "Opening held back",
  error: "Error",
  test: "Test",
};
