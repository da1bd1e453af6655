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

  /** A snapshot of the leader's account: its positions are these, every other contract is flat. */
  reset(leader: string, positions: readonly PositionSnapshot[]): void {
    const mine = this.positionsOf(leader);
    for (const contract of mine.keys()) mine.set(contract, 0);
    for (const p of positions) mine.set(p.contract, p.netPos);
  }

  /** The broker corrected the leader's position outside any fill (a busted fill). */
  correct(leader: string, contract: string, position: number): void {
    this.positionsOf(leader).set(contract, position);
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
