import type { Group } from "../../data/schema.js";
import { messageOf } from "../messageOf.js";
import type { Clock, CopyEvent, FillEvent, Logger } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import { type SentCopy, sentEvent } from "./copyEvents.js";
import type { CountedTrades } from "./countedTrades.js";
import type { LeaderBook } from "./leaderBook.js";
import type { PendingExits } from "./pendingExits.js";

/** What recording a follower's copy (after the fan-out has left) changes. */
export interface RecordParts {
  clock: Clock;
  logger: Logger;
  exits: Pick<PendingExits, "retarget">;
  acted: Pick<ActedOn, "seed" | "set">;
  leaders: Pick<LeaderBook, "held">;
  counted: Pick<CountedTrades, "add">;
}

/** Where a follower's copy stands: its group and leader, the leader and follower contracts. */
export interface CopyLine {
  group: Group;
  name: string;
  leaderContract: string;
  contract: string;
}

/**
 * The follower acted on the leader at `after` (a copy sent, or skipped by a rule). With an exit
 * pending the line's goal moves instead (by the copy's `step`): it is acted on once that exit is done.
 */
export function actedOn(
  parts: RecordParts,
  line: CopyLine,
  after: number,
  goal: number | undefined,
  sent: boolean,
  step = 0,
): void {
  if (goal !== undefined) parts.exits.retarget(line.name, line.contract, goal + step, after, sent);
  else {
    parts.acted.seed(line.name, line.group.leader, parts.leaders.held(line.group.leader));
    parts.acted.set(line.name, line.leaderContract, after);
  }
}

/**
 * A copy of this fan-out, completed once the fan-out has left: what the follower acted on, the
 * trade counted when it opens on a leader order not yet counted (`openings`), the "sent" event.
 */
export function recordSent(
  parts: RecordParts,
  copy: SentCopy,
  group: Group,
  event: FillEvent,
  after: number,
  openings: string[],
): CopyEvent {
  const { meta, goal } = copy;
  const name = meta.follower;
  try {
    const line = { group, name, leaderContract: event.contract, contract: meta.contract };
    actedOn(parts, line, after, goal, true, copy.decision.delta);
    if (copy.opens) {
      parts.counted.add(name, event.orderId);
      openings.push(name);
    }
  } catch (error) {
    // The order is out: it is still told, and the other followers' copies still recorded.
    parts.logger.error("a copy sent could not be recorded", { follower: name, error: messageOf(error) });
  }
  return sentEvent(parts.clock, meta, copy.delta, copy.clOrdId, copy.decision.reason);
}
