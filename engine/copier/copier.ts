import type { Follower, Group } from "../../data/schema.js";
import { clOrdIdFor } from "../orders/gateway.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import { mapContract } from "../symbols.js";
import type {
  BrokerEvent,
  CopyEvent,
  CopyKind,
  FillEvent,
  Logger,
  OrderResult,
  Side,
  SyncEvent,
} from "../types.js";
import { SKIP_REASONS, silentLogger } from "../types.js";
import { bustedFill } from "./bustedFill.js";
import { classify } from "./classify.js";
import { CountedTrades } from "./countedTrades.js";
import { COPY_REASONS, decide } from "./decide.js";
import { FillDedupe } from "./fillDedupe.js";
import { FollowerBook } from "./followerBook.js";
import { LeaderBook } from "./leaderBook.js";
import { type OrderMeta, OrderTracker } from "./orderTracker.js";
import type { CopierDeps } from "./ports.js";
import { planResync } from "./resyncPlan.js";
import { SyncWatch } from "./syncWatch.js";

export type { CopierAccounts, CopierDeps, FollowerGate } from "./ports.js";

/** What a copy reports besides the fields every CopyEvent has. */
type CopyFields = Omit<CopyEvent, "type" | "at" | "group" | "follower" | "fillId" | "contract">;

/**
 * Leader fills in, follower orders out. The path from a leader FillEvent to the last follower's
 * order write is synchronous: decisions for every follower are made and every order is handed to
 * the gateway (and flushed) before any event is emitted or any ack awaited.
 *
 * A coordinator over parts that each own their state: the fill dedupe (fills acted on), the leader
 * book (leader positions, opening orders), the follower book (follower positions, live orders),
 * the order tracker (what each live order is for, its story as events), counted trades, and the
 * sync watch (OUT OF SYNC lines). Who an account is comes from the account directory.
 *
 * Issue 18 plugs in at two seams of this class: exits that end rejected (the order tracker) go to a
 * part that owns pending exits and retries them; re-syncs (onSync) also run a reconcile beside the
 * sync watch that makes up missed exits.
 */
export class Copier {
  private readonly logger: Logger;
  private readonly dedupe: FillDedupe;
  private readonly leaders = new LeaderBook();
  private readonly book = new FollowerBook();
  private readonly orders: OrderTracker;
  private readonly counted = new CountedTrades();
  private readonly watch: SyncWatch;
  private resyncSeq = 0;

  constructor(private readonly deps: CopierDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.dedupe = new FillDedupe(deps.ledger);
    this.orders = new OrderTracker({
      clock: deps.clock,
      emit: deps.emit,
      gateway: deps.gateway,
      book: this.book,
      logger: this.logger,
    });
    this.watch = new SyncWatch({
      clock: deps.clock,
      emit: deps.emit,
      role: (name) => deps.accounts.role(name),
      leaderHeld: (leader) => this.leaders.held(leader),
      followerPosition: (follower, contract) => this.followerPosition(follower, contract),
    });
  }

  onBrokerEvent(event: BrokerEvent): void {
    try {
      switch (event.type) {
        case "fill":
          this.onFill(event);
          break;
        case "position": {
          const { position } = event;
          const name = this.deps.accounts.nameAt(event.connection, position.accountId);
          if (name === undefined || this.deps.accounts.role(name)?.kind !== "follower") break;
          this.book.report(name, position.contract, position.netPos, position.volume);
          this.watch.changed(name, position.contract);
          break;
        }
        case "orderStatus":
          this.orders.orderStatus(event);
          break;
        case "sync":
          this.onSync(event);
          break;
        case "fillBusted":
          bustedFill(event, { ...this.deps, leaders: this.leaders, watch: this.watch });
          break;
        default:
          break;
      }
    } catch (error) {
      // A malformed event is logged and skipped; the copier keeps running.
      this.logger.error("copier could not handle a broker event", {
        type: event.type,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The leader's net position in a contract as the copier tracks it (0 when unknown). */
  leaderPosition(leader: string, contract: string): number {
    return this.leaders.known(leader, contract) ?? 0;
  }

  /** A follower's position in its (mapped) contract: broker-reported plus in flight. */
  followerPosition(follower: string, contract: string): number {
    this.seedFollower(follower, contract);
    return this.book.position(follower, contract);
  }

  /** Send the difference between what the follower has and what the rule expects, per contract. */
  async resync(name: string): Promise<Outcome> {
    const { accounts } = this.deps;
    const role = accounts.role(name);
    if (role?.kind !== "follower") return { target: name, status: "refused", reason: REFUSALS.notFollower };
    const route = accounts.route(name);
    if (!route || !accounts.connected(name))
      return { target: name, status: "refused", reason: REFUSALS.disconnected };
    const { group, follower } = role;
    const lines = this.watch.lines(group, follower);
    if (lines.every((line) => line.inSync)) return { target: name, status: "in sync" };
    if (this.book.full(name)) return { target: name, status: "refused", reason: REFUSALS.ordersBacklog };
    const risk = this.deps.gate(name);
    const plan = planResync(lines, risk.state === "ACTIVE" && !risk.brokerLocked);
    const sent: Array<Promise<OrderResult>> = [];
    const startedAt = this.deps.clock.mono();
    for (const { contract, delta, exit } of plan.send) {
      this.resyncSeq += 1;
      const clOrdId = `mk-rs-${route.accountId}-${this.deps.clock.now().toString(36)}-${this.resyncSeq}`;
      const side: Side = delta > 0 ? "Buy" : "Sell";
      const meta: OrderMeta = {
        group: group.name,
        follower: name,
        fillId: 0,
        contract,
        kind: "resync",
        side,
        startedAt,
        exit,
      };
      if (exit) this.deps.beforeExit?.(name, contract); // issue 14: cancel before close
      const result = this.orders.send(route, meta, delta, clOrdId);
      if (!result) continue;
      sent.push(result);
      this.deps.emit(this.sentEvent(meta, delta, clOrdId, COPY_REASONS.resync));
    }
    const results = await Promise.all(sent);
    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0)
      return { target: name, status: "failed", sent: results.length, reason: `${failed} rejected` };
    if (plan.held.length > 0) {
      const why = risk.brokerLocked ? SKIP_REASONS.brokerLocked : risk.state;
      const held = plan.held.map((contract) => `${contract}: ${why}`).join(", ");
      return {
        target: name,
        status: "refused",
        sent: results.length,
        reason: `${REFUSALS.wouldOpen}: ${held}`,
      };
    }
    return { target: name, status: "resynced", sent: results.length };
  }

  // ------------------------------------------------------------------------------------------
  // Fills

  private onFill(event: FillEvent): void {
    const name = this.deps.accounts.nameAt(event.connection, event.accountId);
    if (name === undefined) return;
    if (!Number.isInteger(event.qty) || event.qty <= 0 || (event.side !== "Buy" && event.side !== "Sell")) {
      this.logger.warn("ignored a malformed fill", { account: name, fillId: event.fillId });
      return;
    }
    const role = this.deps.accounts.role(name);
    if (role?.kind === "leader") this.onLeaderFill(event, role.group);
    else if (role?.kind === "follower" && this.dedupe.firstFollowerFill(event.connection, event.fillId)) {
      this.seedFollower(name, event.contract);
      this.orders.followerFill(name, event);
      this.watch.changed(name, event.contract);
    }
  }

  private onLeaderFill(event: FillEvent, group: Group): void {
    // Marked before anything is sent: at most once, even if a send below throws.
    if (!this.dedupe.firstLeaderFill(event.connection, event.fillId)) return;
    const { leader } = group;
    const before = this.leaders.known(leader, event.contract) ?? this.unsyncedLeaderPosition(event, leader);
    const after = before + (event.side === "Buy" ? event.qty : -event.qty);
    const firstOpening = this.leaders.step(leader, event.contract, before, after, event.orderId);

    // Hot path: decide and write every follower's order first, report afterwards.
    const copies: CopyEvent[] = [];
    const openings: string[] = [];
    for (const follower of group.followers) {
      copies.push(this.copyTo(group, follower, event, before, after, firstOpening, openings));
    }
    this.deps.gateway.flush();
    this.deps.emit({
      type: "leaderFill",
      at: this.deps.clock.now(),
      group: group.name,
      leader,
      fillId: event.fillId,
      orderId: event.orderId,
      contract: event.contract,
      side: event.side,
      qty: event.qty,
      price: event.price,
      positionBefore: before,
      positionAfter: after,
    });
    for (const copy of copies) this.deps.emit(copy);
    for (const follower of openings) this.deps.onOpeningCopied?.(follower, event.orderId);
    for (const follower of group.followers) {
      this.watch.changed(follower.account, mapContract(event.contract, follower.mapping));
    }
  }

  /**
   * One follower's decision, and its order handed to the gateway (not yet flushed). A copy that
   * opens exposure on a leader order not yet counted for this follower adds it to `openings`.
   */
  private copyTo(
    group: Group,
    follower: Follower,
    event: FillEvent,
    before: number,
    after: number,
    firstOpening: boolean,
    openings: string[],
  ): CopyEvent {
    const { accounts } = this.deps;
    const name = follower.account;
    const contract = mapContract(event.contract, follower.mapping);
    if (accounts.isLeader(name))
      return this.leaderSkip(group, name, event.fillId, contract, classify(before, after));
    const route = accounts.route(name);
    const risk = this.deps.gate(name);
    const counted = this.counted.has(name, event.orderId);
    let decision = decide({
      gate: {
        groupActive: group.active,
        followerEnabled: follower.enabled,
        connected: route !== undefined && accounts.connected(name),
        ordersBacklog: this.book.full(name),
        state: risk.state,
        brokerLocked: risk.brokerLocked ?? false,
        whitelist: group.whitelist,
        leaderContract: event.contract,
        tradesLeft: risk.tradesLeft,
        tradeAlreadyCounted: counted,
      },
      sizing: follower.sizing,
      maxContracts: follower.maxContracts,
      leaderBefore: before,
      leaderAfter: after,
      follower: route ? this.followerPosition(name, contract) : 0,
      firstOpeningFillOfOrder: firstOpening,
    });
    if (decision.action === "skip" || !route) {
      const reason = decision.action === "skip" ? decision.reason : SKIP_REASONS.disconnected;
      return this.copyEvent(group.name, name, event.fillId, contract, {
        outcome: "skipped",
        kind: decision.kind,
        reason,
      });
    }
    // Issue 14: a follower whose own mirrored order answers this leader order gets no copy of
    // the fill, except a flip's opening half (its mirrored exit closes, the copy opens).
    if (this.deps.covers?.(name, event.orderId)) {
      if (decision.kind !== "flip" || decision.opening === 0) {
        const reason = SKIP_REASONS.mirrored;
        return this.copyEvent(group.name, name, event.fillId, contract, {
          outcome: "skipped",
          kind: decision.kind,
          reason,
        });
      }
      decision = { ...decision, kind: "open", delta: decision.opening };
    }
    const clOrdId = clOrdIdFor(event.fillId, route.accountId);
    const side: Side = decision.delta > 0 ? "Buy" : "Sell";
    const { fillId, receivedAt: startedAt } = event;
    const meta: OrderMeta = {
      group: group.name,
      follower: name,
      fillId,
      contract,
      kind: decision.kind,
      side,
      startedAt,
      exit: decision.opening === 0,
    };
    // Issue 14: cancel before close: the follower's working exits there go before the exit.
    if (decision.delta !== decision.opening) this.deps.beforeExit?.(name, contract);
    if (!this.orders.send(route, meta, decision.delta, clOrdId))
      return this.leaderSkip(group, name, fillId, contract, decision.kind);
    if (decision.opening !== 0 && !counted) {
      this.counted.add(name, event.orderId);
      openings.push(name);
    }
    return this.sentEvent(meta, decision.delta, clOrdId, decision.reason);
  }

  /** Skipped because the account is a leader (never offered to the gateway, or refused by it). */
  private leaderSkip(group: Group, name: string, fillId: number, contract: string, kind?: CopyKind) {
    const reason = SKIP_REASONS.leaderGuard;
    return this.copyEvent(group.name, name, fillId, contract, { outcome: "skipped", kind, reason });
  }

  // ------------------------------------------------------------------------------------------
  // Snapshots

  private onSync(event: SyncEvent): void {
    this.leaders.markSynced(event.connection);
    this.dedupe.history(event.connection, event.fillIds);
    for (const account of event.accounts) {
      const name = this.deps.accounts.nameAt(event.connection, account.id);
      const role = name === undefined ? undefined : this.deps.accounts.role(name);
      if (!role) continue;
      const positions = event.positions.filter((p) => p.accountId === account.id);
      if (role.kind === "leader") {
        this.leaders.reset(role.group.leader, positions);
        if (!event.initial) this.watch.leaderResynced(role.group);
      } else {
        this.orders.forget(this.book.resetAccount(role.follower.account, positions));
        if (!event.initial) this.watch.followerResynced(role.group, role.follower);
      }
    }
  }

  /** Before any snapshot of its connection, the session's cache is the best word on the leader. */
  private unsyncedLeaderPosition(event: FillEvent, leader: string): number {
    if (this.leaders.isSynced(event.connection)) return 0;
    const route = this.deps.accounts.route(leader);
    return route?.session.positions(route.accountId).find((p) => p.contract === event.contract)?.netPos ?? 0;
  }

  /** First look at a follower contract: start from the session's cache (once it can be reached). */
  private seedFollower(follower: string, contract: string): void {
    if (this.book.has(follower, contract)) return;
    const route = this.deps.accounts.route(follower);
    if (!route) return;
    const found = route.session.positions(route.accountId).find((p) => p.contract === contract);
    this.book.seed(follower, contract, found?.netPos ?? 0, found?.volume);
  }

  private sentEvent(meta: OrderMeta, delta: number, clOrdId: string, reason: string): CopyEvent {
    const { group, follower, fillId, contract, kind, side, startedAt } = meta;
    const latencyMs = this.deps.clock.mono() - startedAt;
    const qty = Math.abs(delta);
    return this.copyEvent(group, follower, fillId, contract, {
      outcome: "sent",
      kind,
      reason,
      side,
      qty,
      clOrdId,
      latencyMs,
    });
  }

  private copyEvent(
    group: string,
    follower: string,
    fillId: number,
    contract: string,
    fields: CopyFields,
  ): CopyEvent {
    return { type: "copy", at: this.deps.clock.now(), group, follower, fillId, contract, ...fields };
  }
}
