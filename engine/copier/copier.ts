import type { Config, Follower, Group } from "../../data/schema.js";
import { emptyConfig } from "../../data/schema.js";
import type { OrderGateway } from "../orders/gateway.js";
import { clOrdIdFor, LeaderGuardError } from "../orders/gateway.js";
import type { LatencyStage, LatencySummary } from "../orders/latency.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import { mapContract } from "../symbols.js";
import type {
  BrokerEvent,
  BrokerSession,
  Clock,
  CopyEvent,
  CopyKind,
  EngineEvent,
  FillBustedEvent,
  FillEvent,
  FillLedger,
  FollowerState,
  Logger,
  MonoMs,
  OrderResult,
  OrderStatusEvent,
  Side,
  SyncEvent,
  SyncStatusEvent,
} from "../types.js";
import { SKIP_REASONS, silentLogger } from "../types.js";
import { BoundedSet } from "./boundedSet.js";
import { classify } from "./classify.js";
import { COPY_REASONS, decide } from "./decide.js";
import { FollowerBook } from "./followerBook.js";
import { whitelisted } from "./gates.js";
import { expectedPosition } from "./sizing.js";

/** What risk says about a follower right now. */
export interface FollowerGate {
  state: FollowerState;
  brokerLocked?: boolean | undefined;
  /** Opening trades left today; undefined = no limit. */
  tradesLeft?: number | undefined;
}

export interface CopierDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  gateway: OrderGateway;
  resolve(accountName: string): { session: BrokerSession; accountId: number } | undefined;
  connected(accountName: string): boolean;
  gate(follower: string): FollowerGate;
  ledger: FillLedger;
  /** Called once per follower and leader order whose opening was copied (risk counts trades). */
  onOpeningCopied?(follower: string, leaderOrderId: number): void;
  logger?: Logger | undefined;
}

interface OrderMeta {
  group: string;
  follower: string;
  fillId: number;
  contract: string;
  kind: CopyKind;
  side: Side;
  startedAt: MonoMs;
}

const FILLS_REMEMBERED = 100_000;
const ORDERS_REMEMBERED = 10_000;
const REJECT_STATUSES = new Set(["Rejected", "Canceled", "Cancelled", "Expired"]);

const upper = (s: string) => s.toUpperCase();

/**
 * Leader fills in, follower orders out. The path from a leader FillEvent to the last follower's
 * order write is synchronous: decisions for every follower are made and every order is handed to
 * the gateway before any event is emitted or any ack awaited.
 */
export class Copier {
  private config: Config = emptyConfig();
  private leaderGroups = new Map<string, Group>();
  private followerRoles = new Map<string, { group: Group; follower: Follower }>();
  private readonly accountNames = new Map<string, string>();
  private readonly syncedConnections = new Set<string>();
  private readonly leaderPos = new Map<string, Map<string, number>>();
  private readonly openedOrders = new Map<string, Set<number>>();
  private readonly countedTrades = new Map<string, BoundedSet<number>>();
  private readonly seenLeaderFills = new BoundedSet<string>(FILLS_REMEMBERED);
  private readonly seenFollowerFills = new BoundedSet<string>(FILLS_REMEMBERED);
  private readonly book = new FollowerBook();
  private readonly orders = new Map<string, OrderMeta>();
  private readonly flagged = new Set<string>();
  private readonly logger: Logger;
  private resyncSeq = 0;

  constructor(
    private readonly deps: CopierDeps,
    config?: Config,
  ) {
    this.logger = deps.logger ?? silentLogger;
    if (config) this.setConfig(config);
  }

  /** Live reload: a toggled group or follower applies from the next fill on. */
  setConfig(config: Config): void {
    this.config = config;
    this.leaderGroups = new Map(config.groups.map((g) => [upper(g.leader), g]));
    this.followerRoles = new Map(
      config.groups.flatMap((group) =>
        group.followers.map((f) => [upper(f.account), { group, follower: f }]),
      ),
    );
    this.deps.gateway.setConfig(config);
  }

  onBrokerEvent(event: BrokerEvent): void {
    try {
      switch (event.type) {
        case "fill":
          this.onFill(event);
          break;
        case "position": {
          const name = this.accountName(event.connection, event.position.accountId);
          if (name && this.followerRoles.has(upper(name))) {
            this.book.report(name, event.position.contract, event.position.netPos, event.position.volume);
            this.refreshFlag(name, event.position.contract);
          }
          break;
        }
        case "orderStatus":
          this.onOrderStatus(event);
          break;
        case "sync":
          this.onSync(event);
          break;
        case "fillBusted":
          this.onFillBusted(event);
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
    return this.leaderPos.get(upper(leader))?.get(upper(contract)) ?? 0;
  }

  /** A follower's position in its (mapped) contract: broker-reported plus in flight. */
  followerPosition(follower: string, contract: string): number {
    this.seedFollower(follower, contract);
    return this.book.position(follower, contract);
  }

  latency(stage: LatencyStage = "written", follower?: string): LatencySummary {
    return this.deps.gateway.latency(stage, follower);
  }

  /** Has/expects for every follower and every contract its leader holds or held. */
  syncStatus(): SyncStatusEvent[] {
    return this.config.groups.flatMap((g) => g.followers.flatMap((f) => this.statusFor(g, f)));
  }

  /** Send the difference between what the follower has and what the rule expects, per contract. */
  async resync(followerName: string): Promise<Outcome> {
    const role = this.followerRoles.get(upper(followerName));
    if (!role) return { target: followerName, status: "refused", reason: REFUSALS.notFollower };
    const { group, follower } = role;
    const name = follower.account;
    const resolved = this.deps.resolve(name);
    if (!resolved || !this.deps.connected(name)) {
      return { target: name, status: "refused", reason: REFUSALS.disconnected };
    }
    const risk = this.deps.gate(name);
    const mayOpen = risk.state === "ACTIVE" && !risk.brokerLocked;
    const work = this.statusFor(group, follower).filter((s) => !s.inSync);
    if (work.length === 0) return { target: name, status: "in sync" };
    const refused: string[] = [];
    const sent: Array<Promise<OrderResult>> = [];
    const now = this.deps.clock.mono();
    for (const status of work) {
      const opens =
        Math.abs(status.expects) > Math.abs(status.has) || Math.sign(status.expects) * status.has < 0;
      if (opens && !mayOpen) {
        refused.push(`${status.contract}: ${risk.brokerLocked ? SKIP_REASONS.brokerLocked : risk.state}`);
        continue;
      }
      this.resyncSeq += 1;
      const clOrdId = `mk-rs-${resolved.accountId}-${this.deps.clock.now().toString(36)}-${this.resyncSeq}`;
      const delta = status.expects - status.has;
      const result = this.send(group, name, resolved, status.contract, delta, clOrdId, {
        fillId: 0,
        kind: "resync",
        reason: COPY_REASONS.resync,
        startedAt: now,
        exit: !opens,
      });
      if (result) sent.push(result);
    }
    const results = await Promise.all(sent);
    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0)
      return { target: name, status: "failed", sent: results.length, reason: `${failed} rejected` };
    if (refused.length > 0)
      return {
        target: name,
        status: "refused",
        sent: results.length,
        reason: `${REFUSALS.wouldOpen}: ${refused.join(", ")}`,
      };
    return { target: name, status: "resynced", sent: results.length };
  }

  // ------------------------------------------------------------------------------------------
  // Fills

  private onFill(event: FillEvent): void {
    const name = this.accountName(event.connection, event.accountId);
    if (!name) return;
    if (!Number.isInteger(event.qty) || event.qty <= 0 || (event.side !== "Buy" && event.side !== "Sell")) {
      this.logger.warn("ignored a malformed fill", { account: name, fillId: event.fillId });
      return;
    }
    const group = this.leaderGroups.get(upper(name));
    if (group) this.onLeaderFill(event, group);
    else if (this.followerRoles.has(upper(name))) this.onFollowerFill(event, name);
  }

  private onLeaderFill(event: FillEvent, group: Group): void {
    const key = `${event.connection}:${event.fillId}`;
    if (this.seenLeaderFills.has(key) || this.deps.ledger.has(key)) return;
    // Marked before anything is sent: at most once, even if a send below throws.
    this.seenLeaderFills.add(key);
    this.deps.ledger.add(key);

    const contract = upper(event.contract);
    const positions = this.leaderPositions(group.leader);
    const before = positions.get(contract) ?? this.unsyncedLeaderPosition(event, group.leader);
    const after = before + (event.side === "Buy" ? event.qty : -event.qty);
    positions.set(contract, after);

    const move = classify(before, after);
    const ordersKey = `${upper(group.leader)}|${contract}`;
    const opened = this.openedOrders.get(ordersKey) ?? new Set<number>();
    this.openedOrders.set(ordersKey, opened);
    const firstOpening = !opened.has(event.orderId);
    if (after === 0) opened.clear();
    else if (move === "open" || move === "add" || move === "flip") opened.add(event.orderId);

    // Hot path: decide and write every follower's order first, report afterwards.
    const copies: CopyEvent[] = [];
    const openings: string[] = [];
    for (const follower of group.followers) {
      const copy = this.copyTo(group, follower, event, before, after, firstOpening);
      copies.push(copy.event);
      if (copy.opened) openings.push(follower.account);
    }
    this.deps.gateway.flush();
    this.deps.emit({
      type: "leaderFill",
      at: this.deps.clock.now(),
      group: group.name,
      leader: group.leader,
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
      this.refreshFlag(follower.account, mapContract(event.contract, follower.mapping));
    }
  }

  private copyTo(
    group: Group,
    follower: Follower,
    event: FillEvent,
    before: number,
    after: number,
    firstOpening: boolean,
  ): { event: CopyEvent; opened: boolean } {
    const name = follower.account;
    const contract = mapContract(event.contract, follower.mapping);
    const skipped = (kind: CopyKind | undefined, reason: string) => ({
      event: this.copyEvent(group, name, event.fillId, contract, { outcome: "skipped", kind, reason }),
      opened: false,
    });
    if (this.leaderGroups.has(upper(name))) return skipped(classify(before, after), SKIP_REASONS.leaderGuard);
    const resolved = this.deps.resolve(name);
    const risk = this.deps.gate(name);
    const counted = this.countedTrades.get(upper(name))?.has(event.orderId) ?? false;
    const decision = decide({
      gate: {
        groupActive: group.active,
        followerEnabled: follower.enabled,
        connected: resolved !== undefined && this.deps.connected(name),
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
      follower: resolved ? this.followerPosition(name, contract) : 0,
      firstOpeningFillOfOrder: firstOpening,
    });
    if (decision.action === "skip" || !resolved) {
      return skipped(decision.kind, decision.action === "skip" ? decision.reason : SKIP_REASONS.disconnected);
    }
    const clOrdId = clOrdIdFor(event.fillId, resolved.accountId);
    const sent = this.send(group, name, resolved, contract, decision.delta, clOrdId, {
      fillId: event.fillId,
      kind: decision.kind,
      reason: decision.reason,
      startedAt: event.receivedAt,
      deferEvent: true,
      exit: decision.opening === 0,
    });
    if (!sent) return skipped(decision.kind, SKIP_REASONS.leaderGuard);
    const opened = decision.opening !== 0 && !counted;
    if (opened) this.countTrade(name, event.orderId);
    return {
      event: this.copyEvent(group, name, event.fillId, contract, {
        outcome: "sent",
        kind: decision.kind,
        reason: decision.reason,
        side: decision.delta > 0 ? "Buy" : "Sell",
        qty: Math.abs(decision.delta),
        clOrdId,
        latencyMs: this.deps.clock.mono() - event.receivedAt,
      }),
      opened,
    };
  }

  /**
   * Hand one order to the gateway and follow its result. Returns undefined when the gateway
   * refused it (leader guard or bad request), which it has already reported.
   */
  private send(
    group: Group,
    follower: string,
    resolved: { session: BrokerSession; accountId: number },
    contract: string,
    delta: number,
    clOrdId: string,
    info: {
      fillId: number;
      kind: CopyKind;
      reason: string;
      startedAt: MonoMs;
      deferEvent?: boolean;
      /** Only reduces or closes: may use the request budget kept for exits. */
      exit?: boolean;
    },
  ): Promise<OrderResult> | undefined {
    const side: Side = delta > 0 ? "Buy" : "Sell";
    this.book.sent(follower, contract, clOrdId, delta);
    let pending: Promise<OrderResult>;
    try {
      pending = this.deps.gateway.placeMarket({
        follower,
        accountId: resolved.accountId,
        accountName: follower,
        session: resolved.session,
        symbol: contract,
        side,
        qty: Math.abs(delta),
        clOrdId,
        startedAt: info.startedAt,
        exit: info.exit,
      });
    } catch (error) {
      this.book.failed(clOrdId);
      if (!(error instanceof LeaderGuardError)) {
        this.logger.error("order refused by the gateway", {
          follower,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return undefined;
    }
    this.remember(clOrdId, {
      group: group.name,
      follower,
      fillId: info.fillId,
      contract,
      kind: info.kind,
      side,
      startedAt: info.startedAt,
    });
    if (!info.deferEvent) {
      this.deps.emit(
        this.copyEvent(group, follower, info.fillId, contract, {
          outcome: "sent",
          kind: info.kind,
          reason: info.reason,
          side,
          qty: Math.abs(delta),
          clOrdId,
          latencyMs: this.deps.clock.mono() - info.startedAt,
        }),
      );
    }
    return pending.then((result) => {
      this.onResult(clOrdId, result);
      return result;
    });
  }

  private onResult(clOrdId: string, result: OrderResult): void {
    const meta = this.orders.get(clOrdId);
    if (!meta) return;
    const base = { kind: meta.kind, side: meta.side, clOrdId, latencyMs: result.ackAt - meta.startedAt };
    if (result.ok) {
      const early = this.book.acked(clOrdId, result.orderId);
      this.emitFor(meta, { outcome: "accepted", reason: "accepted", orderId: result.orderId, ...base });
      if (early !== 0) {
        this.emitFor(meta, { outcome: "filled", reason: "filled", qty: Math.abs(early), ...base });
      }
      if (!this.book.isPending(clOrdId)) this.orders.delete(clOrdId);
    } else {
      this.book.failed(clOrdId);
      this.orders.delete(clOrdId);
      const reason = result.failureText
        ? `${result.failureReason}: ${result.failureText}`
        : result.failureReason;
      this.emitFor(meta, { outcome: "rejected", reason, ...base });
      this.deps.emit({
        type: "alert",
        at: this.deps.clock.now(),
        level: "warn",
        message: `copy to ${meta.follower} rejected: ${reason}`,
        follower: meta.follower,
        group: meta.group,
      });
    }
  }

  private onFollowerFill(event: FillEvent, name: string): void {
    const key = `${event.connection}:${event.fillId}`;
    if (this.seenFollowerFills.has(key)) return;
    this.seenFollowerFills.add(key);
    this.seedFollower(name, event.contract);
    const signed = event.side === "Buy" ? event.qty : -event.qty;
    const mine = this.book.fill(name, event.contract, signed, {
      clOrdId: event.clOrdId,
      orderId: event.orderId,
    });
    const meta = mine === undefined ? undefined : this.orders.get(mine);
    if (mine !== undefined && meta) {
      this.deps.gateway.recordFill(meta.follower, meta.startedAt, event.receivedAt);
      this.emitFor(meta, {
        outcome: "filled",
        reason: "filled",
        kind: meta.kind,
        side: meta.side,
        qty: event.qty,
        clOrdId: mine,
        orderId: event.orderId,
        latencyMs: event.receivedAt - meta.startedAt,
      });
      if (!this.book.isPending(mine)) this.orders.delete(mine);
    }
    this.refreshFlag(name, event.contract);
  }

  private onOrderStatus(event: OrderStatusEvent): void {
    if (!REJECT_STATUSES.has(event.status)) return;
    const clOrdId = this.book.match(event.clOrdId, event.orderId);
    if (clOrdId === undefined) return;
    const meta = this.orders.get(clOrdId);
    this.book.failed(clOrdId);
    this.orders.delete(clOrdId);
    if (!meta) return;
    this.emitFor(meta, {
      outcome: "rejected",
      reason: event.rejectReason ?? event.status,
      kind: meta.kind,
      side: meta.side,
      clOrdId,
      orderId: event.orderId,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Snapshots and reconnects

  private onSync(event: SyncEvent): void {
    this.syncedConnections.add(event.connection);
    // Fills inside a snapshot are history: remembered so a late duplicate is never copied.
    for (const fillId of event.fillIds) this.seenLeaderFills.add(`${event.connection}:${fillId}`);
    for (const account of event.accounts) {
      this.accountNames.set(`${event.connection}:${account.id}`, account.name);
      const positions = event.positions.filter((p) => p.accountId === account.id);
      const group = this.leaderGroups.get(upper(account.name));
      if (group) {
        const mine = this.leaderPositions(group.leader);
        for (const contract of mine.keys()) mine.set(contract, 0);
        for (const p of positions) mine.set(upper(p.contract), p.netPos);
        if (!event.initial) this.flagLeaderGroup(group);
        continue;
      }
      const role = this.followerRoles.get(upper(account.name));
      if (role) {
        this.book.resetAccount(role.follower.account, positions);
        if (!event.initial) this.flagFollower(role.group, role.follower);
      }
    }
  }

  /** Leader came back: what it did while down was not copied; every follower needs a look. */
  private flagLeaderGroup(group: Group): void {
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "warn",
      message: `leader ${group.leader} reconnected: fills while it was down were not copied; check group "${group.name}"`,
      group: group.name,
    });
    for (const follower of group.followers) this.flagFollower(group, follower, true);
  }

  /** Emit has/expects for a follower after a re-sync; out-of-sync lines stay watched until fixed. */
  private flagFollower(group: Group, follower: Follower, all = false): void {
    for (const status of this.statusFor(group, follower)) {
      if (!status.inSync) this.flagged.add(`${upper(follower.account)}|${upper(status.contract)}`);
      if (all || !status.inSync) this.deps.emit(status);
    }
  }

  private refreshFlag(follower: string, contract: string): void {
    const key = `${upper(follower)}|${upper(contract)}`;
    if (!this.flagged.has(key)) return;
    const role = this.followerRoles.get(upper(follower));
    if (!role) {
      this.flagged.delete(key);
      return;
    }
    const status = this.statusFor(role.group, role.follower).find(
      (s) => upper(s.contract) === upper(contract),
    );
    if (!status || status.inSync) this.flagged.delete(key);
    this.deps.emit(
      status ?? {
        type: "syncStatus",
        at: this.deps.clock.now(),
        follower: role.follower.account,
        contract,
        has: 0,
        expects: 0,
        inSync: true,
      },
    );
  }

  private statusFor(group: Group, follower: Follower): SyncStatusEvent[] {
    const statuses: SyncStatusEvent[] = [];
    const seen = new Set<string>();
    for (const [leaderContract, leader] of this.leaderPositions(group.leader)) {
      const contract = mapContract(leaderContract, follower.mapping);
      if (seen.has(contract)) continue;
      seen.add(contract);
      const expects = whitelisted(group.whitelist, leaderContract)
        ? expectedPosition(follower.sizing, leader, follower.maxContracts)
        : 0;
      const has = this.followerPosition(follower.account, contract);
      if (has === 0 && expects === 0) continue;
      statuses.push({
        type: "syncStatus",
        at: this.deps.clock.now(),
        follower: follower.account,
        contract,
        has,
        expects,
        inSync: has === expects,
      });
    }
    return statuses;
  }

  /**
   * The broker busted a fill (issue 12 #6). A busted leader fill leaves the leader's position
   * without it while every follower's copy stands: the leader's position is corrected, and each
   * follower is reported and flagged out of sync (resync or fix by hand). A follower's own busted
   * fill only moves its broker position, which its next position report brings.
   */
  private onFillBusted(event: FillBustedEvent): void {
    const name = this.accountName(event.connection, event.accountId);
    const group = name ? this.leaderGroups.get(upper(name)) : undefined;
    if (!group) return;
    const positions = this.leaderPositions(group.leader);
    const contract = upper(event.contract);
    positions.set(contract, (positions.get(contract) ?? 0) - (event.side === "Buy" ? event.qty : -event.qty));
    const fill = `${event.side.toUpperCase()} ${event.qty} ${event.contract} @ ${event.price}`;
    for (const follower of group.followers) {
      const resolved = this.deps.resolve(follower.account);
      const copy = resolved ? ` (clOrdId ${clOrdIdFor(event.fillId, resolved.accountId)})` : "";
      this.deps.emit({
        type: "alert",
        at: this.deps.clock.now(),
        level: "warn",
        message: `busted leader fill ${event.fillId} (${fill}): ${follower.account}'s copy${copy}, if one was sent, stands; check ${follower.account} and resync it`,
        follower: follower.account,
        group: group.name,
      });
      this.flagFollower(group, follower, true);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Bookkeeping

  private accountName(connection: string, accountId: number): string | undefined {
    const key = `${connection}:${accountId}`;
    const known = this.accountNames.get(key);
    if (known) return known;
    for (const account of this.config.accounts) {
      if (account.connection !== connection) continue;
      const resolved = this.deps.resolve(account.name);
      if (resolved?.accountId === accountId) {
        this.accountNames.set(key, account.name);
        return account.name;
      }
    }
    return undefined;
  }

  private leaderPositions(leader: string): Map<string, number> {
    let positions = this.leaderPos.get(upper(leader));
    if (!positions) {
      positions = new Map();
      this.leaderPos.set(upper(leader), positions);
    }
    return positions;
  }

  /** Before any snapshot of its connection, the session's cache is the best word on the leader. */
  private unsyncedLeaderPosition(event: FillEvent, leader: string): number {
    if (this.syncedConnections.has(event.connection)) return 0;
    const resolved = this.deps.resolve(leader);
    const found = resolved?.session
      .positions(resolved.accountId)
      .find((p) => upper(p.contract) === upper(event.contract));
    return found?.netPos ?? 0;
  }

  /** First look at a follower contract: start from the session's cache (once it can be reached). */
  private seedFollower(follower: string, contract: string): void {
    if (this.book.has(follower, contract)) return;
    const resolved = this.deps.resolve(follower);
    if (!resolved) return;
    const found = resolved.session
      .positions(resolved.accountId)
      .find((p) => upper(p.contract) === upper(contract));
    this.book.seed(follower, contract, found?.netPos ?? 0, found?.volume);
  }

  private countTrade(follower: string, orderId: number): void {
    let counted = this.countedTrades.get(upper(follower));
    if (!counted) {
      counted = new BoundedSet(1000);
      this.countedTrades.set(upper(follower), counted);
    }
    counted.add(orderId);
  }

  private remember(clOrdId: string, meta: OrderMeta): void {
    this.orders.set(clOrdId, meta);
    if (this.orders.size > ORDERS_REMEMBERED) {
      const oldest = this.orders.keys().next();
      if (!oldest.done) this.orders.delete(oldest.value);
    }
  }

  private copyEvent(
    group: Group,
    follower: string,
    fillId: number,
    contract: string,
    fields: Omit<CopyEvent, "type" | "at" | "group" | "follower" | "fillId" | "contract">,
  ): CopyEvent {
    return {
      type: "copy",
      at: this.deps.clock.now(),
      group: group.name,
      follower,
      fillId,
      contract,
      ...fields,
    };
  }

  private emitFor(
    meta: OrderMeta,
    fields: Omit<CopyEvent, "type" | "at" | "group" | "follower" | "fillId" | "contract">,
  ): void {
    this.deps.emit({
      type: "copy",
      at: this.deps.clock.now(),
      group: meta.group,
      follower: meta.follower,
      fillId: meta.fillId,
      contract: meta.contract,
      ...fields,
    });
  }
}
