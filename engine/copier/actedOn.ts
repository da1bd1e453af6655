import { messageOf } from "../messageOf.js";
import { DeferredSaves } from "../risk/saveQueue.js";
import type { ActedOnRecord, Clock, Logger } from "../types.js";

/** Where the records live between runs (the runtime state file). */
export interface ActedOnStore {
  read(): Record<string, ActedOnRecord> | undefined;
  save(records: Record<string, ActedOnRecord | undefined>): Promise<void>;
}

interface Acted {
  leader: string;
  positions: Map<string, number>;
}

/**
 * How long a change waits before it is written. Short, because a restart compares the leader with
 * what is on disk: after a kill -9 inside this window the re-sync sees the last step again. A
 * multiplier follower already where the rule puts it is left alone (reconcileStep); a fixed-size
 * one is moved up to the leader fill its own copy in the start's snapshot names (SentBefore).
 */
export const ACTED_SAVE_DELAY_MS = 50;

/**
 * The leader position each follower last acted on, per leader contract (issue 18): a copy sent or
 * skipped by a rule counts; one skipped as disconnected or rejected by the broker does not. A
 * re-sync compares the leader's position now with it to make up the exits a follower missed, so it
 * is kept in the runtime state (written a moment later, off the copy path) and a restart knows it.
 *
 * A follower with no record yet (new, or its group has another leader) starts from its leader's
 * positions as they are when it is first seen: nothing is made up from before mimik knew it. One
 * whose leader changes with a config edit starts from the new leader's positions at the edit
 * (Joins), so an exit of that leader it then misses is made up as a copy would have done it.
 */
export class ActedOn {
  private readonly byFollower = new Map<string, Acted>();
  private readonly saves: DeferredSaves<string>;
  /** Followers whose last write failed: written again with the next one (no retry loop on a full disk). */
  private readonly unsaved = new Set<string>();
  private failing = false;
  /** The write on its way: one at a time, so a slow disk never queues one write per tick. */
  private writing: Promise<void> | undefined;

  constructor(
    clock: Clock,
    private readonly store: ActedOnStore | undefined,
    private readonly logger: Logger,
  ) {
    this.saves = new DeferredSaves(clock, ACTED_SAVE_DELAY_MS, (names) => this.write(names));
  }

  /** The records saved by the last run. */
  load(): void {
    let saved: Record<string, ActedOnRecord> | undefined;
    try {
      saved = this.store?.read();
    } catch (error) {
      this.logger.error("could not read the leader positions followers acted on", {
        error: messageOf(error),
      });
    }
    for (const [follower, record] of Object.entries(saved ?? {})) {
      this.byFollower.set(follower, {
        leader: record.leader,
        positions: new Map(Object.entries(record.positions)),
      });
    }
  }

  /** Does the follower have a record for this leader (else `seed` starts one)? */
  knows(follower: string, leader: string): boolean {
    return this.byFollower.get(follower)?.leader === leader;
  }

  /** Start the follower's record from the leader's positions now, unless it has one for this leader. */
  seed(follower: string, leader: string, held: ReadonlyMap<string, number>): void {
    if (!this.knows(follower, leader)) this.restart(follower, leader, held);
  }

  /** A new record from the leader's positions now, whatever the follower had (its leader changed). */
  restart(follower: string, leader: string, held: ReadonlyMap<string, number>): void {
    const positions = new Map<string, number>();
    for (const [contract, position] of held) if (position !== 0) positions.set(contract, position);
    this.byFollower.set(follower, { leader, positions });
    this.saves.mark(follower);
  }

  /** The leader contracts the follower acted on a non-zero position of. */
  contracts(follower: string): Iterable<string> {
    return this.byFollower.get(follower)?.positions.keys() ?? [];
  }

  /** The leader position the follower last acted on in a contract (0 when none). */
  get(follower: string, contract: string): number {
    return this.byFollower.get(follower)?.positions.get(contract) ?? 0;
  }

  /** The follower acted on the leader at `position` (seed first: a record must exist). */
  set(follower: string, contract: string, position: number): void {
    const acted = this.byFollower.get(follower);
    if (!acted || (acted.positions.get(contract) ?? 0) === position) return;
    if (position === 0) acted.positions.delete(contract);
    else acted.positions.set(contract, position);
    this.saves.mark(follower);
  }

  /**
   * What the follower acted on did not happen after all (its order failed): back to `before`,
   * unless a later fill was acted on since (then that one stands).
   */
  revert(follower: string, contract: string, after: number, before: number): void {
    if (this.get(follower, contract) === after) this.set(follower, contract, before);
  }

  /** Write what is waiting now (the engine stops). */
  async flush(): Promise<void> {
    await this.writing;
    for (const name of this.unsaved) this.saves.mark(name);
    await this.saves.flush();
    await this.writing;
  }

  private async write(marked: string[]): Promise<void> {
    if (!this.store) return;
    if (this.writing) {
      // Goes with the next write, which starts once this one is on disk.
      for (const name of marked) this.unsaved.add(name);
      return;
    }
    const done = this.writeNow(marked);
    this.writing = done;
    await done;
    this.writing = undefined;
    if (this.unsaved.size > 0 && !this.failing) for (const name of this.unsaved) this.saves.mark(name);
  }

  private async writeNow(marked: string[]): Promise<void> {
    const store = this.store;
    if (!store) return;
    const names = [...new Set([...marked, ...this.unsaved])];
    this.unsaved.clear();
    const records: Record<string, ActedOnRecord | undefined> = {};
    for (const name of names) {
      const acted = this.byFollower.get(name);
      records[name] = acted && { leader: acted.leader, positions: Object.fromEntries(acted.positions) };
    }
    try {
      await store.save(records);
    } catch (error) {
      // Written again with the next change; until then a restart may make up less.
      if (!this.failing)
        this.logger.error("could not save the leader positions followers acted on", {
          error: messageOf(error),
        });
      this.failing = true;
      for (const name of names) this.unsaved.add(name);
      return;
    }
    this.failing = false;
  }
}
