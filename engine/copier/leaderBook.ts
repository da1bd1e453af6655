import type { PositionSnapshot } from "../types.js";
import { opensExposure } from "./classify.js";

const NONE: ReadonlyMap<string, number> = new Map();

/**
 * Each leader's net position per contract as the copier has acted on it (L in the copy rules),
 * which leader orders already opened (fixed sizing copies N on an order's first opening fill
 * only), and which connections have had a sync snapshot (before one, the session's cache is the
 * best word on a leader's position).
 */
export class LeaderBook {
  private readonly positions = new Map<string, Map<string, number>>();
  private readonly opened = new Map<string, Map<string, Set<number>>>();
  private readonly syncedConnections = new Set<string>();
  /**
   * Contracts traded into each position as the copier counted them (the snapshot's bought + sold,
   * plus every fill stepped since), so a broker's report can be told to cover the fills seen
   * (leaderGuard). Undefined where the broker gives no volume or a bust made it unknown.
   */
  private readonly volumes = new Map<string, Map<string, number | undefined>>();
  /** Snapshots taken of each leader: what was said before one is superseded by it. */
  private readonly resets = new Map<string, number>();
  /**
   * Lines whose count starts from a known bought + sold: the snapshot listed them, or a report was
   * taken since. One the snapshot lacked is counted from 0, which the broker's may not be: a line
   * traded flat earlier in the day may be left out (Tradovate may drop a flat position) and still
   * count those trades.
   */
  private readonly based = new Map<string, Set<string>>();

  /** The leader's position in a contract; undefined when the copier has never seen one. */
  known(leader: string, contract: string): number | undefined {
    return this.positions.get(leader)?.get(contract);
  }

  /** Every contract the leader holds or held, with its position (0 once flat). */
  held(leader: string): ReadonlyMap<string, number> {
    return this.positions.get(leader) ?? NONE;
  }

  /**
   * One leader fill moved the position from `before` to `after`. Returns whether it is the first
   * opening fill of its order (what fixed sizing copies on).
   */
  step(leader: string, contract: string, before: number, after: number, orderId: number): boolean {
    this.positionsOf(leader).set(contract, after);
    const counted = this.volume(leader, contract);
    if (counted !== undefined) this.volumes.get(leader)?.set(contract, counted + Math.abs(after - before));
    let byContract = this.opened.get(leader);
    if (!byContract) {
      byContract = new Map();
      this.opened.set(leader, byContract);
    }
    let orders = byContract.get(contract);
    if (!orders) {
      orders = new Set();
      byContract.set(contract, orders);
    }
    const first = !orders.has(orderId);
    if (after === 0) orders.clear();
    else if (opensExposure(before, after)) orders.add(orderId);
    return first;
  }

  /** A contract one of the leader's orders worked in: flat for it unless its position is known. */
  note(leader: string, contract: string): void {
    const mine = this.positionsOf(leader);
    if (!mine.has(contract)) mine.set(contract, 0);
  }

  /** A snapshot of the leader's account: its positions are these, every other contract is flat. */
  reset(leader: string, positions: readonly PositionSnapshot[]): void {
    const mine = this.positionsOf(leader);
    for (const contract of mine.keys()) mine.set(contract, 0);
    for (const p of positions) mine.set(p.contract, p.netPos);
    // A contract the snapshot lacks is counted from 0 (right for one not traded that day).
    this.volumes.set(leader, new Map(positions.map((p) => [p.contract, p.volume])));
    this.based.set(leader, new Set(positions.map((p) => p.contract)));
    this.resets.set(leader, this.generation(leader) + 1);
  }

  /** How many snapshots of the leader the book took. */
  generation(leader: string): number {
    return this.resets.get(leader) ?? 0;
  }

  /** The broker corrected the leader's position outside any fill (a busted fill). */
  correct(leader: string, contract: string, position: number): void {
    this.positionsOf(leader).set(contract, position);
    // Whether the broker's bought + sold still count the busted fill is not known.
    this.volumes.get(leader)?.set(contract, undefined);
  }

  /** The broker's report is the truth for the line (leaderGuard): the next fill steps from it. */
  adopt(leader: string, contract: string, position: number, volume: number | undefined): void {
    this.positionsOf(leader).set(contract, position);
    // Before a snapshot nothing is counted: the other lines' volumes must stay unknown.
    this.volumes.get(leader)?.set(contract, volume);
    this.based.get(leader)?.add(contract);
    if (position === 0) this.opened.get(leader)?.get(contract)?.clear();
  }

  /** The line's count, from 0 where the snapshot lacked it, is the broker's bought + sold from now on. */
  rebase(leader: string, contract: string, volume: number): void {
    this.volumes.get(leader)?.set(contract, volume);
    this.based.get(leader)?.add(contract);
  }

  /** The line is counted from 0 because the snapshot lacked it, and no report has set its count since. */
  assumed(leader: string, contract: string): boolean {
    const based = this.based.get(leader);
    return based !== undefined && !based.has(contract);
  }

  /** Contracts traded into the line as counted (see `volumes`); undefined when not known. */
  volume(leader: string, contract: string): number | undefined {
    const volumes = this.volumes.get(leader);
    if (!volumes) return undefined;
    return volumes.has(contract) ? volumes.get(contract) : 0;
  }

  markSynced(connection: string): void {
    this.syncedConnections.add(connection);
  }

  isSynced(connection: string): boolean {
    return this.syncedConnections.has(connection);
  }

  private positionsOf(leader: string): Map<string, number> {
    let mine = this.positions.get(leader);
    if (!mine) {
      mine = new Map();
      this.positions.set(leader, mine);
    }
    return mine;
  }
}
