import type { Config, Follower, Group } from "../../data/schema.js";
import { messageOf } from "../messageOf.js";
import { clOrdIdFor } from "../orders/gateway.js";
import type { Outcome } from "../outcome.js";
import { mapContract } from "../symbols.js";
import type { BrokerEvent, CopyEvent, FillEvent, Logger, SyncEvent } from "../types.js";
import { SKIP_REASONS, silentLogger } from "../types.js";
import { ActedOn } from "./actedOn.js";
import { bustedFill } from "./bustedFill.js";
import { classify } from "./classify.js";
import { failedCopy, leaderFillEvent, type SentCopy, skipperFor } from "./copyEvents.js";
import { actedOn, type RecordParts, recordSent } from "./copyRecord.js";
import { CopySender } from "./copySender.js";
import { CountedTrades } from "./countedTrades.js";
import { FillDedupe, malformedFill } from "./fillDedupe.js";
import { FlattenStopped } from "./flattenStopped.js";
import { FollowerBook } from "./followerBook.js";
import { followerDecision, NOT_ACTED } from "./followerDecision.js";
import { type FollowerEventParts, followerFill, followerPosition, orderStatus } from "./followerEvents.js";
import { HedgeIndex, hedgeMembers } from "./hedgeIndex.js";
import { historyFill } from "./historyFill.js";
import { LeaderBook } from "./leaderBook.js";
import { LeaderGuard } from "./leaderGuard.js";
import { LostOpenings } from "./lostOpenings.js";
import { manualResync } from "./manualResync.js";
import { keptForOtherContracts, othersByRule } from "./mergedLine.js";
import { MirrorAnswers } from "./mirrorAnswers.js";
import { type OrderMeta, OrderTracker } from "./orderTracker.js";
import { PendingExits } from "./pendingExits.js";
import type { CopierDeps } from "./ports.js";
import { Reconciler } from "./reconciler.js";
import { RuleChanges } from "./ruleChanges.js";
import { Joins, seedFollower, unsyncedLeaderPosition } from "./seeding.js";
import { ShadowBook, type ShadowFill, type ShadowParts, shadowCopy } from "./shadowCopy.js";
import { reduces } from "./sizing.js";
import { asideReason, Standing } from "./standing.js";
import { applySync, leaderSynced } from "./syncApply.js";
import { SyncWatch } from "./syncWatch.js";
import { UnsureExits } from "./unsureExits.js";

export type { CopierAccounts, CopierDeps, FollowerGate } from "./ports.js";

/**
 * Leader fills in, follower orders out. The path from a leader FillEvent to the last follower's
 * order write is synchronous: every follower's decision is made and its order handed to the
 * gateway (and flushed) before any event is emitted or any ack awaited. A coordinator over parts
 * that each own their state: fill dedupe, leader book, follower book, order tracker, counted
 * trades, sync watch (OUT OF SYNC), what each follower acted on, pending exits, the reconciler
 * (missed exits at a re-sync) and the mirror's orders and fills (MirrorAnswers). Who an account
 * is comes from the account directory.
 */
export class Copier {
  private readonly logger: Logger;
  private readonly dedupe: FillDedupe;
  private readonly leaders = new LeaderBook();
  private readonly hedge = new HedgeIndex();
  /** Issue 16: shadow followers' would-be positions (a would-be flatten zeroes one: shadowFlatten). */
  readonly shadows = new ShadowBook();
  private readonly book = new FollowerBook((a, c) => this.hedge.moved(a, c, this.book));
  private readonly orders: OrderTracker;
  private readonly counted = new CountedTrades();
  private readonly watch: SyncWatch;
  private readonly acted: ActedOn;
  readonly exits: PendingExits;
  private readonly reconciler: Reconciler;
  /** The mirror's orders and fills; the mirror tells it of refusals (`refused`). */
  readonly answers: MirrorAnswers;
  private readonly lost: LostOpenings;
  private readonly unsure: UnsureExits;
  private readonly recording: RecordParts;
  private readonly sender: CopySender;
  private readonly shadowParts: ShadowParts;
  private readonly joins = new Joins();
  private readonly rules = new RuleChanges();
  /** The leader's own position reports check the leader book: a missed fill is not stepped over. */
  private readonly guard: LeaderGuard;
  private parts: FollowerEventParts | undefined;
  /** Locks, switches and pauses: OUT OF SYNC looks again as a follower stands aside or comes back. */
  readonly standing: Standing;
  /** A hand unlock stopped a follower's flatten: what it left to that flatten is made up. */
  readonly afterFlatten: FlattenStopped;

  constructor(private readonly deps: CopierDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.dedupe = new FillDedupe(deps.ledger);
    this.acted = new ActedOn(deps.clock, deps.actedStore, this.logger);
    const { clock, emit, accounts } = deps;
    const gate = (name: string) => deps.gate(name);
    const { leaders, book, acted, hedge, counted, shadows } = this;
    const opened = (name: string, orderIds?: readonly number[]) => {
      for (const id of counted.fresh(name, orderIds)) deps.onOpeningCopied?.(name, id);
    };
    this.shadowParts = { clock, gate, hedge, counted, leaders, book: shadows };
    this.orders = new OrderTracker({
      ...{ clock, emit, book },
      gateway: deps.gateway,
      logger: this.logger,
      onFailed: (meta, reason, remaining, lost) => {
        this.exits.failed(meta, reason, remaining, lost);
        if (lost) this.lost.lost(meta, remaining);
        this.watch.changed(meta.follower, meta.contract);
      },
      onAccepted: (meta) => this.exits.accepted(meta),
    });
    const sender = new CopySender({
      ...{ clock, emit, accounts, gateway: deps.gateway, orders: this.orders },
      beforeExit: (follower, contract, answering) => deps.beforeExit?.(follower, contract, answering),
      watch: () => this.watch,
    });
    this.sender = sender;
    this.exits = new PendingExits({
      ...{ clock, emit, accounts, gate, book, acted, opened, orders: this.orders, logger: this.logger },
      blockedUntil: (name) => deps.accounts.route(name)?.session.rateBudget().blockedUntil,
      send: (meta, delta, reason) => sender.sendNow(meta, delta, reason),
      ...{ backoff: deps.exitBackoff, mirrorCancels: deps.mirrorCancels },
    });
    const exits = this.exits;
    this.unsure = new UnsureExits(book, exits, deps);
    this.lost = new LostOpenings({ clock, emit, accounts, book, acted, exits, backoff: deps.exitBackoff });
    this.recording = { clock, logger: this.logger, acted, leaders, counted, exits: this.exits };
    this.reconciler = new Reconciler({
      ...{ clock, emit, accounts, gate, leaders, book, acted, hedge, opened, exits: this.exits },
      ...{ counted, lost: this.lost, orders: this.orders },
      heldMs: deps.exitBackoff?.maxMs,
      flattenFill: (name, fill) => deps.flattenFill?.(name, fill) ?? false,
      send: (route, meta, delta, clOrdId) => sender.send(route, meta, delta, clOrdId) !== undefined,
      flush: () => deps.gateway.flush(),
    });
    this.answers = new MirrorAnswers({
      ...{ clock, emit, leaders, book, acted, accounts, reconciler: this.reconciler },
      mirror: deps,
      send: (meta, delta, reason) => sender.sendNow(meta, delta, reason),
    });
    this.watch = new SyncWatch({
      ...{ clock, emit, elsewhere: (f: string, c: string) => book.elsewhere(f, c) },
      role: (name) => deps.accounts.role(name),
      leaderHeld: (leader) => this.leaders.held(leader),
      followerPosition: (follower, contract) => this.followerPosition(follower, contract),
      inFlight: (follower, contract) => this.book.inFlight(follower, contract),
      asideReason: (group, follower) => asideReason({ gate }, group, follower),
      ready: (group, follower) =>
        book.isSynced(follower.account) && leaderSynced(group, this.leaders, accounts),
    });
    this.standing = new Standing({ accounts, gate, watch: this.watch });
    this.guard = new LeaderGuard({ clock, emit, accounts, leaders, watch: this.watch });
    this.afterFlatten = new FlattenStopped({
      ...{ clock, accounts, show: (group, f) => this.watch.followerResynced(group, f) },
      busy: (name) => this.hasLiveOrders(name),
      makeUp: (group, f) => this.reconciler.run(group, [f], `${f.account} unlocked during its flatten`, ""),
    });
  }

  /** The firms and groups the hedge guard judges by, and whether it is on (the config's hedgeGuard). */
  setConfig(config: Config): void {
    this.hedge.setMembers(hedgeMembers(config), config.hedgeGuard !== false);
    this.shadows.setConfig(config);
    this.standing.setConfig(config);
    for (const [account, contract] of this.book.known()) this.hedge.moved(account, contract, this.book);
    const { book, orders, leaders, acted } = this;
    this.joins.update(config, { ...this.deps, book, orders, leaders, acted });
    for (const { group, follower } of this.rules.update(config)) this.watch.expectedChanged(group, follower);
  }

  /** Loads what each follower last acted on (the runtime state): call before the first event. */
  start(counted: Iterable<readonly [string, readonly number[]]> = []): void {
    this.acted.load();
    this.counted.seed(counted);
  }

  /** No more exit retries; what followers acted on is written. */
  async stop(): Promise<void> {
    this.afterFlatten.stop();
    this.guard.stop();
    this.exits.stop();
    this.lost.stop();
    await this.acted.flush();
  }

  onBrokerEvent(event: BrokerEvent): void {
    try {
      switch (event.type) {
        case "fill":
          this.onFill(event);
          break;
        case "position":
          followerPosition(event, this.followerParts());
          this.guard.position(event);
          break;
        case "orderStatus":
          orderStatus(event, this.followerParts());
          break;
        case "sync":
          this.onSync(event);
          break;
        case "historyFill":
          historyFill(event, { ...this.deps, dedupe: this.dedupe });
          break;
        case "fillBusted":
          bustedFill(event, { ...this.deps, dedupe: this.dedupe, leaders: this.leaders, watch: this.watch });
          break;
      }
    } catch (error) {
      // A malformed event is logged and skipped; the copier keeps running.
      const text = messageOf(error);
      this.logger.error("copier could not handle a broker event", { type: event.type, error: text });
    }
  }

  /** The leader's net position in a contract as the copier tracks it (0 when unknown). */
  leaderPosition(leader: string, contract: string): number {
    return this.leaders.known(leader, contract) ?? 0;
  }

  /** A follower's position in its (mapped) contract: broker-reported plus in flight. */
  followerPosition(follower: string, contract: string): number {
    seedFollower(this.book, this.deps.accounts, follower, contract);
    return this.book.position(follower, contract);
  }

  /** Exits that failed and wait for their next try (EXIT PENDING), over all followers. */
  exitsPending(): number {
    return this.exits.size;
  }

  /** Orders of ours for this follower sent and not yet filled or dead, or any request (a liquidation's) unanswered. */
  hasLiveOrders(follower: string): boolean {
    return this.book.live(follower) > 0 || this.deps.gateway.inFlight(follower) > 0;
  }

  /** Send the difference between what the follower has and what the rule expects, per contract. */
  resync(name: string): Promise<Outcome> {
    return manualResync(name, {
      ...this.deps,
      ...{ book: this.book, orders: this.orders, leaders: this.leaders, acted: this.acted },
      send: (route, meta, delta, clOrdId) => this.sender.send(route, meta, delta, clOrdId),
      ...{ watch: this.watch, hedge: this.hedge },
      nextSeq: () => this.sender.nextSeq(),
      headerId: () => this.reconciler.headerId(),
    });
  }

  /** What the account cap counts on a follower's lines other than `contract` (the mirror's entries). */
  accountElsewhere = (follower: string, contract: string): number => this.book.elsewhere(follower, contract);

  private onFill(event: FillEvent): void {
    const name = this.deps.accounts.nameAt(event.connection, event.accountId);
    if (name === undefined) return;
    if (malformedFill(event, name, this.logger)) return;
    const role = this.deps.accounts.role(name);
    if (role?.kind === "leader") this.onLeaderFill(event, role.group);
    else if (role?.kind === "follower" && this.dedupe.firstFollowerFill(event.connection, event.fillId)) {
      followerFill(role, event, this.followerParts());
    }
  }

  private onLeaderFill(event: FillEvent, group: Group): void {
    // Marked before anything is sent: at most once, even if a send below throws.
    if (!this.dedupe.firstLeaderFill(event.connection, event.fillId)) return;
    const takenAt = this.deps.clock.now();
    this.guard.beforeFill(group, event);
    const before =
      this.leaders.known(group.leader, event.contract) ??
      unsyncedLeaderPosition(this.leaders, this.deps.accounts, event, group.leader);
    const after = before + (event.side === "Buy" ? event.qty : -event.qty);
    const firstOpening = this.leaders.step(group.leader, event.contract, before, after, event.orderId);
    if (this.orders.ownOnLeader(group.leader, group.name, event)) return;

    // Hot path: decide and write every follower's order first; what a sent copy changes besides
    // the follower's book (what it acted on, trades counted) and every report come after the flush.
    const copies: Array<CopyEvent | SentCopy> = [];
    const out = { openings: [] as string[], fills: [] as ShadowFill[] };
    for (const f of group.followers) {
      try {
        if (!f.shadow) copies.push(this.copyTo(group, f, event, before, after, firstOpening));
        else {
          const move = { contract: mapContract(event.contract, f.mapping), before, after, firstOpening };
          copies.push(shadowCopy(this.shadowParts, group, f, event, move, out));
        }
      } catch (error) {
        const at = { group: group.name, follower: f.account, fillId: event.fillId, contract: event.contract };
        copies.push(failedCopy(this.deps.clock, this.logger, at, error));
      }
    }
    this.deps.gateway.flush();
    this.deps.emit(leaderFillEvent(this.deps.clock, group, event, { before, after }, takenAt));
    const record = (copy: SentCopy) => recordSent(this.recording, copy, group, event, after, out.openings);
    for (const copy of copies) this.deps.emit(copy.type === "copy" ? copy : record(copy));
    this.unsure.release();
    this.answers.fanOut(group, event, copies);
    for (const follower of out.openings) this.deps.onOpeningCopied?.(follower, event.orderId);
    for (const fill of out.fills) this.deps.onShadowFill?.(fill, this.shadows.held(fill.follower));
    for (const f of group.followers)
      if (!f.shadow) this.watch.changed(f.account, mapContract(event.contract, f.mapping));
  }

  /** One follower's decision, and its order handed to the gateway (not yet flushed): a skip's
   * CopyEvent, or the copy sent, which `sent` completes once the fan-out has left. */
  private copyTo(
    group: Group,
    follower: Follower,
    event: FillEvent,
    before: number,
    after: number,
    firstOpening: boolean,
  ): CopyEvent | SentCopy {
    const { accounts, clock } = this.deps;
    const name = follower.account;
    const contract = mapContract(event.contract, follower.mapping);
    const { fillId } = event;
    const skip = skipperFor(clock, group.name, name, fillId, contract);
    const guard = SKIP_REASONS.leaderGuard;
    if (accounts.isLeader(name)) return skip(guard, classify(before, after));
    const route = accounts.route(name);
    if (route && this.lost.holds(name, contract)) {
      const held = this.leaders.held(group.leader);
      const others = othersByRule(follower, event.contract, contract, held, group.whitelist);
      const step = { leaderContract: event.contract, before, after, others };
      this.lost.hold(name, contract, { ...step, orderId: event.orderId, first: firstOpening });
      return skip(SKIP_REASONS.lostAnswer, classify(before, after));
    }
    const counted = this.counted.has(name, event.orderId);
    const has = route ? this.followerPosition(name, contract) : 0;
    // The rule steps from an exit pending's goal; on a line two leader contracts share, from our part.
    const goal = this.exits.goalOf(name, contract);
    const step = { leaderContract: event.contract, before, after, followerContract: contract };
    const held = this.leaders.held(group.leader);
    const kept = keptForOtherContracts(follower, step, held, goal ?? has, group.whitelist);
    const mirror = this.answers.cover(group, name, contract, event);
    const decision = followerDecision({
      group,
      follower,
      leaderContract: event.contract,
      leaderBefore: before,
      leaderAfter: after,
      firstOpeningFillOfOrder: firstOpening,
      connected: route !== undefined && accounts.connected(name),
      ordersBacklog: this.book.full(name),
      risk: this.deps.gate(name),
      tradeAlreadyCounted: counted,
      position: (goal ?? has) - kept,
      kept,
      elsewhere:
        follower.limits?.maxOpenContracts === undefined
          ? undefined
          : () => this.book.elsewhere(name, contract),
      mirror,
      hedge: this.hedge.sides(name, contract),
    });
    if (decision.covered !== 0) this.answers.counted(name, contract, event, decision.covered);
    if (decision.action === "skip" || !route) {
      const reason = decision.action === "skip" ? decision.reason : SKIP_REASONS.disconnected;
      const line = { group, name, leaderContract: event.contract, contract };
      if (route && !NOT_ACTED.has(reason) && this.answers.acts(follower, event, reason, before, after))
        actedOn(this.recording, line, after, goal, false);
      return skip(reason, decision.kind);
    }
    let delta = goal === undefined ? decision.delta : goal + decision.delta - has;
    const wait = goal !== undefined && this.exits.waitReason(name, contract, has, delta);
    if (wait) {
      // Never two exits of one line on their way, nor one sized from a stale position: it waits.
      const opens = decision.opening !== 0 ? event.orderId : undefined;
      this.exits.retarget(name, contract, goal + decision.delta, after, false, opens);
      return skip(wait, decision.kind);
    }
    const meta: OrderMeta = {
      group: group.name,
      follower: name,
      fillId,
      contract,
      kind: decision.kind,
      side: delta > 0 ? "Buy" : "Sell",
      startedAt: event.receivedAt,
      exit: goal === undefined ? decision.opening === 0 : reduces(has, delta),
      leaderContract: event.contract,
      leaderBefore: goal === undefined ? before : (this.exits.pendingFor(name, contract)?.base ?? before),
      leaderAfter: after,
      answering: mirror?.answering,
    };
    // Never sold more than held, nor beside its mirror being cancelled: what is not sure waits.
    if (goal === undefined) delta = this.unsure.now(meta, has, delta, decision.opening, event.orderId);
    if (delta === 0) return skip(this.unsure.why, decision.kind);
    const clOrdId = clOrdIdFor(fillId, route.accountId);
    if (!this.sender.send(route, meta, delta, clOrdId, decision.delta !== decision.opening))
      return skip(guard, decision.kind);
    return { type: "sent", meta, delta, clOrdId, goal, decision, opens: decision.opening !== 0 && !counted };
  }

  /** What follower reports, fills and order statuses work on (followerEvents): made once, as they come often. */
  private followerParts(): FollowerEventParts {
    if (this.parts) return this.parts;
    const { book, orders, watch, exits, answers, reconciler } = this;
    this.parts = { accounts: this.deps.accounts, book, orders, watch, exits, answers, reconciler };
    return this.parts;
  }

  private onSync(event: SyncEvent): void {
    const { leaders, dedupe, book, orders, exits, watch, reconciler, deps, lost } = this;
    applySync(event, { ...deps, leaders, dedupe, book, orders, exits, lost, watch, reconciler });
  }
}
