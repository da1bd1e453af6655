import type { Config } from "../../data/schema.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import {
  type BrokerEvent,
  type Clock,
  type EngineEvent,
  type FollowerRiskRecord,
  type FollowerState,
  type LockKind,
  type Logger,
  type OrderResult,
  type PositionSnapshot,
  type RiskStateStore,
  type RiskStatusEvent,
  SKIP_REASONS,
  silentLogger,
} from "../types.js";
import { flattenRetryDelay } from "./backoff.js";
import { type AccountRoute, FollowerRisk, type HeldPosition, type RiskGate } from "./followerRisk.js";
import { evaluateLimits, type LimitRoom, roomToLimits, tradesLeft } from "./limits.js";
import { lockManually, markFlat, roll, startLiquidation, unlock } from "./lockMachine.js";
import { dayPnl, netLiquidation } from "./netLiq.js";
import { DeferredSaves } from "./saveQueue.js";
import { nextRollAt, tradingDayOf } from "./tradingDay.js";

export type { AccountRoute, RiskGate } from "./followerRisk.js";

/** The order gateway's flatten side: the one exit for orders, which also refuses leaders itself. */
export interface Liquidator {
  cancel(follower: string, orderId: number): Promise<OrderResult>;
  liquidate(follower: string, contractId: number): Promise<OrderResult>;
}

export interface RiskEngineDeps {
  clock: Clock;
  store: RiskStateStore;
  emit(event: EngineEvent): void;
  /** The broker session and account id of an account name, once its session has synced. */
  resolve(accountName: string): AccountRoute | undefined;
  liquidator: Liquidator;
  logger?: Logger;
  /** Minimum spacing of RiskSnapshotEvents per follower (state changes are never held back). */
  snapshotIntervalMs?: number;
  /**
   * How long a rise of the high-water mark or a counted trade may wait before it is written
   * (bounds disk writes; default 1 s). Locks, unlocks and rolls are written at once.
   */
  highWaterSaveDelayMs?: number;
}

/** Everything the screen and `mimik status` show for one follower. */
export interface FollowerRiskView extends LimitRoom {
  follower: string;
  group: string | undefined;
  configured: boolean;
  state: FollowerState;
  lockKind: LockKind | undefined;
  lockReason: string | undefined;
  lockedAt: number | undefined;
  tradingDay: string | undefined;
  cashBalance: number | undefined;
  netLiq: number | undefined;
  startOfDayBalance: number | undefined;
  dayPnl: number | undefined;
  highWaterMark: number | undefined;
  tradesToday: number;
  brokerLocked: boolean;
  brokerAdminAction: string;
  /** A flatten is under way (LIQUIDATE_ONLY) and has made this many attempts. */
  flattenAttempts: number;
}

const UNKNOWN_GATE: RiskGate = Object.freeze({ state: "ACTIVE", brokerLocked: false });
const STATES: ReadonlySet<string> = new Set(["ACTIVE", "LIQUIDATE_ONLY", "LOCKED"]);

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function finite(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

/**
 * Per-follower risk: net liquidation, day P&L and high-water mark from broker events; limits
 * evaluated on every price and position change; breach → LIQUIDATE_ONLY → flatten → LOCKED;
 * manual flatten/lock/unlock; the 17:00 CT roll. Only followers of the current config are ever
 * targeted, and a name that is a leader anywhere is never one of them.
 *
 * Call start() before feeding events: it loads the persisted locks, high-water marks and
 * start-of-day balances.
 */
export class RiskEngine {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly snapshotIntervalMs: number;
  /** Followers with changes that may wait (trade counts, high-water marks), written together. */
  private readonly lazySaves: DeferredSaves<FollowerRisk>;
  /** Keyed by the config spelling (the hot path) and by upper case (manual commands). */
  private readonly byName = new Map<string, FollowerRisk>();
  private readonly byKey = new Map<string, FollowerRisk>();
  private leaders = new Set<string>();
  private readonly byRoute = new Map<string, Map<number, FollowerRisk>>();
  private readonly prices = new Map<string, Map<number, number>>();
  private readonly subscribed = new Set<string>();
  private tradingDay: string;
  private rollAt: number;
  private rollTimer: unknown;
  private started = false;

  constructor(private readonly deps: RiskEngineDeps) {
    this.clock = deps.clock;
    this.logger = deps.logger ?? silentLogger;
    this.snapshotIntervalMs = deps.snapshotIntervalMs ?? 250;
    this.lazySaves = new DeferredSaves(this.clock, deps.highWaterSaveDelayMs ?? 1_000, (followers) =>
      this.saveTogether(followers),
    );
    const now = this.clock.now();
    this.tradingDay = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle and config

  /** Load persisted state, apply any roll missed while stopped, schedule the next roll. */
  async start(): Promise<void> {
    if (this.started) return;
    let saved: Record<string, FollowerRiskRecord> = {};
    try {
      saved = this.deps.store.read().followers ?? {};
    } catch (err) {
      this.alert("error", `risk: could not read saved risk state (${errorText(err)}); starting without it`);
    }
    for (const [name, record] of Object.entries(saved)) {
      const f = this.followerFor(name);
      f.record = this.sanitize(name, record);
    }
    const now = this.clock.now();
    this.tradingDay = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
    for (const f of this.byKey.values()) {
      if (f.record.tradingDay !== undefined && f.record.tradingDay !== this.tradingDay) this.rollFollower(f);
      this.refresh(f);
    }
    this.started = true;
    this.scheduleRoll();
    this.reindex();
    for (const f of this.byKey.values()) this.recompute(f);
    this.resumeFlattens();
  }

  /** Stop timers and write what is pending. Flattens in progress resume at the next start(). */
  async stop(): Promise<void> {
    this.started = false;
    this.clock.clearTimeout(this.rollTimer);
    this.rollTimer = undefined;
    for (const f of this.byKey.values()) {
      this.clearFlattenTimer(f);
      this.clock.clearTimeout(f.snapshotTimer);
      f.snapshotTimer = undefined;
    }
    await this.lazySaves.flush();
  }

  /** Which accounts are followers (and which are leaders, never to be touched), and their limits. */
  setConfig(config: Config): void {
    this.leaders = new Set(config.groups.map((g) => g.leader.toUpperCase()));
    const seen = new Set<string>();
    for (const group of config.groups) {
      for (const fc of group.followers) {
        const key = fc.account.toUpperCase();
        if (this.leaders.has(key) || seen.has(key)) continue;
        seen.add(key);
        const f = this.followerFor(fc.account);
        f.group = group.name;
        f.limits = fc.limits ?? {};
        f.configured = true;
      }
    }
    for (const f of this.byKey.values()) {
      if (!seen.has(f.name.toUpperCase())) {
        f.configured = false;
        f.group = undefined;
        f.route = undefined;
        this.clearFlattenTimer(f);
      }
      this.updateEffectiveLimits(f);
      this.refresh(f);
    }
    this.reindex();
    for (const f of this.byKey.values()) this.recompute(f);
    if (this.started) this.resumeFlattens();
  }

  /** Configured followers, of one group or of all groups: the targets of `F` and `!`. */
  followers(group?: string): string[] {
    const names: string[] = [];
    for (const f of this.byKey.values()) {
      if (!f.configured) continue;
      if (group === undefined || f.group?.toUpperCase() === group.toUpperCase()) names.push(f.name);
    }
    return names;
  }

  // -------------------------------------------------------------------------------------------
  // Hot path

  /** O(1), allocation-free: the same frozen object until something in it changes. */
  gate(follower: string): RiskGate {
    if (this.clock.now() >= this.rollAt) this.rollOver();
    const f = this.byName.get(follower) ?? this.byKey.get(follower.toUpperCase());
    return f ? f.gate : UNKNOWN_GATE;
  }

  /** The copier sent an opening copy to this follower (counts toward maxTradesPerDay). */
  recordOpening(follower: string): void {
    const f = this.byName.get(follower) ?? this.byKey.get(follower.toUpperCase());
    if (!f) return;
    if (this.clock.now() >= this.rollAt) this.rollOver();
    f.record.tradesToday = (f.record.tradesToday ?? 0) + 1;
    this.refresh(f);
    // Lazily: a crash may forget the last second's count, never a lock (locks save at once).
    this.saveSoon(f);
    if (f.gate.tradesLeft === 0 && !f.tradesAlerted) {
      f.tradesAlerted = true;
      this.alert(
        "info",
        `${f.name}: ${SKIP_REASONS.maxTrades} reached; openings skipped until the 17:00 CT roll`,
        f,
      );
    }
    this.snapshotSoon(f, false);
  }

  // -------------------------------------------------------------------------------------------
  // Broker events

  onBrokerEvent(event: BrokerEvent): void {
    try {
      switch (event.type) {
        case "balance": {
          const f = this.routed(event.connection, event.accountId);
          if (!f) return;
          if (!finite(event.amount)) {
            this.logger.warn("risk: balance without a number ignored", { follower: f.name });
            return;
          }
          f.cash = event.amount;
          this.recompute(f);
          return;
        }
        case "position": {
          const f = this.routed(event.connection, event.position.accountId);
          if (!f) return;
          this.applyPosition(f, event.position);
          this.recompute(f);
          if (f.record.state === "LIQUIDATE_ONLY" && f.flatten.attempt > 0 && f.isFlat()) this.lockFlat(f);
          return;
        }
        case "quote": {
          if (!finite(event.price)) return;
          let prices = this.prices.get(event.connection);
          if (!prices) {
            prices = new Map();
            this.prices.set(event.connection, prices);
          }
          prices.set(event.contractId, event.price);
          const accounts = this.byRoute.get(event.connection);
          if (!accounts) return;
          for (const f of accounts.values()) {
            const p = f.positions.get(event.contractId);
            if (!p || p.netPos === 0) continue;
            p.price = event.price;
            this.recompute(f);
          }
          return;
        }
        case "riskStatus": {
          const f = this.routed(event.connection, event.accountId);
          if (f) this.applyBrokerRisk(f, event);
          return;
        }
        case "sync":
          this.onSync(event.connection, event.positions);
          return;
        case "connection":
          if (event.state === "connected") this.reindex();
          return;
        default:
          return;
      }
    } catch (err) {
      this.logger.error("risk: broker event not applied", { type: event.type, error: errorText(err) });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Manual actions

  /** Flatten and lock each named follower (same path as a breach). Leaders and unknown names are refused. */
  flattenAndLock(followers: string[], reason = "manual"): Promise<Outcome[]> {
    return Promise.all(
      followers.map(async (name): Promise<Outcome> => {
        const f = this.target(name);
        if (typeof f === "string") return { target: name, status: "refused", reason: f };
        if (f.record.state === "LIQUIDATE_ONLY")
          return { target: f.name, status: "liquidating", reason: "already liquidating" };
        return this.breach(f, "manual", reason);
      }),
    );
  }

  /** Lock without flattening: openings stop, the position stays and its closes are still copied. */
  async lock(follower: string, reason = "manual"): Promise<Outcome> {
    const f = this.target(follower);
    if (typeof f === "string") return { target: follower, status: "refused", reason: f };
    const before = f.record;
    f.record = lockManually(f.record, reason, this.clock.now());
    if (f.record === before)
      return { target: f.name, status: "already locked", reason: before.lockReason ?? before.lockKind };
    this.refresh(f);
    this.snapshotSoon(f, true);
    this.alert("warn", `${f.name}: locked (${reason})`, f);
    try {
      await f.saves.save();
    } catch (err) {
      this.saveFailed(f, err);
      return { target: f.name, status: "locked", reason, saved: false };
    }
    return { target: f.name, status: "locked", reason };
  }

  /** Unlock by hand; refused while still past the trailing floor or a daily limit unless forced. */
  async unlock(follower: string, options: { force?: boolean } = {}): Promise<Outcome> {
    const f = this.byKey.get(follower.toUpperCase());
    if (!f) return { target: follower, status: "refused", reason: REFUSALS.notFollower };
    const wasState = f.record.state;
    const outcome = unlock(f.record, {
      force: options.force === true,
      limits: f.limits,
      netLiq: f.cash === undefined ? undefined : f.netLiq,
    });
    if (!outcome.ok) return { target: f.name, status: "refused", reason: outcome.message };
    if (wasState === "ACTIVE") return { target: f.name, status: "already active" };
    this.clearFlattenTimer(f);
    f.record = outcome.record;
    if (outcome.waiveDailyLimits) f.waivedDay = this.tradingDay;
    this.updateEffectiveLimits(f);
    this.refresh(f);
    this.alert("info", `${f.name}: ${outcome.message}${options.force ? " (forced)" : ""}`, f);
    let saved = true;
    try {
      await f.saves.save();
    } catch (err) {
      saved = false;
      this.saveFailed(f, err);
    }
    this.recompute(f);
    this.snapshotSoon(f, true);
    const notes = outcome.notes.length > 0 ? outcome.notes.join("; ") : undefined;
    return { target: f.name, status: "unlocked", reason: notes, ...(saved ? {} : { saved: false }) };
  }

  snapshot(follower: string): FollowerRiskView | undefined {
    const f = this.byKey.get(follower.toUpperCase());
    return f ? this.view(f) : undefined;
  }

  snapshots(): FollowerRiskView[] {
    return [...this.byKey.values()].map((f) => this.view(f));
  }

  // -------------------------------------------------------------------------------------------
  // Valuation and limits

  private recompute(f: FollowerRisk): void {
    // Before start() the saved record is not loaded yet: a save now would overwrite a saved lock.
    if (!this.started || !f.configured || f.cash === undefined) return;
    if (this.clock.now() >= this.rollAt) this.rollOver();
    const { netLiq } = netLiquidation(f.cash, f.positions.values());
    f.netLiq = netLiq;
    const r = f.record;
    let changed = false;
    if (r.tradingDay !== this.tradingDay) {
      f.record = roll(r, { tradingDay: this.tradingDay, limits: f.limits, netLiq });
      changed = true;
    } else if (r.startOfDayBalance === undefined) {
      r.startOfDayBalance = netLiq;
      changed = true;
    }
    if (f.record.highWaterMark === undefined || netLiq > f.record.highWaterMark) {
      f.record.highWaterMark = netLiq;
      if (!changed) this.saveSoon(f);
    }
    if (changed) {
      this.refresh(f);
      this.saveQuietly(f);
    }
    if (f.record.state === "ACTIVE") {
      const verdict = evaluateLimits(f.effectiveLimits, {
        netLiq,
        startOfDayBalance: f.record.startOfDayBalance ?? netLiq,
        highWaterMark: f.record.highWaterMark ?? netLiq,
        tradesToday: f.record.tradesToday ?? 0,
      });
      if (verdict.breach) {
        void this.breach(f, verdict.kind, verdict.reason);
        return;
      }
    }
    this.snapshotSoon(f, false);
  }

  private applyPosition(f: FollowerRisk, snap: PositionSnapshot): void {
    if (!finite(snap.netPos) || !finite(snap.contractId)) {
      this.logger.warn("risk: position without numbers ignored", { follower: f.name });
      return;
    }
    const session = f.route?.session;
    let p = f.positions.get(snap.contractId);
    if (!p) {
      p = {
        contractId: snap.contractId,
        contract: snap.contract,
        netPos: 0,
        netPrice: undefined,
        price: undefined,
        pointValue: undefined,
        pointValueAsked: false,
      };
      f.positions.set(snap.contractId, p);
    }
    p.netPos = snap.netPos;
    p.netPrice = finite(snap.netPrice) ? snap.netPrice : undefined;
    const connection = session?.connection;
    p.price =
      (connection === undefined ? undefined : this.prices.get(connection)?.get(snap.contractId)) ??
      session?.lastPrice(snap.contractId) ??
      p.price;
    if (p.netPos === 0 || !session) return;
    if (p.pointValue === undefined) this.findPointValue(f, p);
    const key = `${session.connection}|${p.contract}`;
    if (!this.subscribed.has(key)) {
      this.subscribed.add(key);
      session.subscribeQuotes(p.contract);
    }
  }

  private findPointValue(f: FollowerRisk, p: HeldPosition): void {
    const session = f.route?.session;
    if (!session) return;
    const known = session.contractById(p.contractId)?.pointValue;
    if (finite(known)) {
      p.pointValue = known;
      return;
    }
    if (p.pointValueAsked) return;
    p.pointValueAsked = true;
    session.findContract(p.contract).then(
      (spec) => {
        if (spec && finite(spec.pointValue)) {
          p.pointValue = spec.pointValue;
          this.recompute(f);
        } else {
          this.alert("warn", `${f.name}: no point value for ${p.contract}; its open P&L counts as 0`, f);
        }
      },
      (err: unknown) => {
        p.pointValueAsked = false;
        this.logger.warn("risk: contract lookup failed", { contract: p.contract, error: errorText(err) });
      },
    );
  }

  private applyBrokerRisk(f: FollowerRisk, event: RiskStatusEvent): void {
    const was = f.broker;
    if (was.locked === event.locked && was.liquidateOnly === event.liquidateOnly) {
      f.broker = { ...was, adminAction: event.adminAction };
      return;
    }
    f.broker = { locked: event.locked, liquidateOnly: event.liquidateOnly, adminAction: event.adminAction };
    this.refresh(f);
    const what = event.locked ? "locked" : event.liquidateOnly ? "liquidation-only" : "cleared";
    this.alert(
      event.locked || event.liquidateOnly ? "warn" : "info",
      `${f.name}: Tradovate risk status ${what} (${event.adminAction})`,
      f,
    );
  }

  private onSync(connection: string, positions: PositionSnapshot[]): void {
    this.reindex();
    const accounts = this.byRoute.get(connection);
    if (!accounts) return;
    for (const [accountId, f] of accounts) {
      // The snapshot is the whole truth for this account: contracts it does not list are flat.
      for (const p of f.positions.values()) p.netPos = 0;
      for (const snap of positions) if (snap.accountId === accountId) this.applyPosition(f, snap);
      const cash = f.route?.session.cashBalance(accountId)?.amount;
      if (finite(cash)) f.cash = cash;
      this.recompute(f);
      if (f.record.state === "LIQUIDATE_ONLY" && f.flatten.attempt > 0 && f.isFlat()) this.lockFlat(f);
    }
    if (this.started) this.resumeFlattens();
  }

  // -------------------------------------------------------------------------------------------
  // Breach and flatten

  private async breach(f: FollowerRisk, kind: LockKind, reason: string): Promise<Outcome> {
    f.record = startLiquidation(f.record, kind, reason, this.clock.now());
    this.clearFlattenTimer(f);
    this.refresh(f);
    this.snapshotSoon(f, true);
    this.alert("warn", `${f.name}: ${f.record.lockReason ?? reason}: liquidate only, flattening`, f);
    // The lock must be on disk before the first order leaves, so a crash cannot forget it.
    let saved = true;
    try {
      await f.saves.save();
    } catch (err) {
      saved = false;
      this.saveFailed(f, err);
    }
    const outcome = await this.flattenOnce(f);
    return saved ? outcome : { ...outcome, saved: false };
  }

  private async flattenOnce(f: FollowerRisk): Promise<Outcome> {
    if (f.flatten.inFlight) return { target: f.name, status: "liquidating", reason: "flatten in progress" };
    if (!this.mayTarget(f) || f.record.state !== "LIQUIDATE_ONLY")
      return { target: f.name, status: "refused", reason: REFUSALS.notFollower };
    this.clearFlattenTimer(f);
    f.flatten.attempt++;
    f.flatten.inFlight = true;
    const failures: string[] = [];
    let sent = 0;
    try {
      const route = f.route ?? this.resolveFollower(f);
      if (!route) failures.push("not connected");
      else {
        for (const snap of route.session.positions(route.accountId)) this.applyPosition(f, snap);
        const orders = route.session.workingOrders(route.accountId);
        const open = f.openPositions();
        sent = orders.length + open.length;
        const { liquidator } = this.deps;
        const results = await Promise.all([
          ...orders.map((o) =>
            this.attempt(`cancel order ${o.orderId}`, () => liquidator.cancel(f.name, o.orderId)),
          ),
          ...open.map((p) =>
            this.attempt(`liquidate ${p.contract}`, () => liquidator.liquidate(f.name, p.contractId)),
          ),
        ]);
        for (const r of results) if (r !== undefined) failures.push(r);
      }
    } finally {
      f.flatten.inFlight = false;
    }
    if (f.record.state !== "LIQUIDATE_ONLY")
      return f.record.state === "LOCKED"
        ? { target: f.name, status: "locked", sent }
        : { target: f.name, status: "failed", sent, reason: "unlocked by hand during the flatten" };
    if (!this.mayTarget(f))
      return { target: f.name, status: "failed", sent, reason: "no longer a follower; flatten stopped" };
    if (failures.length === 0 && f.isFlat()) {
      this.lockFlat(f);
      return { target: f.name, status: "locked", sent };
    }
    const delay = this.scheduleFlattenRetry(f);
    const retry = `retry ${f.flatten.attempt + 1} in ${Math.round(delay / 1000)} s`;
    if (failures.length) {
      this.alert("error", `${f.name}: flatten failed (${failures.join("; ")}); ${retry}`, f);
      return { target: f.name, status: "failed", sent, reason: failures.join("; "), retryInMs: delay };
    }
    if (f.flatten.attempt > 1) this.alert("warn", `${f.name}: still not flat after flatten; ${retry}`, f);
    return { target: f.name, status: "liquidating", sent };
  }

  /** One gateway call as a failure description, or undefined when the broker accepted it. */
  private async attempt(what: string, call: () => Promise<OrderResult>): Promise<string | undefined> {
    try {
      const r = await call();
      if (r.ok) return undefined;
      return `${what}: ${r.failureReason}${r.failureText ? ` (${r.failureText})` : ""}`;
    } catch (err) {
      return `${what}: ${errorText(err)}`;
    }
  }

  private scheduleFlattenRetry(f: FollowerRisk): number {
    const now = this.clock.now();
    const blockedUntil = f.route?.session.rateBudget().blockedUntil;
    const delay = Math.max(
      flattenRetryDelay(f.flatten.attempt),
      finite(blockedUntil) ? blockedUntil - now : 0,
    );
    f.flatten.timer = this.clock.setTimeout(() => {
      f.flatten.timer = undefined;
      void this.flattenOnce(f);
    }, delay);
    return delay;
  }

  private clearFlattenTimer(f: FollowerRisk): void {
    if (f.flatten.timer !== undefined) this.clock.clearTimeout(f.flatten.timer);
    f.flatten.timer = undefined;
  }

  private lockFlat(f: FollowerRisk): void {
    if (f.record.state !== "LIQUIDATE_ONLY") return;
    this.clearFlattenTimer(f);
    f.flatten.attempt = 0;
    f.record = markFlat(f.record, this.tradingDay);
    this.refresh(f);
    this.snapshotSoon(f, true);
    this.saveQuietly(f);
    this.alert(
      "info",
      f.record.state === "LOCKED"
        ? `${f.name}: flat, LOCKED (${f.record.lockReason ?? f.record.lockKind})`
        : `${f.name}: flat; its daily lock was cleared at the roll, ACTIVE`,
      f,
    );
  }

  /** After a restart, a reconnect or a config change: carry on flattens that did not finish. */
  private resumeFlattens(): void {
    for (const f of this.byKey.values()) {
      if (f.record.state !== "LIQUIDATE_ONLY" || !this.mayTarget(f) || !f.route) continue;
      if (f.flatten.inFlight || f.flatten.timer !== undefined) continue;
      void this.flattenOnce(f);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The trading day

  private scheduleRoll(): void {
    this.clock.clearTimeout(this.rollTimer);
    if (!this.started) return;
    const wait = Math.max(0, this.rollAt - this.clock.now());
    this.rollTimer = this.clock.setTimeout(() => {
      this.rollTimer = undefined;
      if (this.clock.now() >= this.rollAt) this.rollOver();
      else this.scheduleRoll();
    }, wait);
  }

  private rollOver(): void {
    const now = this.clock.now();
    this.tradingDay = tradingDayOf(now);
    this.rollAt = nextRollAt(now);
    for (const f of this.byKey.values()) {
      if (f.record.tradingDay !== undefined && f.record.tradingDay !== this.tradingDay) this.rollFollower(f);
    }
    this.scheduleRoll();
    this.logger.info("risk: trading day rolled", { tradingDay: this.tradingDay });
  }

  private rollFollower(f: FollowerRisk): void {
    const netLiq = f.configured && f.cash !== undefined ? f.netLiq : undefined;
    f.record = roll(f.record, { tradingDay: this.tradingDay, limits: f.limits, netLiq });
    f.waivedDay = undefined;
    f.tradesAlerted = false;
    this.updateEffectiveLimits(f);
    this.refresh(f);
    this.saveQuietly(f);
    this.snapshotSoon(f, true);
  }

  // -------------------------------------------------------------------------------------------
  // Routing

  private routed(connection: string, accountId: number): FollowerRisk | undefined {
    return this.byRoute.get(connection)?.get(accountId);
  }

  private reindex(): void {
    this.byRoute.clear();
    for (const f of this.byKey.values()) {
      if (!f.configured) continue;
      const before = f.route;
      const route = this.resolveFollower(f);
      if (!route) continue;
      let accounts = this.byRoute.get(route.session.connection);
      if (!accounts) {
        accounts = new Map();
        this.byRoute.set(route.session.connection, accounts);
      }
      accounts.set(route.accountId, f);
      if (before?.session === route.session && before.accountId === route.accountId) continue;
      for (const snap of route.session.positions(route.accountId)) this.applyPosition(f, snap);
      const cash = route.session.cashBalance(route.accountId)?.amount;
      if (finite(cash)) f.cash = cash;
    }
  }

  private resolveFollower(f: FollowerRisk): AccountRoute | undefined {
    if (!this.mayTarget(f)) return undefined;
    try {
      f.route = this.deps.resolve(f.name);
    } catch (err) {
      f.route = undefined;
      this.logger.warn("risk: could not resolve account", { follower: f.name, error: errorText(err) });
    }
    return f.route;
  }

  /** Only followers of the current config, and never a name that leads a group. */
  private mayTarget(f: FollowerRisk): boolean {
    return f.configured && !this.leaders.has(f.name.toUpperCase());
  }

  /** A follower a manual action may act on, or the reason it may not. */
  private target(name: string): FollowerRisk | string {
    const key = name.toUpperCase();
    if (this.leaders.has(key)) return REFUSALS.leader;
    const f = this.byKey.get(key);
    if (!f || !this.mayTarget(f)) return REFUSALS.notFollower;
    return f;
  }

  private followerFor(name: string): FollowerRisk {
    const key = name.toUpperCase();
    let f = this.byKey.get(key);
    if (!f) {
      f = new FollowerRisk(name, (x) => this.deps.store.saveFollower(x.name, { ...x.record }));
      this.byKey.set(key, f);
    } else if (f.name !== name) {
      this.byName.delete(f.name);
      f.name = name;
    }
    this.byName.set(name, f);
    return f;
  }

  // -------------------------------------------------------------------------------------------
  // State, gate, events, persistence

  private sanitize(name: string, record: FollowerRiskRecord): FollowerRiskRecord {
    if (record && typeof record === "object" && STATES.has(record.state)) return { ...record };
    this.alert("error", `${name}: saved risk state unreadable; locked until unlocked by hand`);
    return { state: "LOCKED", lockKind: "manual", lockReason: "saved risk state unreadable" };
  }

  private updateEffectiveLimits(f: FollowerRisk): void {
    f.effectiveLimits =
      f.waivedDay === this.tradingDay
        ? { ...f.limits, dailyLoss: undefined, dailyProfitTarget: undefined }
        : f.limits;
  }

  /** Rebuild the gate and announce a change of the shown state. */
  private refresh(f: FollowerRisk): void {
    const state = f.record.state;
    const brokerLocked = f.broker.locked || f.broker.liquidateOnly;
    const left = tradesLeft(f.limits, f.record.tradesToday ?? 0);
    const g = f.gate;
    if (g.state !== state || g.brokerLocked !== brokerLocked || g.tradesLeft !== left)
      f.gate = Object.freeze({ state, brokerLocked, tradesLeft: left });

    let shownState: FollowerState = state;
    let reason = state === "ACTIVE" ? undefined : f.record.lockReason;
    if (state === "ACTIVE" && f.broker.locked) {
      shownState = "LOCKED";
      reason = SKIP_REASONS.brokerLocked;
    } else if (state === "ACTIVE" && f.broker.liquidateOnly) {
      shownState = "LIQUIDATE_ONLY";
      reason = SKIP_REASONS.brokerLocked;
    }
    if (f.shown.state === shownState && f.shown.reason === reason) return;
    f.shown = { state: shownState, reason };
    this.deps.emit({
      type: "followerState",
      at: this.clock.now(),
      follower: f.name,
      state: shownState,
      reason,
    });
  }

  private snapshotSoon(f: FollowerRisk, now: boolean): void {
    if (f.netLiq === undefined) return;
    const t = this.clock.now();
    const wait = f.lastSnapshotAt + this.snapshotIntervalMs - t;
    if (now || wait <= 0) {
      this.clock.clearTimeout(f.snapshotTimer);
      f.snapshotTimer = undefined;
      this.emitSnapshot(f);
    } else if (f.snapshotTimer === undefined) {
      f.snapshotTimer = this.clock.setTimeout(() => {
        f.snapshotTimer = undefined;
        this.emitSnapshot(f);
      }, wait);
    }
  }

  private emitSnapshot(f: FollowerRisk): void {
    const netLiq = f.netLiq;
    if (netLiq === undefined) return;
    f.lastSnapshotAt = this.clock.now();
    const figures = this.figures(f, netLiq);
    const room = roomToLimits(f.limits, figures);
    this.deps.emit({
      type: "risk",
      at: f.lastSnapshotAt,
      follower: f.name,
      netLiq,
      dayPnl: dayPnl(netLiq, figures.startOfDayBalance),
      highWaterMark: figures.highWaterMark,
      roomDaily: room.roomDaily,
      roomTrailing: room.roomTrailing,
      tradesToday: figures.tradesToday,
    });
  }

  private figures(f: FollowerRisk, netLiq: number) {
    return {
      netLiq,
      startOfDayBalance: f.record.startOfDayBalance ?? netLiq,
      highWaterMark: f.record.highWaterMark ?? netLiq,
      tradesToday: f.record.tradesToday ?? 0,
    };
  }

  private view(f: FollowerRisk): FollowerRiskView {
    const netLiq = f.cash === undefined ? undefined : f.netLiq;
    const r = f.record;
    const room: LimitRoom =
      netLiq === undefined
        ? { tradesLeft: tradesLeft(f.limits, r.tradesToday ?? 0) }
        : roomToLimits(f.limits, this.figures(f, netLiq));
    return {
      ...room,
      follower: f.name,
      group: f.group,
      configured: f.configured,
      state: r.state,
      lockKind: r.lockKind,
      lockReason: r.lockReason,
      lockedAt: r.lockedAt,
      tradingDay: r.tradingDay,
      cashBalance: f.cash,
      netLiq,
      startOfDayBalance: r.startOfDayBalance,
      dayPnl:
        netLiq !== undefined && r.startOfDayBalance !== undefined
          ? dayPnl(netLiq, r.startOfDayBalance)
          : undefined,
      highWaterMark: r.highWaterMark,
      tradesToday: r.tradesToday ?? 0,
      brokerLocked: f.gate.brokerLocked,
      brokerAdminAction: f.broker.adminAction,
      flattenAttempts: f.flatten.attempt,
    };
  }

  private saveSoon(f: FollowerRisk): void {
    this.lazySaves.mark(f);
  }

  private saveQuietly(f: FollowerRisk): void {
    // This write carries the whole record, so whatever was waiting for the lazy save is in it.
    this.lazySaves.forget(f);
    f.saves.save().catch((err: unknown) => this.saveFailed(f, err));
  }

  /** The lazy saves: one write for all of them when the store can, else one per follower. */
  private async saveTogether(followers: FollowerRisk[]): Promise<void> {
    const { store } = this.deps;
    if (followers.length > 1 && store.saveFollowers) {
      const records: Record<string, FollowerRiskRecord> = {};
      for (const f of followers) records[f.name] = { ...f.record };
      try {
        await store.saveFollowers(records);
      } catch (err) {
        const names = followers.map((f) => f.name);
        this.alert(
          "error",
          `could not save risk state of ${names.length} followers (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}): ${errorText(err)}`,
        );
      }
      return;
    }
    await Promise.all(followers.map((f) => f.saves.save().catch((err: unknown) => this.saveFailed(f, err))));
  }

  private saveFailed(f: FollowerRisk, err: unknown): void {
    this.alert("error", `${f.name}: could not save risk state (${errorText(err)})`, f);
  }

  /** An alert event is the record (screen, headless, journal); logging it too would show it twice. */
  private alert(level: "info" | "warn" | "error", message: string, f?: FollowerRisk): void {
    this.deps.emit({
      type: "alert",
      at: this.clock.now(),
      level,
      message,
      follower: f?.name,
      group: f?.group,
    });
  }
}
