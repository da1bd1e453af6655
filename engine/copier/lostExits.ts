import type { WorkingOrder } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import { exitDelta } from "./exitRetry.js";
import type { FollowerBook } from "./followerBook.js";
import type { OrderMeta } from "./orderTracker.js";

/** A follower's live orders just before its re-sync, and where they were taking each line. */
export interface InFlightBefore {
  orders: { clOrdId: string; contract: string; orderId?: number | undefined }[];
  /** Contract → the position the line would reach once every live order of ours on it filled. */
  goals: Map<string, number>;
}

export function inFlightBefore(
  book: Pick<FollowerBook, "liveOrders" | "position">,
  follower: string,
): InFlightBefore {
  const orders = book.liveOrders(follower);
  const goals = new Map<string, number>();
  for (const o of orders)
    if (!goals.has(o.contract)) goals.set(o.contract, book.position(follower, o.contract));
  return { orders, goals };
}

export interface LostExitParts {
  /** The follower's positions as its snapshot has them (the book, just reset). */
  position(contract: string): number;
  /** The follower's working orders as its broker lists them now. */
  working: readonly WorkingOrder[];
  acted: Pick<ActedOn, "revert">;
}

/**
 * Exits of ours (a flip's closing half too) that a follower's re-sync let go of before their
 * answer came: a close accepted,
 * then rejected while the socket that would have said so was down. The snapshot holds what they
 * did. A line short of where its exits were taking it did not act on those leader moves after
 * all: what the follower acted on goes back to before them (latest first), so the reconcile that
 * follows makes the exit up from the snapshot like any other missed exit. A line with one of those
 * orders still working at the broker is left alone: it may yet fill, and an exit is never sent
 * twice.
 */
export function unactLostExits(
  before: InFlightBefore,
  lost: readonly OrderMeta[],
  parts: LostExitParts,
): void {
  const working = new Set<string>();
  for (const w of parts.working) {
    const mine = before.orders.find(
      (o) => o.orderId === w.orderId || (w.clOrdId !== undefined && o.clOrdId === w.clOrdId),
    );
    if (mine) working.add(mine.contract);
  }
  for (let i = lost.length - 1; i >= 0; i--) {
    const meta = lost[i]!;
    const goal = before.goals.get(meta.contract);
    const exits = meta.exit || meta.kind === "flip";
    if (!exits || meta.leaderContract === undefined || goal === undefined || working.has(meta.contract))
      continue;
    if (exitDelta(parts.position(meta.contract), goal) === 0) continue;
    parts.acted.revert(meta.follower, meta.leaderContract, meta.leaderAfter ?? 0, meta.leaderBefore ?? 0);
  }
}
