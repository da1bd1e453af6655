import type { BrokerSession, FillEvent, MonoMs, OrderResult } from "../engine/types.js";

/** What happened to one leader fill across every follower. */
interface FillTrack {
  receivedAt: MonoMs;
  written: number;
  /** max over followers of (order frame written − leader fill frame received), ms. */
  lastWritten: number;
  filled: number;
}

/** The leader fill id a copy's clOrdId (mk-<fillId>-<accountId>) names; undefined otherwise. */
export function fillIdOf(clOrdId: string | undefined): number | undefined {
  if (clOrdId === undefined || !clOrdId.startsWith("mk-")) return undefined;
  const id = Number(clOrdId.slice(3, clOrdId.indexOf("-", 3)));
  return Number.isInteger(id) ? id : undefined;
}

/**
 * Watches the real sessions from outside the engine: the leader session's fills (frame receipt
 * times), the follower session's order results (frame write times, OrderResult.writtenAt) and the
 * follower fills that answer our clOrdIds. Nothing in the engine changes; the only addition on
 * the path is one wrapper call per order and a Map lookup per frame.
 */
export class CopyProbe {
  private readonly tracks = new Map<number, FillTrack>();
  /** Per leader fill: max over followers of written − received (internal copy latency). */
  readonly copyMs: number[] = [];
  /** Per follower fill: follower fill received − leader fill received (end to end). */
  readonly e2eMs: number[] = [];
  /** Per leader fill: the last follower's fill (end to end, slowest follower). */
  readonly e2eLastMs: number[] = [];
  leaderFills = 0;
  recording = false;
  private waiters: Array<() => void> = [];
  private readonly off: Array<() => void> = [];

  constructor(
    leader: BrokerSession,
    followers: readonly BrokerSession[],
    private readonly followerCount: number,
  ) {
    this.off.push(leader.on((e) => e.type === "fill" && this.onLeaderFill(e)));
    for (const session of followers) {
      this.off.push(session.on((e) => e.type === "fill" && this.onFollowerFill(e)));
      const place = session.placeOrder.bind(session);
      session.placeOrder = (req) => place(req).then((r) => this.onResult(req.clOrdId, r));
    }
  }

  /** Resolves when the next leader fill has been filled at every follower. */
  nextComplete(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Forget completed fills so a long run stays small; keep the ones still in flight. */
  prune(): void {
    for (const [id, t] of this.tracks) if (t.filled >= this.followerCount) this.tracks.delete(id);
  }

  reset(): void {
    this.copyMs.length = 0;
    this.e2eMs.length = 0;
    this.e2eLastMs.length = 0;
  }

  dispose(): void {
    for (const off of this.off.splice(0)) off();
  }

  private onLeaderFill(e: FillEvent): void {
    if (e.clOrdId?.startsWith("mk-")) return;
    this.leaderFills += 1;
    this.tracks.set(e.fillId, { receivedAt: e.receivedAt, written: 0, lastWritten: 0, filled: 0 });
  }

  private onResult(clOrdId: string, result: OrderResult): OrderResult {
    const track = this.tracks.get(fillIdOf(clOrdId) ?? -1);
    if (track && result.writtenAt !== undefined) {
      track.written += 1;
      track.lastWritten = Math.max(track.lastWritten, result.writtenAt - track.receivedAt);
      if (track.written === this.followerCount && this.recording) this.copyMs.push(track.lastWritten);
    }
    return result;
  }

  private onFollowerFill(e: FillEvent): void {
    const id = fillIdOf(e.clOrdId);
    const track = id === undefined ? undefined : this.tracks.get(id);
    if (!track) return;
    track.filled += 1;
    const ms = e.receivedAt - track.receivedAt;
    if (this.recording) this.e2eMs.push(ms);
    if (track.filled === this.followerCount) {
      if (this.recording) this.e2eLastMs.push(ms);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}
