import { messageOf } from "../messageOf.js";
import { answerLost } from "../orders/answerLost.js";
import { LeaderGuardError, type OrderGateway } from "../orders/gateway.js";
import type {
  AccountRoute,
  Clock,
  CopyEvent,
  CopyKind,
  EngineEvent,
  FillEvent,
  Logger,
  MonoMs,
  OrderResult,
  OrderStatusEvent,
  Side,
  WorkingOrder,
} from "../types.js";
import type { FollowerBook } from "./followerBook.js";

/** What one of our follower orders was sent for. */
export interface OrderMeta {
  group: string;
  follower: string;
  /** The leader fill it copies (0 for a resync). */
  fillId: number;
  contract: string;
  kind: CopyKind;
  side: Side;
  startedAt: MonoMs;
  /** Only reduces or closes: may use the request budget kept for exits. */
  exit?: boolean | undefined;
  /**
   * The leader move it answers (leader contract, positions before and after), for what the
   * follower acted on and for retrying it if it fails (issue 18). Absent for a manual resync.
   */
  leaderContract?: string | undefined;
  leaderBefore?: number | undefined;
  leaderAfter?: number | undefined;
  /** A pending exit's retry: its failure is told by the pending exit (an alert as the backoff grows). */
  quiet?: boolean | undefined;
  /**
   * Issue 14: the leader orders whose mirrors on the follower are counted on to close part of the
   * line (the one whose fill it copies, and earlier ones not filled yet): the cancel before the
   * close leaves them working.
   */
  answering?: readonly number[] | undefined;
}

export interface OrderTrackerDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  /** The one exit for orders; it also times each step (written, ack, filled). */
  gateway: Pick<OrderGateway, "placeMarket" | "recordFill">;
  book: FollowerBook;
  logger: Logger;
  /**
   * One of our orders ended without doing all it was sent for (rejected, cancelled, not answered):
   * `remaining` is the signed quantity it left undone; `lost`: its answer was lost, so it may have
   * done it all the same (answerLost). Pending exits take it from here.
   */
  onFailed?(meta: OrderMeta, reason: string, remaining: number, lost: boolean): void;
  /** One of our orders was accepted by the broker. */
  onAccepted?(meta: OrderMeta): void;
}

/** An order of ours whose answer was lost and that a snapshot let go of: filled or ended after it. */
export interface LateOrder {
  follower: string;
  contract: string;
  clOrdId: string;
}

type Story = Omit<CopyEvent, "type" | "at" | "group" | "follower" | "fillId" | "contract">;

const MAX_UNANSWERED = 1_000;
const DEAD_STATUSES = new Set(["Rejected", "Canceled", "Cancelled", "Expired"]);

/**
 * Our follower orders from hand-off to finish: each goes into the book (its quantity counts as in
 * flight at once) and to the gateway, and the rest of its story (accepted, filled, rejected) is
 * told as CopyEvents with what it was for. Keeps an order's metadata exactly as long as the book
 * keeps the order live (sent, not yet filled or dead), so a live order is never forgotten and a
 * finished one is never kept.
 *
 * An order that ends rejected or dead is handed on (onFailed) with what it left undone: pending
 * exits retry what reduces, and what the follower acted on goes back.
 */
export class OrderTracker {
  private readonly live = new Map<string, OrderMeta>();
  /** Follower → its orders whose answers were lost since its last snapshot (clOrdId → contract). */
  private readonly lost = new Map<string, Map<string, string>>();
  /** Those a snapshot has let go of (clOrdId → follower and contract): a fill of one after it is late. */
  private readonly letGo = new Map<string, { follower: string; contract: string }>();

  constructor(private readonly deps: OrderTrackerDeps) {}

  /**
   * Write one order now (the gateway's lane, not yet flushed) and follow its result. Undefined
   * when the gateway refused it (a leader, a bad request): it has already said so.
   */
  send(
    route: AccountRoute,
    meta: OrderMeta,
    delta: number,
    clOrdId: string,
  ): Promise<OrderResult> | undefined {
    const { book, gateway } = this.deps;
    book.sent(meta.follower, meta.contract, clOrdId, delta);
    let pending: Promise<OrderResult>;
    try {
      pending = gateway.placeMarket({
        follower: meta.follower,
        accountId: route.accountId,
        session: route.session,
        symbol: meta.contract,
        side: meta.side,
        qty: Math.abs(delta),
        clOrdId,
        startedAt: meta.startedAt,
        exit: meta.exit,
      });
    } catch (error) {
      book.failed(clOrdId);
      if (!(error instanceof LeaderGuardError)) {
        this.deps.logger.error("order refused by the gateway", {
          follower: meta.follower,
          error: messageOf(error),
        });
      }
      return undefined;
    }
    this.live.set(clOrdId, meta);
    return pending.then((result) => {
      this.answered(clOrdId, result);
      return result;
    });
  }

  /**
   * The book let go of these orders (a sync snapshot holds their effect now). Those still followed
   * had no answer yet: their lines count as unanswered until the reconcile has looked at them.
   */
  forget(clOrdIds: readonly string[]): void {
    for (const clOrdId of clOrdIds) {
      const meta = this.live.get(clOrdId);
      if (!meta) continue;
      this.live.delete(clOrdId);
      this.unanswered(meta, clOrdId);
    }
  }

  /**
   * The follower's orders whose answers were lost since its last snapshot (clOrdId → contract):
   * written, then the socket closed or the wait ran out, or let go of by a re-sync before their
   * answer. What they did is only in the snapshot. Taken once, at the follower's re-sync.
   */
  takeUnanswered(follower: string, working: readonly WorkingOrder[]): Map<string, string> {
    const lines = this.lost.get(follower) ?? new Map<string, string>();
    this.lost.delete(follower);
    for (const [clOrdId, contract] of lines) {
      this.letGo.delete(clOrdId);
      this.letGo.set(clOrdId, { follower, contract });
      if (this.letGo.size > MAX_UNANSWERED) this.letGo.delete(this.letGo.keys().next().value as string);
    }
    // One still on the broker's book may yet fill: exits keep waiting for it (unheardWorking).
    for (const w of working) {
      const contract = w.clOrdId === undefined ? undefined : lines.get(w.clOrdId);
      if (contract !== undefined && w.clOrdId !== undefined)
        this.unanswered({ follower, contract }, w.clOrdId);
    }
    return lines;
  }

  /**
   * Is an order of ours for the line, its answer lost, still on the broker's book? It may yet
   * fill, so nothing else of ours for the line goes beside it (a second close would open the
   * other side). Only orders the broker lists as working count: one it placed too late to list
   * is beyond what mimik can see.
   */
  unheardWorking(follower: string, contract: string, working: readonly WorkingOrder[]): boolean {
    const lines = this.lost.get(follower);
    if (!lines) return false;
    return working.some((w) => w.clOrdId !== undefined && lines.get(w.clOrdId) === contract);
  }

  /**
   * Has an order of ours for the line lost its answer since the follower's last snapshot (or is
   * one such still working)? Filled unheard, or never at the broker: where the line stands is only
   * known from the next snapshot.
   */
  unsettled(follower: string, contract: string): boolean {
    for (const lost of this.lost.get(follower)?.values() ?? []) if (lost === contract) return true;
    return false;
  }

  private unanswered(meta: Pick<OrderMeta, "follower" | "contract">, clOrdId: string): void {
    let lines = this.lost.get(meta.follower);
    if (!lines) {
      lines = new Map();
      this.lost.set(meta.follower, lines);
    }
    lines.set(clOrdId, meta.contract);
    // A follower that never re-syncs (timeouts on a live socket) keeps only the latest.
    if (lines.size > MAX_UNANSWERED) lines.delete(lines.keys().next().value as string);
  }

  private answered(clOrdId: string, result: OrderResult): void {
    const meta = this.live.get(clOrdId);
    if (!meta) return;
    const { book } = this.deps;
    const base = { kind: meta.kind, side: meta.side, clOrdId, latencyMs: result.ackAt - meta.startedAt };
    if (result.ok) {
      const early = book.acked(clOrdId, result.orderId);
      this.tell(meta, { outcome: "accepted", reason: "accepted", orderId: result.orderId, ...base });
      if (early !== 0)
        this.tell(meta, { outcome: "filled", reason: "filled", qty: Math.abs(early), ...base });
      this.settle(clOrdId);
      this.deps.onAccepted?.(meta);
      return;
    }
    const remaining = book.remaining(clOrdId);
    book.failed(clOrdId);
    this.live.delete(clOrdId);
    const lost = answerLost(result);
    if (lost) this.unanswered(meta, clOrdId);
    const reason = result.failureText
      ? `${result.failureReason}: ${result.failureText}`
      : result.failureReason;
    this.tell(meta, { outcome: "rejected", reason, ...base });
    this.deps.onFailed?.(meta, reason, remaining, lost);
    if (meta.quiet) return;
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "warn",
      message: `copy to ${meta.follower} rejected: ${reason}`,
      follower: meta.follower,
      group: meta.group,
    });
  }

  /**
   * A fill on a leader account of a copy we sent it while it followed, on its way when an edit
   * made it a leader (roles swapped, or moved to lead a group). Settled as that copy's fill and
   * said; true when it is one. It is no trade of the leader's: copied, mimik's own copy would come
   * back to the followers as an opening (the old leader, following now, bought its position again).
   */
  ownOnLeader(leader: string, group: string, event: FillEvent): boolean {
    const mine = this.deps.book.match(event.clOrdId, event.orderId);
    const meta = mine === undefined ? undefined : this.live.get(mine);
    if (meta?.follower !== leader) return false;
    this.followerFill(leader, event);
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "warn",
      message: `${leader} leads group "${group}" now: mimik's copy to it from when it followed (${event.side} ${event.qty} ${event.contract}) filled after the change, so it is counted in its position but not copied to its followers`,
      follower: leader,
      group,
    });
    return true;
  }

  /**
   * A fill on a follower account (seen once): it moves the position, and if it is ours it is told.
   * Returns the order and its line when it is a late fill: of an order of ours whose answer was
   * lost and that the follower's snapshot let go of (the broker did it only after), so the line
   * that snapshot settled is off by it.
   */
  followerFill(follower: string, event: FillEvent): LateOrder | undefined {
    const signed = event.side === "Buy" ? event.qty : -event.qty;
    const mine = this.deps.book.fill(follower, event.contract, signed, {
      clOrdId: event.clOrdId,
      orderId: event.orderId,
    });
    if (mine === undefined) {
      const late = event.clOrdId === undefined ? undefined : this.letGo.get(event.clOrdId);
      if (late?.follower !== follower || event.clOrdId === undefined) return undefined;
      return { ...late, clOrdId: event.clOrdId };
    }
    const meta = this.live.get(mine);
    if (!meta) return undefined;
    this.deps.gateway.recordFill(meta.startedAt, event.receivedAt);
    this.tell(meta, {
      outcome: "filled",
      reason: "filled",
      kind: meta.kind,
      side: meta.side,
      qty: event.qty,
      clOrdId: mine,
      orderId: event.orderId,
      latencyMs: event.receivedAt - meta.startedAt,
    });
    this.settle(mine);
    return undefined;
  }

  /**
   * A late fill of an order whose answer was lost: once the broker no longer lists it as working,
   * it is answered (its fills are in the position), and `r` need not wait for the next snapshot.
   */
  answeredLate(follower: string, clOrdId: string, working: readonly WorkingOrder[]): void {
    if (working.some((w) => w.clOrdId === clOrdId)) return;
    const lines = this.lost.get(follower);
    lines?.delete(clOrdId);
    if (lines?.size === 0) this.lost.delete(follower);
  }

  /**
   * A broker order status: one of ours rejected, cancelled or expired after it was accepted. Returns
   * the order when it is one a snapshot let go of (its end is late news, as a late fill is).
   */
  orderStatus(event: OrderStatusEvent): LateOrder | undefined {
    if (!DEAD_STATUSES.has(event.status)) return undefined;
    const { book } = this.deps;
    const clOrdId = book.match(event.clOrdId, event.orderId);
    if (clOrdId === undefined) {
      const late = event.clOrdId === undefined ? undefined : this.letGo.get(event.clOrdId);
      return late && event.clOrdId !== undefined ? { ...late, clOrdId: event.clOrdId } : undefined;
    }
    const meta = this.live.get(clOrdId);
    const remaining = book.remaining(clOrdId);
    book.failed(clOrdId);
    this.live.delete(clOrdId);
    if (!meta) return undefined;
    const reason = event.rejectReason ?? event.status;
    this.tell(meta, {
      outcome: "rejected",
      reason,
      kind: meta.kind,
      side: meta.side,
      clOrdId,
      orderId: event.orderId,
    });
    this.deps.onFailed?.(meta, reason, remaining, false);
    return undefined;
  }

  private settle(clOrdId: string): void {
    if (!this.deps.book.isPending(clOrdId)) this.live.delete(clOrdId);
  }

  private tell(meta: OrderMeta, story: Story): void {
    this.deps.emit({
      type: "copy",
      at: this.deps.clock.now(),
      group: meta.group,
      follower: meta.follower,
      fillId: meta.fillId,
      contract: meta.contract,
      ...story,
    });
  }
}
