import { RecentIds } from "../recentIds.js";
import type { FillEvent, FillLedger, Logger } from "../types.js";

const FOLLOWER_FILLS_REMEMBERED = 100_000;

/**
 * Each fill acted on at most once, ever. A leader fill is looked up in the ledger the journal
 * seeds at start (so a restart never copies twice) and marked there before anything is sent.
 * Fills inside a sync snapshot are history: marked in the ledger too, never copied, even if they
 * arrive again later. A follower fill moves a position once, however often it is repeated.
 *
 * The ledger is the one record of leader fills: a second, in-memory set of them would hold the
 * same keys again (100 000 and more of them in a long run).
 */
export class FillDedupe {
  /** Follower fill ids per connection, unboxed (see RecentIds). */
  private readonly followerFills = new Map<string, RecentIds>();

  constructor(private readonly ledger: FillLedger) {}

  /** True the first time this leader fill is seen, and from then on never again. */
  firstLeaderFill(connection: string, fillId: number): boolean {
    const key = fillKey(connection, fillId);
    if (this.ledger.has(key)) return false;
    this.ledger.add(key);
    return true;
  }

  /** True the first time this follower fill is seen. */
  firstFollowerFill(connection: string, fillId: number): boolean {
    let seen = this.followerFills.get(connection);
    if (!seen) {
      seen = new RecentIds(FOLLOWER_FILLS_REMEMBERED);
      this.followerFills.set(connection, seen);
    }
    if (seen.has(fillId)) return false;
    seen.add(fillId);
    return true;
  }

  /**
   * True the first time a bust of this fill is to be journaled: only a leader fill the ledger has
   * (copied, recorded, or journaled by an earlier run), and once (the journal's busts seed the
   * ledger too, under their own key).
   */
  firstBust(connection: string, fillId: number, known: boolean): boolean {
    if (!known && !this.ledger.has(fillKey(connection, fillId))) return false;
    const key = bustKey(connection, fillId);
    if (this.ledger.has(key)) return false;
    this.ledger.add(key);
    return true;
  }

  /** Fills of a sync snapshot: already happened, never to be copied. */
  history(connection: string, fillIds: readonly number[]): void {
    for (const fillId of fillIds) this.ledger.add(fillKey(connection, fillId));
  }
}

/**
 * The ledger's key for a fill: `connection:fillId`. Joined, not concatenated: a concatenation
 * is kept as a tree of its parts (about 100 bytes here), a join as one flat string (40), and
 * the ledger keeps one for every leader fill of the run.
 */
function fillKey(connection: string, fillId: number): string {
  return [connection, fillId].join(":");
}

/** The ledger's key for a fill's bust (the journal's `bust` entries carry it). */
export function bustKey(connection: string, fillId: number): string {
  return ["bust", connection, fillId].join(":");
}

/** A fill no position can move by (a quantity or side the broker should never send): logged and skipped. */
export function malformedFill(event: FillEvent, account: string, logger: Logger): boolean {
  if (Number.isInteger(event.qty) && event.qty > 0 && (event.side === "Buy" || event.side === "Sell"))
    return false;
  logger.warn("ignored a malformed fill", { account, fillId: event.fillId });
  return true;
}
