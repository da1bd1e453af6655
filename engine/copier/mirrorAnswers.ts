import type { Follower, Group } from "../../data/schema.js";
import { parseMirrorClOrdId } from "../mirror/clOrdIds.js";
import type { Clock, CopyEvent, EngineEvent, FillEvent } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import type { SentCopy } from "./copyEvents.js";
import { EndedLeaderOrders } from "./endedLeaderOrders.js";
import type { FollowerBook } from "./followerBook.js";
import type { MirrorCover } from "./followerDecision.js";
import { type Handled, HandledOrders } from "./handledOrders.js";
import type { LeaderBook } from "./leaderBook.js";
import { sendMirrorExit } from "./mirrorExit.js";
import { MIRROR_FILL_REASONS, mirrorFillStep } from "./mirrorFillStep.js";
import type { OrderMeta } from "./orderTracker.js";
import type { CopierAccounts, CopierDeps } from "./ports.js";
import type { Reconciler } from "./reconciler.js";
import { positionAfterReduce } from "./sizing.js";

/** Per follower: more than a day's leader orders, so a late fill is still known for what it is. */
const KEPT_PER_FOLLOWER = 1_000;

/** How often a re-sync waiting for a cancel's end looks again, should that end never be told. */
export const RESYNC_LOOK_MS = 1_000;

export { MIRROR_FILL_REASONS };

/** An exit owed on a line while answered mirrored entries had not filled (`acts`). */
interface Owing {
  /** The leader orders those entries mirror: it is owed until they have filled. */
  ids: Set<number>;
  /**
   * For a fixed-size follower, what the skipped reduces would have sent had the entries filled
   * (signed): its size depends on the orders that built the position, which a re-sync's rule
   * cannot tell. A multiplier follower's rule says where it belongs, so it needs no count.
   */
  delta: number;
}

export interface MirrorAnswersDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  leaders: Pick<LeaderBook, "known" | "note">;
  book: Pick<FollowerBook, "position">;
  acted: Pick<ActedOn, "get" | "set">;
  reconciler: Pick<Reconciler, "uncertain" | "run">;
  /** Where the leader's orders are read: is the order a mirror fill belongs to still open? */
  accounts: Pick<CopierAccounts, "route" | "role">;
  /** The mirror's two hooks (CopierDeps): does a mirror answer this leader order, is one being cancelled? */
  mirror: Pick<CopierDeps, "covers" | "mirrorCancelling" | "mirrorCancels" | "mirrorSize">;
  /** Write one exit now (a pending exit's way: flushed, told, retried if it fails). */
  send(meta: OrderMeta, delta: number, reason: string): boolean;
}

/**
 * The follower's fills of its mirrored orders (issue 14) against what the copier did with the
 * leader fills they mirror (mirrorFillStep). Races can leave it holding what its leader does not:
 *
 * - its entry answered the leader's fills (they were not copied), but the price ran through the
 *   entry and its stop at once: the leader's exit was decided while the follower's entry had not
 *   filled ("already flat"), and the entry filled after the leader left the position, or after it
 *   only took part off (the exit is then owed: `acts`);
 * - its mirror was being cancelled (before an exit) when the leader's fill came, so the fill was
 *   copied, and the cancel came too late: the mirror filled as well (a fill copied with no mirror
 *   of the order at all is no double: a mirror placed later answers only later fills);
 * - its mirror filled for a leader order whose fills the copy rule did not count on it for (it
 *   rounded to zero, say), once that order is done (mirror seed 44411519);
 * - its mirror filled and the leader's order ended without filling as much (leaderOrderEnded).
 *
 * A mirror fill of a leader order still open, or not handled yet (the follower's order filled
 * first), is the usual case: the leader's fills to come are what it answers.
 */
export class MirrorAnswers {
  private readonly records = new HandledOrders(KEPT_PER_FOLLOWER);
  /**
   * "follower|leader contract" → the leader orders whose answered mirrored entries had not filled
   * when an exit of the line was skipped (`acts`): the exit is owed until they fill.
   */
  private readonly owing = new Map<string, Owing>();
  private readonly ended = new EndedLeaderOrders(KEPT_PER_FOLLOWER);
  /** "follower|contract" → re-syncs of the line waiting for the mirror's cancel of its exits to end. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly deps: MirrorAnswersDeps) {}

  /**
   * A leader fill's fan-out: which followers' mirrors answered it, and what was copied to the
   * others (only in a group that mirrors orders: nowhere else can a mirror fill come).
   */
  fanOut(group: Group, fill: FillEvent, copies: ReadonlyArray<CopyEvent | SentCopy>): void {
    if (!mirrors(group)) return;
    const { mirror } = this.deps;
    this.ended.filled(fill.orderId, fill.qty);
    for (const copy of copies) {
      if (copy.type === "copy") {
        if (copy.outcome === "skipped" && copy.reason === SKIP_REASONS.mirrored)
          this.records.record(copy.follower, fill.orderId, fill).answered = true;
        // Not counted on (rounds to zero, say): should its mirror fill all the same, afterFill sees it.
        else if (mirror.covers?.(copy.follower, fill.orderId) === true)
          this.records.record(copy.follower, fill.orderId, fill);
        continue;
      }
      const { follower } = copy.meta;
      // What its mirror cannot close of a step, or a flip's opening half: nothing is doubled.
      if (mirror.covers?.(follower, fill.orderId) === true)
        this.records.record(follower, fill.orderId, fill).answered = true;
      // Copied because its mirror was being cancelled: should the cancel come too late, a double.
      else if (mirror.mirrorCancelling?.(follower, fill.orderId) === true)
        this.records.record(follower, fill.orderId, fill).copied += Math.abs(copy.delta);
    }
    // A fill told after its order's end: what that end waited for may have come.
    if (this.ended.has(fill.orderId)) for (const f of group.followers) this.settle(f, fill.orderId);
  }

  /**
   * The follower's mirror of a leader order whose fill is being copied, if it has one (`covers`),
   * for the copy rule. The position it steps from counts each of its mirrors on the line as having
   * filled exactly what the leader's fills counted it for: what they will still fill of that is
   * added (a mirror filled or cancelled has nothing left to add), and this order's mirror's fills
   * that came before the leader's are taken out. What is left of its size answers the step.
   */
  cover(
    group: Group,
    follower: string,
    contract: string,
    fill: FillEvent,
  ): (MirrorCover & { answering: number[] }) | undefined {
    // A group switched to copying fills has its mirrors cancelled: one that filled part of this
    // order before answers none of its fills after (its rest was never going to fill).
    if (!mirrors(group)) return undefined;
    if (this.deps.mirror.covers?.(follower, fill.orderId) !== true) return undefined;
    const size = (id: number): number =>
      this.deps.mirror.mirrorSize?.(follower, id) ?? Number.POSITIVE_INFINITY;
    const own = this.records.get(follower, fill.orderId);
    let shift = own && Math.abs(own.filled) > Math.abs(own.counted) ? own.counted - own.filled : 0;
    const answering = [fill.orderId];
    for (const id of this.records.toFillOf(follower)) {
      const h = this.records.get(follower, id);
      if (h?.contract !== contract) continue;
      const toCome = Math.min(Math.abs(h.counted - h.filled), size(id) - Math.abs(h.filled));
      if (toCome <= 0) continue;
      shift += Math.sign(h.counted) * toCome;
      if (id !== fill.orderId) answering.push(id);
    }
    const counted = Math.abs(own?.counted ?? 0);
    return { shift, credit: () => size(fill.orderId) - counted, answering };
  }

  /** The copy rule counted `covered` (signed) of this leader fill's step as its mirror's to make. */
  counted(follower: string, contract: string, fill: FillEvent, covered: number): void {
    const h = this.records.record(follower, fill.orderId, fill);
    h.contract = contract;
    h.counted += covered;
    this.records.track(follower, fill.orderId, h);
  }

  /** A follower fill (after the book has it): one of a mirror may leave it holding too much. */
  afterFill(role: { group: Group; follower: Follower }, event: FillEvent): void {
    const name = role.follower.account;
    const mirror = parseMirrorClOrdId(event.clOrdId);
    if (mirror === undefined) return;
    const s = event.side === "Buy" ? 1 : -1;
    const handled = this.records.record(name, mirror.leaderOrderId);
    handled.contract = event.contract;
    handled.filled += s * event.qty;
    this.records.track(name, mirror.leaderOrderId, handled);
    const { leaderContract } = handled;
    // No fill of its leader order came yet: one usually follows, unless that order ended.
    if (leaderContract === undefined) {
      this.settle(role.follower, mirror.leaderOrderId);
      return;
    }
    const leader = this.deps.leaders.known(role.group.leader, leaderContract) ?? 0;
    const has = this.deps.book.position(name, event.contract);
    const held = Math.sign(has) === s ? Math.abs(has) : 0;
    const line = `${name}|${leaderContract}`;
    const owing = this.owing.get(line);
    const owed = owing?.ids.has(mirror.leaderOrderId) === true;
    // Each fill of an entry that owes the exit looks again; the mark goes once all of them filled.
    const toFill = owed ? this.entriesToFill(name, leaderContract) : undefined;
    const paid = owed && ![...(owing?.ids ?? [])].some((id) => toFill?.has(id));
    if (paid) this.owing.delete(line);
    const fixed = role.follower.sizing.mode === "fixed";
    const step = mirrorFillStep({
      ...{ side: s, qty: event.qty, held, leader, copied: handled.copied, answered: handled.answered },
      ...{ owed, paid, owedFixed: fixed ? (owing?.delta ?? 0) : undefined },
      actedLags: this.deps.acted.get(name, leaderContract) !== leader,
      leaderOrderOpen: () => this.leaderOrderOpen(role.group.leader, mirror.leaderOrderId),
    });
    handled.copied -= Math.min(event.qty, handled.copied);
    // A fixed-size follower's skipped reduces are made up: a later re-sync must not do them again.
    if (paid && fixed) this.deps.acted.set(name, leaderContract, leader);
    if (step.do === "exit") {
      const at = { contract: event.contract, leaderContract, leader };
      sendMirrorExit(this.deps, role.group, name, handled.fillId, at, step.delta, step.why);
    } else if (step.do === "resync")
      this.resync(name, event.contract, MIRROR_FILL_REASONS[step.why](name), step.uncertain);
    else if (step.do === "nothing") this.settle(role.follower, mirror.leaderOrderId);
  }

  /**
   * The leader's order ended without filling all of it. A follower whose mirror of it filled more
   * than the leader's fills counted on it holds what its leader never did (a limit filled at its
   * broker and not the leader's, then cancelled): its line is put right from where it stands, exits
   * only, once no mirror of the order may still fill (else at that fill, or its cancel's end).
   */
  leaderOrderEnded(group: Group, id: number, contract: string, filledQty: number | undefined): void {
    if (!mirrors(group)) return;
    this.ended.end(id, contract, filledQty);
    for (const follower of group.followers) this.settle(follower, id);
  }

  /** A mirror of the follower's in `contract` being cancelled is heard finished. */
  mirrorEnded(follower: string, contract: string): void {
    this.wake(`${follower}|${contract}`);
    const role = this.deps.accounts.role(follower);
    if (role?.kind !== "follower") return;
    for (const [id, h] of this.records.of(follower))
      if (h.contract === contract && this.ended.has(id)) this.settle(role.follower, id);
  }

  /**
   * The follower's line re-synced, exits only (`uncertain`: from where it stands), but not while
   * the mirror cancels the follower's exits there: a close placed beside a stop being cancelled
   * could fill twice. Such a cancel's end does it then (mirrorEnded), from where the line is; or a
   * look a moment later, should the end never be told (`waited`: it waited for one). A line flat by
   * then has nothing to close: the re-sync is dropped, the journal told why.
   */
  private resync(
    name: string,
    contract: string,
    cause: string,
    uncertain: boolean,
    first?: () => void,
    waited = false,
  ): void {
    const role = this.deps.accounts.role(name);
    if (role?.kind !== "follower") return;
    const has = this.deps.book.position(name, contract);
    if (has === 0 && waited) {
      const message = `${name}: re-sync of ${contract} dropped: the line was flat once the cancel of its exits ended (${cause})`;
      const { group } = role;
      this.deps.emit({
        type: "alert",
        at: this.deps.clock.now(),
        level: "info",
        message,
        follower: name,
        group: group.name,
      });
      return;
    }
    if (has !== 0 && this.deps.mirror.mirrorCancels?.(name, contract, has > 0 ? "Sell" : "Buy") === true) {
      this.wait(`${name}|${contract}`, () => this.resync(name, contract, cause, uncertain, first, true));
      return;
    }
    first?.();
    if (uncertain) this.deps.reconciler.uncertain(name, new Set([contract]));
    this.deps.reconciler.run(role.group, [role.follower], cause, "");
  }

  /**
   * A re-sync waits for the line's cancel to end. Its end is told (mirrorEnded), but a cancel may
   * also end untold (the mirror let go of the follower, say): the line is looked at again every
   * RESYNC_LOOK_MS while anything waits on it, so the follower never keeps what its leader closed.
   */
  private wait(line: string, again: () => void): void {
    const waiting = this.waiting.get(line);
    if (waiting) {
      waiting.push(again);
      return;
    }
    this.waiting.set(line, [again]);
    this.deps.clock.setTimeout(() => this.wake(line), RESYNC_LOOK_MS);
  }

  /** The re-syncs waiting on the line run (each waits again if the cancel is still on). */
  private wake(line: string): void {
    const waited = this.waiting.get(line);
    this.waiting.delete(line);
    for (const again of waited ?? []) again();
  }

  /**
   * Once every fill of the leader's order is in, and none of the follower's mirrors of it may
   * still fill: after the mirror's own pass (a timer, not now), and not while it cancels the
   * follower's exits on the line (the leader's bracket legs went with its entry: resync).
   */
  private settle(follower: Follower, leaderOrderId: number): void {
    const name = follower.account;
    const h = this.records.get(name, leaderOrderId);
    if (!h?.contract || h.settled || !this.ended.complete(leaderOrderId)) return;
    if (Math.abs(h.filled) <= Math.abs(h.counted) || this.mayStillFill(name, leaderOrderId, h)) return;
    h.settled = true;
    this.deps.clock.setTimeout(() => {
      const role = this.deps.accounts.role(name);
      const contract = this.ended.contractOf(leaderOrderId);
      if (role?.kind !== "follower" || contract === undefined || !h.contract) return;
      // A contract the leader never held is flat for it: the re-sync must look at that line too.
      const note = () => this.deps.leaders.note(role.group.leader, contract);
      this.resync(name, h.contract, MIRROR_FILL_REASONS.leaderEnded(name), true, note);
    }, 0);
  }

  /**
   * The follower's broker refused (or rejected) its mirror of a leader order. Fills of that order
   * it answered were not copied, and now nothing will make them: the line is put right from where
   * the follower stands, exits only (as after a mirror fill the rule had not counted on). Not while
   * another mirror of the order may still fill (one on its way, working, or being cancelled).
   */
  refused(name: string, leaderOrderId: number, contract: string): void {
    const h = this.records.get(name, leaderOrderId);
    const role = this.deps.accounts.role(name);
    if (!h?.answered || role?.kind !== "follower" || this.mayStillFill(name, leaderOrderId, h)) return;
    h.answered = false; // made up once
    this.resync(name, contract, MIRROR_FILL_REASONS.refused(name), true);
  }

  /** A mirror of the leader order is working, on its way or being cancelled: more of it may fill. */
  private mayStillFill(name: string, leaderOrderId: number, h: Handled): boolean {
    const { mirror } = this.deps;
    const size = mirror.mirrorSize?.(name, leaderOrderId) ?? 0;
    return size > Math.abs(h.filled) || mirror.mirrorCancelling?.(name, leaderOrderId) === true;
  }

  /** Is the leader's order still open at its broker (more of it may fill)? Read on a rare path only. */
  private leaderOrderOpen(leader: string, orderId: number): boolean {
    const route = this.deps.accounts.route(leader);
    return route?.session.workingOrders(route.accountId).some((o) => o.orderId === orderId) ?? false;
  }

  /**
   * Does a skipped leader fill count as acted on? Not an exit skipped because the follower was
   * flat while its own mirrored entry on that line, which answered the leader's entry, has not
   * filled yet: the exit is then owed, and made up when that entry fills (afterFill): with a
   * multiplier by the re-sync's rule from where the follower stands; with fixed sizing as the
   * reduce its rule would have sent had the entry filled, counted here.
   */
  acts(follower: Follower, fill: FillEvent, reason: string, before: number, after: number): boolean {
    if (reason !== SKIP_REASONS.alreadyFlat) return true;
    const name = follower.account;
    const entries = this.entriesToFill(name, fill.contract, fill.orderId);
    if (entries.size === 0) return true;
    const line = `${name}|${fill.contract}`;
    const owing = this.owing.get(line) ?? { ids: new Set<number>(), delta: 0 };
    let toCome = 0;
    for (const [id, contracts] of entries) {
      owing.ids.add(id);
      toCome += contracts;
    }
    if (follower.sizing.mode === "fixed") {
      // Where the entries' fills will take it, less what is owed already: the reduce steps from there.
      const held = Math.sign(before) * toCome + owing.delta;
      owing.delta += positionAfterReduce(follower.sizing, held, before, after) - held;
    }
    this.owing.set(line, owing);
    return false;
  }

  /**
   * The leader orders whose answered mirrors on the line (but `except`'s) have contracts to fill,
   * with how many.
   */
  private entriesToFill(follower: string, leaderContract: string, except?: number): Map<number, number> {
    const { mirror } = this.deps;
    const toFill = new Map<number, number>();
    for (const [leaderOrderId, h] of this.records.of(follower)) {
      if (!h.answered || h.leaderContract !== leaderContract || leaderOrderId === except) continue;
      // Two map lookups first: a mirror long finished is no longer known, and its size is not read.
      if (mirror.covers?.(follower, leaderOrderId) !== true) continue;
      const size = mirror.mirrorSize?.(follower, leaderOrderId) ?? 0;
      if (size > Math.abs(h.filled)) toFill.set(leaderOrderId, size - Math.abs(h.filled));
    }
    return toFill;
  }
}

/** Only a group that mirrors working orders (or protects) has mirrors that answer its leader's fills. */
const mirrors = (group: Group): boolean => group.copy === "orders" || group.protect === true;
