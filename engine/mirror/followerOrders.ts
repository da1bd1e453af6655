/**
 * The follower orders mimik holds for the leader's, per follower: what its broker reports (its
 * open orders whose clOrdId names a leader order), plus what mimik sent and the broker has not
 * answered yet (a placement not yet seen, a modify or cancel on its way), plus what each leader
 * order's mirrors have filled so far, finished ones included. Also answers the copier's question,
 * on its hot path, whether a follower's own order answers a leader order's fills.
 *
 * The broker is the truth for orders: nothing here survives a restart or needs to, because the
 * clOrdIds are read back from the broker. What a placement did when its answer was lost (a socket
 * dropped mid-request) is only known from the next snapshot: until then nothing more is placed for
 * that follower, so a lost answer never becomes a second order.
 */
import type { Side, WorkingOrder } from "../types.js";
import { parseMirrorClOrdId } from "./clOrdIds.js";
import type { Held } from "./types.js";

type Busy = "modifying" | "cancelling";

export class FollowerOrders {
  private readonly placing = new Map<string, Map<string, Held>>();
  private readonly busy = new Map<string, Map<string, Busy>>();
  /** follower → leader order → follower order → contracts filled. */
  private readonly fills = new Map<string, Map<number, Map<number, number>>>();
  /** follower → leader orders it has a live mirror of (the copier asks on every leader fill). */
  private readonly live = new Map<string, Set<number>>();
  private readonly unsure = new Set<string>();
  /** Placements whose answer has not come yet (clOrdIds name the account: one set for all). */
  private readonly unanswered = new Set<string>();
  /**
   * clOrdId → the trail distance a trailing stop was placed with, for brokers whose reports do not
   * say it (ProjectX); oldest first, bounded.
   */
  private readonly trails = new Map<string, number>();
  /** follower → set token → its orders (clOrdIds) that filled, some or all; sets newest last. */
  private readonly filledSets = new Map<string, Map<string, Set<string>>>();

  /**
   * clOrdId → what waits for its cancel to be done: answered, and the order heard finished. A
   * Tradovate cancel's answer only says it was taken; the order may still fill before it lands.
   */
  private readonly afterCancel = new Map<
    string,
    { follower: string; then: () => void; answered: boolean; finished: boolean }
  >();

  /** follower → clOrdId → the contract and side of a mirror being cancelled (it may fill meanwhile). */
  private readonly cancels = new Map<string, Map<string, { contract: string; side: Side }>>();

  /** Told of an order the broker took and then rejected (the sender counts it as refused). */
  rejectedLater?: (clOrdId: string) => void;

  /**
   * `refused`: the broker refused or rejected a mirror (it will never fill). `cancelEnded`: a mirror
   * being cancelled is heard finished, or its cancel refused (told after the event in hand).
   */
  constructor(
    private readonly refused?: (follower: string, leaderId: number, contract: string) => void,
    private readonly cancelEnded?: (follower: string, contract: string) => void,
  ) {}

  /** The follower's mirror orders now: the broker's open ones and the placements on their way. */
  held(follower: string, accountId: number, open: readonly WorkingOrder[]): Held[] {
    const out: Held[] = [];
    const seen = new Set<string>();
    const busy = this.busy.get(follower);
    for (const o of open) {
      const named = parseMirrorClOrdId(o.clOrdId);
      if (!named || named.accountId !== accountId || o.clOrdId === undefined) continue;
      if (o.side === undefined || o.orderType === undefined || o.qty === undefined || !o.contract) continue;
      // A late mirror's market order (late.ts) is sent to fill: nothing is placed, moved or
      // cancelled for it, or a late one would be cancelled and sent to market again and again.
      if (o.orderType === "Market") continue;
      seen.add(o.clOrdId);
      out.push({
        orderId: o.orderId,
        clOrdId: o.clOrdId,
        leaderId: named.leaderOrderId,
        contract: o.contract,
        set: named.set,
        side: o.side,
        orderType: o.orderType,
        qty: o.qty,
        filled: o.filledQty ?? 0,
        price: o.price,
        stopPrice: o.stopPrice,
        trail: o.trail ?? (o.orderType === "TrailingStop" ? this.trails.get(o.clOrdId) : undefined),
        timeInForce: o.timeInForce,
        busy: busy?.get(o.clOrdId),
      });
    }
    const placing = this.placing.get(follower);
    if (placing) {
      for (const [clOrdId, h] of placing) {
        if (seen.has(clOrdId)) placing.delete(clOrdId);
        else out.push(h);
      }
    }
    this.live.set(follower, new Set(out.filter((h) => h.busy !== "cancelling").map((h) => h.leaderId)));
    return out;
  }

  /** Sent, not answered: counts as held (with the terms asked) until the broker shows it. */
  sent(follower: string, order: Held): void {
    map(this.placing, follower, () => new Map<string, Held>()).set(order.clOrdId, {
      ...order,
      busy: "placing",
    });
    this.unanswered.add(order.clOrdId);
    map(this.live, follower, () => new Set<number>()).add(order.leaderId);
    if (order.trail === undefined) return;
    this.trails.set(order.clOrdId, order.trail);
    if (this.trails.size > KEPT_FILLED_SETS) this.trails.delete(this.trails.keys().next().value as string);
  }

  /** The broker took the placement: the order shows up in the reads from now on. */
  accepted(follower: string, clOrdId: string, orderId: number | undefined): void {
    this.unanswered.delete(clOrdId);
    const h = this.placing.get(follower)?.get(clOrdId);
    if (h && orderId !== undefined) h.orderId = orderId;
  }

  /** Refused, or its fate is unknown (`unsure`: no more placements until the next snapshot). */
  notPlaced(follower: string, clOrdId: string, unsure: boolean): void {
    this.unanswered.delete(clOrdId);
    const h = this.placing.get(follower)?.get(clOrdId);
    this.placing.get(follower)?.delete(clOrdId);
    if (h && !this.filledOf(follower, h.leaderId)) this.live.get(follower)?.delete(h.leaderId);
    if (unsure) this.unsure.add(follower);
    else if (h) this.refused?.(follower, h.leaderId, h.contract);
  }

  /** `then` runs once this order's cancel is answered ok and the order is heard finished. */
  whenCancelled(follower: string, clOrdId: string, then: () => void): void {
    this.afterCancel.set(clOrdId, { follower, then, answered: false, finished: false });
  }

  /**
   * The cancel's answer: taken, `then` waits for the order's end; refused, nothing waits here any
   * more, and the `then` let go is returned (a cancel asked again carries it: cancelRefusals.ts).
   */
  cancelAnswered(clOrdId: string, ok: boolean): (() => void) | undefined {
    const waiting = this.afterCancel.get(clOrdId);
    if (!waiting) return undefined;
    if (!ok) {
      this.afterCancel.delete(clOrdId);
      return waiting.then;
    }
    waiting.answered = true;
    this.runAfterCancel(clOrdId);
    return undefined;
  }

  /** A snapshot of the follower's login arrived: its orders are the truth again. */
  synced(follower: string): void {
    this.unsure.delete(follower);
    // Whether a cancelled order ended before the snapshot or still works is not told any more:
    // what waited for its end is dropped (the re-sync judges the position), never sent blind.
    for (const [clOrdId, w] of this.afterCancel)
      if (w.follower === follower) this.afterCancel.delete(clOrdId);
    // A placement still on its way may reach the broker after the snapshot was read: it stays
    // held until its answer, or placing again would make it twice.
    const placing = this.placing.get(follower);
    for (const clOrdId of placing?.keys() ?? []) if (!this.unanswered.has(clOrdId)) placing!.delete(clOrdId);
    this.busy.delete(follower);
    // The snapshot is the truth: an order still working is not being cancelled any more.
    for (const clOrdId of [...(this.cancels.get(follower)?.keys() ?? [])]) this.cancelOver(follower, clOrdId);
  }

  /** The follower has (or is placing) at least one mirror order: a cheap test for the hot path. */
  hasLive(follower: string): boolean {
    return (this.live.get(follower)?.size ?? 0) > 0;
  }

  /** Placements may go (no earlier one's fate is unknown). */
  mayPlace(follower: string): boolean {
    return !this.unsure.has(follower);
  }

  /** `order`: the one being cancelled (its leader order, line and side). */
  setBusy(
    follower: string,
    clOrdId: string,
    what: Busy | undefined,
    order?: Pick<Held, "leaderId" | "contract" | "side">,
  ): void {
    const busy = map(this.busy, follower, () => new Map<string, Busy>());
    if (what) busy.set(clOrdId, what);
    else busy.delete(clOrdId);
    if (what === "cancelling" && order) {
      this.live.get(follower)?.delete(order.leaderId);
      map(this.cancels, follower, () => new Map()).set(clOrdId, {
        contract: order.contract,
        side: order.side,
      });
    } else if (!what) this.cancelOver(follower, clOrdId);
  }

  /**
   * A modify's answer: the order is busy with it no more. A cancel sent meanwhile (cancel before
   * close takes an order being modified) is still on its way: the order stays being cancelled.
   */
  modifyAnswered(follower: string, clOrdId: string): void {
    if (this.busy.get(follower)?.get(clOrdId) === "modifying") this.setBusy(follower, clOrdId, undefined);
  }

  /** The order's cancel in progress (a new one each time it is asked): undefined when none is. */
  cancelOf(follower: string, clOrdId: string): object | undefined {
    return this.cancels.get(follower)?.get(clOrdId);
  }

  /** A mirror on the line and side is being cancelled: until it is heard finished it may fill. */
  cancellingOn(follower: string, contract: string, side: Side): boolean {
    const cancels = this.cancels.get(follower);
    if (!cancels) return false;
    for (const c of cancels.values()) if (c.contract === contract && c.side === side) return true;
    return false;
  }

  /** The order is no longer being cancelled (finished, or the cancel refused): what waits is told. */
  private cancelOver(follower: string, clOrdId: string): void {
    const cancels = this.cancels.get(follower);
    const c = cancels?.get(clOrdId);
    if (!c) return;
    cancels!.delete(clOrdId);
    if (cancels!.size === 0) this.cancels.delete(follower);
    // After the event in hand is taken in: a fill it reports counts before an exit is sized on it.
    if (this.cancelEnded) queueMicrotask(() => this.cancelEnded?.(follower, c.contract));
  }

  /**
   * An order of the follower changed (any state): its fills count for the leader order it mirrors.
   * Returns true when it reports more filled than before.
   */
  update(follower: string, order: WorkingOrder): boolean {
    const grew = this.record(follower, order);
    const waiting = order.clOrdId !== undefined ? this.afterCancel.get(order.clOrdId) : undefined;
    if (waiting && order.status !== undefined && !OPEN.has(order.status)) {
      waiting.finished = true;
      this.runAfterCancel(order.clOrdId!);
    }
    return grew;
  }

  private runAfterCancel(clOrdId: string): void {
    const waiting = this.afterCancel.get(clOrdId);
    if (!waiting?.answered || !waiting.finished) return;
    this.afterCancel.delete(clOrdId);
    // After the event in hand is taken in: its fills count before anything is sized on them.
    queueMicrotask(waiting.then);
  }

  private record(follower: string, order: WorkingOrder): boolean {
    const named = parseMirrorClOrdId(order.clOrdId);
    if (!named) return false;
    if (order.status !== undefined && !OPEN.has(order.status)) {
      this.busy.get(follower)?.delete(order.clOrdId!);
      this.cancelOver(follower, order.clOrdId!);
      // Finished before any look saw it working: it will never show up among the open orders.
      this.placing.get(follower)?.delete(order.clOrdId!);
      if (order.status === "Rejected" && order.contract) {
        this.refused?.(follower, named.leaderOrderId, order.contract);
        this.rejectedLater?.(order.clOrdId!);
      }
    }
    if (!order.filledQty) return false;
    const sets = map(this.filledSets, follower, () => new Map<string, Set<string>>());
    map(sets, named.set, () => new Set<string>()).add(order.clOrdId!);
    if (sets.size > KEPT_FILLED_SETS) sets.delete(sets.keys().next().value as string);
    const byLeader = map(this.fills, follower, () => new Map<number, Map<number, number>>());
    const byOrder = map(byLeader, named.leaderOrderId, () => new Map<number, number>());
    const before = byOrder.get(order.orderId) ?? 0;
    byOrder.set(order.orderId, order.filledQty);
    return order.filledQty > before;
  }

  /**
   * One of the set's orders that filled is no longer among its `legs`: it went by filling, so its
   * partners go too (the OCO mimik emulates). A leg partly filled and still working is not gone:
   * its partners stay, and a missing one is placed into the set for what is left.
   */
  filledLegGone(follower: string, set: string, legs: readonly Held[]): boolean {
    const filled = this.filledSets.get(follower)?.get(set);
    if (!filled) return false;
    for (const clOrdId of filled) if (!legs.some((h) => h.clOrdId === clOrdId)) return true;
    return false;
  }

  filledOf(follower: string, leaderId: number): number {
    let sum = 0;
    for (const qty of this.fills.get(follower)?.get(leaderId)?.values() ?? []) sum += qty;
    return sum;
  }

  /** What one of the follower's orders has filled, as its last report said. */
  filledOfOrder(follower: string, leaderId: number, orderId: number | undefined): number {
    return orderId === undefined ? 0 : (this.fills.get(follower)?.get(leaderId)?.get(orderId) ?? 0);
  }

  /** A mirror of this leader order is being cancelled: until its broker answers, it may fill. */
  cancelling(follower: string, leaderId: number): boolean {
    for (const [clOrdId, what] of this.busy.get(follower) ?? [])
      if (what === "cancelling" && parseMirrorClOrdId(clOrdId)?.leaderOrderId === leaderId) return true;
    return false;
  }

  /**
   * Contracts the follower's mirrors of one leader order have filled or may still fill: a working
   * one (or a placement on its way) by its whole size, one being cancelled or finished by its fills.
   */
  sizeOf(follower: string, accountId: number, open: readonly WorkingOrder[], leaderId: number): number {
    let size = 0;
    const seen = new Set<string>();
    const finished = new Map(this.fills.get(follower)?.get(leaderId));
    const busy = this.busy.get(follower);
    for (const o of open) {
      const named = parseMirrorClOrdId(o.clOrdId);
      if (!named || named.accountId !== accountId || named.leaderOrderId !== leaderId) continue;
      seen.add(o.clOrdId!);
      finished.delete(o.orderId);
      size += busy?.get(o.clOrdId!) === "cancelling" ? (o.filledQty ?? 0) : (o.qty ?? 0);
    }
    for (const [clOrdId, h] of this.placing.get(follower) ?? [])
      if (h.leaderId === leaderId && !seen.has(clOrdId)) size += h.qty;
    for (const filled of finished.values()) size += filled;
    return size;
  }

  /** The follower's own order answers this leader order's fills (it works, or it filled). */
  covers(follower: string, leaderId: number): boolean {
    return this.live.get(follower)?.has(leaderId) === true || this.filledOf(follower, leaderId) > 0;
  }

  /** What the follower's mirrors filled for leader orders that are gone is no longer needed. */
  forgetGone(follower: string, gone: (leaderId: number) => boolean): void {
    const byLeader = this.fills.get(follower);
    if (byLeader) for (const id of byLeader.keys()) if (gone(id)) byLeader.delete(id);
  }

  /** The leader order is long finished: what its mirrors filled is no longer needed. */
  forgetLeader(leaderId: number): void {
    for (const byLeader of this.fills.values()) byLeader.delete(leaderId);
  }

  /** The follower left the config. */
  forget(follower: string): void {
    for (const [clOrdId, w] of this.afterCancel)
      if (w.follower === follower) this.afterCancel.delete(clOrdId);
    this.placing.delete(follower);
    this.busy.delete(follower);
    // What waited for those cancels (a re-sync of the line) is told they are over: nothing else will.
    for (const clOrdId of [...(this.cancels.get(follower)?.keys() ?? [])]) this.cancelOver(follower, clOrdId);
    this.fills.delete(follower);
    this.live.delete(follower);
    this.unsure.delete(follower);
    this.filledSets.delete(follower);
  }
}

/** Sets with a fill remembered per follower (and trails placed): more than a day's (the oldest is long finished). */
const KEPT_FILLED_SETS = 1_000;

const OPEN = new Set(["Working", "PendingNew", "PendingReplace", "PendingCancel", "Suspended"]);

export function isOpenStatus(status: string | undefined): boolean {
  return status !== undefined && OPEN.has(status);
}

function map<K, V>(m: Map<K, V>, key: K, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) {
    v = make();
    m.set(key, v);
  }
  return v;
}
