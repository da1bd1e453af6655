/**
 * The leader orders whose mirrored opening was counted as one of a follower's trades: risk counts
 * a mirrored opening once per leader order, however often it is placed again.
 */
export class CountedOpenings {
  private readonly byFollower = new Map<string, Set<number>>();

  /** Counts it; true the first time only. */
  add(follower: string, leaderId: number): boolean {
    const ids = this.byFollower.get(follower) ?? new Set<number>();
    this.byFollower.set(follower, ids);
    if (ids.has(leaderId)) return false;
    ids.add(leaderId);
    return true;
  }

  has(follower: string, leaderId: number): boolean {
    return this.byFollower.get(follower)?.has(leaderId) === true;
  }

  /** Leader orders that are gone are let go. */
  prune(follower: string, gone: (leaderId: number) => boolean): void {
    const ids = this.byFollower.get(follower);
    if (ids) for (const id of ids) if (gone(id)) ids.delete(id);
  }

  forget(follower: string): void {
    this.byFollower.delete(follower);
  }
}
