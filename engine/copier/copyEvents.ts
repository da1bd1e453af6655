import type { Group } from "../../data/schema.js";
import { messageOf } from "../messageOf.js";
import type {
  Clock,
  CopyEvent,
  CopyKind,
  FillEvent,
  LeaderFillEvent,
  Logger,
  ResyncEvent,
} from "../types.js";
import { SKIP_REASONS } from "../types.js";
import type { OrderMeta } from "./orderTracker.js";

/** What a copy reports besides the fields every CopyEvent has. */
export type CopyFields = Omit<CopyEvent, "type" | "at" | "group" | "follower" | "fillId" | "contract">;

export function copyEvent(
  clock: Clock,
  group: string,
  follower: string,
  fillId: number,
  contract: string,
  fields: CopyFields,
): CopyEvent {
  return { type: "copy", at: clock.now(), group, follower, fillId, contract, ...fields };
}

/** A copy not sent, and why (a rule, the leader guard, an exit already on its way…). */
export function skipEvent(
  clock: Clock,
  group: string,
  follower: string,
  fillId: number,
  contract: string,
  reason: string,
  kind?: CopyKind,
): CopyEvent {
  return copyEvent(clock, group, follower, fillId, contract, { outcome: "skipped", kind, reason });
}

/** skipEvent for one copy (its group, follower, leader fill and contract), the rest to say. */
export function skipperFor(clock: Clock, group: string, follower: string, fillId: number, contract: string) {
  return (reason: string, kind?: CopyKind): CopyEvent =>
    skipEvent(clock, group, follower, fillId, contract, reason, kind);
}

/** A copy written in a fan-out, waiting for the fan-out to leave before it is recorded and told. */
export interface SentCopy {
  type: "sent";
  meta: OrderMeta;
  delta: number;
  clOrdId: string;
  /** The pending exit's goal the copy stepped from, if any. */
  goal: number | undefined;
  /** The rule's step (its delta) and why it was taken. */
  decision: { delta: number; reason: string };
  /** It opens exposure on a leader order not yet counted for this follower. */
  opens: boolean;
}

/** A copy a bug stopped (said in the log): skipped, and no other follower's copy touched. */
export function failedCopy(clock: Clock, logger: Logger, at: CopyAt, error: unknown): CopyEvent {
  logger.error("a copy could not be made", { follower: at.follower, error: messageOf(error) });
  return skipEvent(clock, at.group, at.follower, at.fillId, at.contract, SKIP_REASONS.internalError);
}

/** Which copy: its group, follower, leader fill and contract. */
export interface CopyAt {
  group: string;
  follower: string;
  fillId: number;
  contract: string;
}

/** The "sent" story of an order just written for `meta`. */
export function sentEvent(
  clock: Clock,
  meta: OrderMeta,
  delta: number,
  clOrdId: string,
  reason: string,
): CopyEvent {
  const { group, follower, fillId, contract, kind, side, startedAt } = meta;
  return copyEvent(clock, group, follower, fillId, contract, {
    outcome: "sent",
    kind,
    reason,
    side,
    qty: Math.abs(delta),
    clOrdId,
    latencyMs: clock.mono() - startedAt,
  });
}

/**
 * A clOrdId for an order no single leader fill names (≤ 64 characters, unique in this process and
 * across restarts): `mk-<tag>-<follower account id>-<time>-<n>`; rs = a resync by hand,
 * rc = a reconcile step, rt = the retry of a failed exit.
 */
export function syntheticClOrdId(
  tag: "rs" | "rc" | "rt",
  accountId: number,
  now: number,
  seq: number,
): string {
  return `mk-${tag}-${accountId}-${now.toString(36)}-${seq}`;
}

/**
 * The leader's fill as the copier saw it: the position it moved the leader from and to, or, for a
 * fill known only from a snapshot (`history`), the broker's time of it instead. `at`: when the
 * copier took it, before its copies (it is told after them, and a journal whose leader fill came
 * later than its own copies' skips read backwards).
 */
export function leaderFillEvent(
  clock: Clock,
  group: Group,
  event: Pick<FillEvent, "fillId" | "orderId" | "contract" | "side" | "qty" | "price">,
  seen: { before: number; after: number } | { filledAt: number },
  at: number = clock.now(),
): LeaderFillEvent {
  return {
    type: "leaderFill",
    at,
    group: group.name,
    leader: group.leader,
    fillId: event.fillId,
    orderId: event.orderId,
    contract: event.contract,
    side: event.side,
    qty: event.qty,
    price: event.price,
    ...("filledAt" in seen
      ? { history: true, filledAt: seen.filledAt }
      : { positionBefore: seen.before, positionAfter: seen.after }),
  };
}

/**
 * The row a re-sync's orders are listed under (the fills pane, the journal): its cause and the
 * leader's positions now. `byHand`: the trader's resync, which sends the difference to the rule.
 */
export function resyncEvent(
  clock: Clock,
  group: Group,
  held: ReadonlyMap<string, number>,
  at: { fillId: number; cause: string; byHand?: true; openings?: true },
): ResyncEvent {
  const positions: { contract: string; netPos: number }[] = [];
  for (const [contract, netPos] of held) if (netPos !== 0) positions.push({ contract, netPos });
  return { type: "resync", at: clock.now(), group: group.name, leader: group.leader, ...at, positions };
}
