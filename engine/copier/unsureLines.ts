import type { Clock, EngineEvent, EpochMs } from "../types.js";
import { EXIT_BACKOFF } from "./exitRetry.js";
import type { HeldGoal } from "./lostOpenings.js";
import { openingDropped } from "./pendingExit.js";

export interface UnsureLinesDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  /** How long an opening held for a snapshot may wait for its reconcile (the snapshot wait's bound). */
  heldMs?: number | undefined;
}

/**
 * A follower's uncertain lines, from its re-sync to the reconcile that looks at them: an order of
 * ours on them had its answer lost, or an exit of them was pending, so that reconcile takes them
 * from where the follower stands (reconcileUncertain), not from what it acted on alone. With them,
 * the openings their pending exits held for the snapshot (reconcileHeld), and since when.
 */
export class UnsureLines {
  /** Follower → uncertain lines, until a reconcile has looked at them. */
  private readonly unsure = new Map<string, Set<string>>();
  /** Follower → the openings its uncertain lines held for the snapshot, and since when. */
  private readonly held = new Map<string, Map<string, HeldGoal & { at: EpochMs }>>();

  constructor(private readonly deps: UnsureLinesDeps) {}

  /** These lines are uncertain; `held`: a line's goal when its pending exit held an opening for this snapshot. */
  mark(
    follower: string,
    contracts: ReadonlySet<string>,
    held: ReadonlyMap<string, HeldGoal | undefined>,
  ): void {
    if (contracts.size === 0) return;
    const lines = this.unsure.get(follower) ?? new Set<string>();
    const goals = this.held.get(follower) ?? new Map<string, HeldGoal & { at: EpochMs }>();
    const at = this.deps.clock.now();
    for (const contract of contracts) {
      lines.add(contract);
      const goal = held.get(contract);
      if (goal !== undefined) goals.set(contract, { ...goal, at });
    }
    this.unsure.set(follower, lines);
    if (goals.size > 0) this.held.set(follower, goals);
  }

  has(follower: string, contract: string): boolean {
    return this.unsure.get(follower)?.has(contract) ?? false;
  }

  /** A reconcile has looked at the line: it is as certain as any other now. */
  settled(follower: string, contract: string): void {
    const lines = this.unsure.get(follower);
    lines?.delete(contract);
    if (lines?.size === 0) this.unsure.delete(follower);
    this.held.get(follower)?.delete(contract);
    if (this.held.get(follower)?.size === 0) this.held.delete(follower);
  }

  /** A line's held opening while it is fresh; one that waited past the bound is dropped, the trader told. */
  heldGoal(group: string, follower: string, contract: string): HeldGoal | undefined {
    const held = this.held.get(follower)?.get(contract);
    if (held === undefined) return undefined;
    const bound = this.deps.heldMs ?? EXIT_BACKOFF.maxMs;
    if (this.deps.clock.now() - held.at <= bound) return held;
    this.held.get(follower)?.delete(contract);
    this.dropped(
      group,
      follower,
      contract,
      `no re-sync within ${Math.round(bound / 1000)} s of its snapshot`,
    );
    return undefined;
  }

  /** The follower's held openings end unsent (reconcile off). */
  forget(group: string, follower: string, why: string): void {
    for (const contract of this.held.get(follower)?.keys() ?? [])
      this.dropped(group, follower, contract, why);
    this.held.delete(follower);
  }

  /** A held opening is not sent: the trader is told why. */
  dropped(group: string, follower: string, contract: string, why: string): void {
    const message = openingDropped(follower, contract, why);
    this.deps.emit({ type: "alert", at: this.deps.clock.now(), level: "warn", message, follower, group });
  }
}
