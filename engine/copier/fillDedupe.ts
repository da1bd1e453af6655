import type { FillLedger } from "../types.js";
import { BoundedSet } from "./boundedSet.js";

const FILLS_REMEMBERED = 100_000;

/**
 * Each fill acted on at most once, ever. A leader fill is looked up in memory and in the ledger
 * the journal seeds at start (so a restart never copies twice) and is marked in both before
 * anything is sent. A follower fill moves a position once, however often it is repeated. Fills
 * inside a sync snapshot are history: remembered, never copied, even if they arrive again later.
 */
export class FillDedupe {
  private readonly leaderFills = new BoundedSet<string>(FILLS_REMEMBERED);
  private readonly followerFills = new BoundedSet<string>(FILLS_REMEMBERED);

  constructor(private readonly ledger: FillLedger) {}

  /** True the first time this leader fill is seen, and from then on never again. */
  firstLeaderFill(connection: string, fillId: number): boolean {
    const key = fillKey(connection, fillId);
    if (this.leaderFills.has(key) || this.ledger.has(key)) return false;
    this.leaderFills.add(key);
    this.ledger.add(key);
    return true;
  }

  /** True the first time this follower fill is seen. */
  firstFollowerFill(connection: string, fillId: number): boolean {
    const key = fillKey(connection, fillId);
    if (this.followerFills.has(key)) return false;
    this.followerFills.add(key);
    return true;
  }

  /** Fills of a sync snapshot: already happened, never to be copied. */
  history(connection: string, fillIds: readonly number[]): void {
    for (const fillId of fillIds) this.leaderFills.add(fillKey(connection, fillId));
  }
}

/**
 * The ledger's key for a fill: `connection:fillId`. Joined, not concatenated: a concatenation
 * is kept as a tree of its parts (about 100 bytes here), a join as one flat string (40), and
 * these keys are kept for 100 000 fills per set.
 */
function fillKey(connection: string, fillId: number): string {
  return [connection, fillId].join(":");
}
