/**
 * A follower's mirrored order filled, and its broker told of the order before the position it
 * moved (a separate frame: Tradovate batches only sometimes, ProjectX sends order, trade, position
 * one by one). Until the position comes the follower still reads as holding what that fill closed,
 * so exits sized on it would be placed again (the filled leg looks missing) or grown: a fresh stop
 * for a flat follower, under a market already through it. Exits may only shrink meanwhile; the
 * wait ends when a position of that contract is told, or after a while, in case it came first.
 */
import type { EpochMs } from "../types.js";

/** Longer than a broker takes between an order's report and its position's. */
export const UNPOSTED_WAIT_MS = 1_000;

export class UnpostedFills {
  /** follower → contract → until when exits there may not grow. */
  private readonly until = new Map<string, Map<string, EpochMs>>();

  /** A mirror of the follower's in `contract` reported a fill. */
  filled(follower: string, contract: string, now: EpochMs): void {
    let mine = this.until.get(follower);
    if (!mine) {
      mine = new Map();
      this.until.set(follower, mine);
    }
    mine.set(contract, now + UNPOSTED_WAIT_MS);
  }

  /** The follower's position in `contract` was told: the fills before it are in it. */
  posted(follower: string, contract: string): void {
    this.until.get(follower)?.delete(contract);
  }

  /** Until when exits in `contract` may not grow; undefined when they may. */
  waitUntil(follower: string, contract: string, now: EpochMs): EpochMs | undefined {
    const at = this.until.get(follower)?.get(contract);
    if (at === undefined || at > now) return at;
    this.posted(follower, contract);
    return undefined;
  }

  /** A snapshot of the follower's login (its positions are the truth again), or it left. */
  forget(follower: string): void {
    this.until.delete(follower);
  }
}
