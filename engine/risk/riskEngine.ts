import type { Config } from "../../data/schema.js";
import type { ShadowFill } from "../copier/shadowCopy.js";
import { messageOf } from "../messageOf.js";
import type { Outcome } from "../outcome.js";
import { type BrokerEvent, type Clock, type Logger, SKIP_REASONS, silentLogger } from "../types.js";
import { ctWhen } from "../windows/chicago.js";
import { RiskAnnouncer } from "./announcer.js";
import { DayRoll } from "./dayRoll.js";
import { flattenFillSettled, isFlattenFill } from "./flattenOrders.js";
import type { FollowerRisk, RiskGate } from "./followerRisk.js";
import { HoldingsRoutes } from "./holdingsRoutes.js";
import { evaluateLimits } from "./limits.js";
import { type FlattenBy, LockKeeper } from "./lockKeeper.js";
import { settleRolledLock } from "./lockMachine.js";
import { advanceMarks, restartedMarks } from "./marks.js";
import { PriceFeeds } from "./priceFeeds.js";
import type { RiskEngineDeps } from "./riskDeps.js";
import { RiskSaves } from "./riskSaves.js";
import { type FollowerRiskView, riskFigures, riskView } from "./riskView.js";
import { RiskRoster } from "./roster.js";
import { ShadowRisk } from "./shadowRisk.js";
import { countedOpening } from "./tradeCount.js";
import { rolledPast } from "./tradingDay.js";
import { Valuation } from "./valuation.js";

export type { Liquidator } from "./flattener.js";
export type { RiskGate } from "./followerRisk.js";
export type { RiskAccounts, RiskEngineDeps } from "./riskDeps.js";
export type { FollowerRiskView } from "./riskView.js";

/** A market-data socket that drops and is back within this is a blip, not blind risk. */
const MARKET_DATA_GRACE_MS = 5_000;
const UNKNOWN_GATE: RiskGate = Object.freeze({ state: "ACTIVE", brokerLocked: false });

/**
 * Per-follower risk: limits evaluated on every price and position change; breach →
 * LIQUIDATE_ONLY → flatten → LOCKED; manual flatten/lock/unlock; the 17:00 CT roll. Only
 * followers of the current config are ever targeted, and a name that is a leader anywhere is
 * never one of them.
 *
 * A coordinator over parts that each own their state: the roster (who is a follower), valuation
 * (holdings, prices, net liquidation), the lock keeper (lock transitions; its flattener owns
 * attempts and retries), the day roll, the saves (what is on disk, retried until it is) and the
 * announcer (what was last shown, snapshot throttling). This class feeds them broker events,
 * watches the limits and answers the copier's gate.
 *
 * Call start() before feeding events: it loads the persisted locks, high-water marks and
 * start-of-day balances.
 */
export class RiskEngine {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly roster: RiskRoster;
  private readonly day: DayRoll;
  private readonly valuation: Valuation;
  private readonly locks: LockKeeper;
  private readonly saves: RiskSaves;
  private readonly announce: RiskAnnouncer;
  private readonly shadows: ShadowRisk;
  private readonly routes: HoldingsRoutes;
  private readonly feeds: PriceFeeds;
  private started = false;

  constructor(private readonly deps: RiskEngineDeps) {
    const clock = deps.clock;
    this.clock = clock;
    this.logger = deps.logger ?? silentLogger;
    const follower = (name: string) => this.roster.get(name);
    this.roster = new RiskRoster((name) => deps.accounts.isLeader(name));
    this.day = new DayRoll(clock, () => this.rollOver());
    this.valuation = new Valuation({
      logger: this.logger,
      revalue: (name) => this.recompute(follower(name)),
      warn: (name, message) => this.alert("warn", `${name}: ${message}`, follower(name)),
      clock,
    });
    this.saves = new RiskSaves({
      clock,
      store: deps.store,
      lazyDelayMs: deps.highWaterSaveDelayMs ?? 1_000,
      recordOf: (name) => follower(name)?.record,
      onDiskChanged: (name) => this.refresh(follower(name)),
      alert: (level, message, name) =>
        this.alert(level, message, name === undefined ? undefined : follower(name)),
    });
    this.announce = new RiskAnnouncer(clock, deps.emit, deps.snapshotIntervalMs ?? 250, follower);
    this.shadows = new ShadowRisk({
      valuation: this.valuation,
      session: (name) => deps.shadowSession?.(name),
      moved: (name) => this.shadowMoved(follower(name)),
      flatten: (name, contract, price) => deps.flattenShadow?.(name, contract, price),
      mono: () => clock.mono(),
      holdings: (name) => follower(name)?.holdings,
    });
    const { roster, valuation, shadows } = this;
    this.feeds = new PriceFeeds({
      clock,
      graceMs: deps.marketDataGraceMs ?? MARKET_DATA_GRACE_MS,
      followers: () => roster.all(),
      changed: (f, why) => {
        this.refresh(f);
        this.announce.priceFeed(f, why);
      },
    });
    const moved = () => this.feeds.update();
    this.routes = new HoldingsRoutes({ roster, valuation, shadows, accounts: deps.accounts, moved });
    this.locks = new LockKeeper({
      clock,
      liquidator: this.shadows.liquidator(deps.liquidator, (name) => follower(name)?.shadow === true),
      follower,
      target: (name) => this.roster.target(name),
      mayTarget: (f) => this.roster.mayTarget(f),
      exposure: (f) => {
        if (!f.holdings.route) this.valuation.attach(f.holdings, this.routes.routeOf(f));
        return this.valuation.exposure(f.holdings);
      },
      tradingDay: () => this.day.tradingDay,
      busy: (name) => deps.busy?.(name) ?? false,
      save: (f) => this.saves.now(f.name),
      refresh: (f) => this.refresh(f),
      snapshot: (f) => this.announce.snapshot(f, true),
      unlocked: (f, waiveDaily) => {
        if (waiveDaily) f.record = { ...f.record, waivedDay: this.day.tradingDay };
        f.updateEffectiveLimits(this.day.tradingDay);
      },
      revalue: (f) => this.recompute(f),
      activeAgain: (name, stopped) => deps.activeAgain?.(name, stopped),
      alert: (level, message, f) => this.alert(level, message, f),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle and config

  /** Load persisted state, apply any roll missed while stopped, schedule the next roll. */
  async start(): Promise<void> {
    if (this.started) return;
    this.roster.load(this.deps.store, (message) => this.alert("error", message));
    this.day.start();
    for (const f of this.roster.all()) {
      // A shadow's would-be P&L starts again at $0 with the process: so do its marks (not its lock).
      if (f.shadow) f.record = restartedMarks(f.record, true);
      if (rolledPast(f.record.tradingDay, this.day.tradingDay)) this.rollFollower(f);
      if (f.watchTrailing()) void this.saves.now(f.name);
      f.updateEffectiveLimits(this.day.tradingDay);
      this.refresh(f);
    }
    this.started = true;
    this.saves.start();
    this.routes.reattach();
    for (const f of this.roster.all()) this.recompute(f);
    this.sayKeptLocks();
    this.resumeFlattens();
  }

  /**
   * Each lock kept from the last run, said once: the console's "Locks & alerts" starts empty, and
   * read "all quiet" the morning after while three followers were still locked.
   */
  private sayKeptLocks(): void {
    const now = this.deps.clock.now();
    for (const f of this.roster.all()) {
      const { state, lockKind, lockReason, lockedAt } = f.record;
      if (state !== "LOCKED" || !this.roster.mayTarget(f)) continue;
      const since = lockedAt === undefined ? "" : ` since ${ctWhen(lockedAt, now)}`;
      const window = lockKind === "window";
      const until = window ? "lifts when openings are allowed again" : "stays until unlocked";
      const message = `${f.name}: LOCKED${since} (${lockReason ?? "locked"}), kept from the last run; ${until}`;
      this.alert(window ? "info" : "warn", message, f);
    }
  }

  /** Stop timers and write what is pending. Flattens in progress resume at the next start(). */
  async stop(): Promise<void> {
    this.started = false;
    this.day.stop();
    this.locks.stop();
    this.valuation.stop();
    this.announce.stop();
    this.feeds.stop();
    await this.saves.stop();
  }

  /** Which accounts are followers (never a leader), and their limits. */
  setConfig(config: Config): void {
    // One switched between shadow and live holds another account's positions and cash now.
    for (const f of this.roster.setConfig(config)) this.valuation.forget(f.holdings);
    this.feeds.keep(config.connections);
    for (const f of this.roster.all()) {
      if (!f.configured) {
        this.valuation.detach(f.holdings);
        this.locks.stopFlatten(f);
      }
      if (this.started && f.watchTrailing()) void this.saves.now(f.name);
      f.updateEffectiveLimits(this.day.tradingDay);
      this.refresh(f);
    }
    this.routes.reattach();
    for (const f of this.roster.all()) this.recompute(f);
    if (this.started) this.resumeFlattens();
  }

  // -------------------------------------------------------------------------------------------
  // Hot path

  /** O(1), allocation-free: the same frozen object until something in it changes. */
  gate(follower: string): RiskGate {
    this.day.check();
    return this.roster.get(follower)?.gate ?? UNKNOWN_GATE;
  }

  /** An opening copied, with its leader order (maxTradesPerDay); saved lazily, unlike a lock. */
  recordOpening(follower: string, leaderOrderId?: number): void {
    const f = this.roster.get(follower);
    if (!f) return;
    this.day.check();
    f.record = countedOpening(f.record, leaderOrderId);
    this.refresh(f);
    this.saves.later(f.name);
    if (f.gate.tradesLeft === 0 && !f.tradesAlerted) {
      f.tradesAlerted = true;
      this.alert(
        "info",
        `${f.name}: ${SKIP_REASONS.maxTrades} reached; openings skipped until the 17:00 CT roll`,
        f,
      );
    }
    this.announce.snapshot(f, false);
  }

  // -------------------------------------------------------------------------------------------
  // Broker events

  onBrokerEvent(event: BrokerEvent): void {
    try {
      switch (event.type) {
        case "balance": {
          const f = this.routes.routed(event.connection, event.accountId);
          if (!f) return;
          if (!this.valuation.setCash(f.holdings, event)) {
            this.logger.warn("risk: balance without a number ignored", { follower: f.name });
            return;
          }
          this.recompute(f);
          return;
        }
        case "position": {
          const f = this.routes.routed(event.connection, event.position.accountId);
          if (!f) return;
          this.valuation.positionMoved(f.holdings, event.position);
          this.recompute(f);
          this.locks.positionsChanged(f);
          return;
        }
        case "quote":
          this.valuation.quote(event.connection, event.contractId, event.price);
          return;
        case "riskStatus": {
          const f = this.routes.routed(event.connection, event.accountId);
          if (!f?.takeBrokerRisk(event)) return;
          this.refresh(f);
          this.announce.brokerRisk(f);
          return;
        }
        case "marketData":
          this.feeds.onEvent(event);
          return;
        case "sync":
          this.routes.reattach();
          for (const f of this.roster.all()) {
            if (f.shadow || !this.roster.mayTarget(f) || !this.valuation.synced(f.holdings, event)) continue;
            this.recompute(f);
            this.locks.positionsChanged(f);
          }
          if (this.started) this.resumeFlattens(event.connection);
          return;
        case "connection":
          if (event.state === "connected") this.routes.reattach();
          return;
      }
    } catch (err) {
      this.logger.error("risk: broker event not applied", { type: event.type, error: messageOf(err) });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Manual actions (account names as the config spells them; the engine resolved what was typed)

  /** Flatten and lock each named follower (same path as a breach). Leaders and unknown names are refused. */
  flattenAndLock(followers: string[], reason = "manual", by: FlattenBy = "manual"): Promise<Outcome[]> {
    return this.locks.flattenAndLock(followers, reason, by);
  }

  /** Lock without flattening: openings stop, the position stays and its closes are still copied. */
  lock(follower: string, reason = "manual"): Promise<Outcome> {
    return this.locks.lock(follower, reason);
  }

  /** Unlock by hand; refused while still past the trailing floor or a daily limit unless forced. */
  unlock(follower: string, options: { force?: boolean } = {}): Promise<Outcome> {
    this.day.check();
    return this.locks.unlock(follower, options.force === true);
  }

  /** A snapshot's fill of the follower is of one of its flattens (mimik's, not a trade by hand). */
  flattenFill(follower: string, fill: Parameters<typeof isFlattenFill>[1]): boolean {
    const f = this.roster.get(follower);
    if (!f || !isFlattenFill(f.record.flattenOrders, fill)) return false;
    // Taken by its time alone, the close is known by the order the broker names from here on.
    const settled = flattenFillSettled(f.record, fill);
    if (settled !== f.record) {
      f.record = settled;
      void this.saves.now(f.name);
    }
    return true;
  }

  snapshot(follower: string): FollowerRiskView | undefined {
    this.day.check(); // a roll whose timer is late (a laptop asleep over 17:00 CT) is not shown stale
    const f = this.roster.get(follower);
    if (!f) return undefined;
    return riskView(f, {
      flattenAttempts: this.locks.flattenAttempts(f),
      unsaved: !this.saves.isOnDisk(f.name),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Limits

  private recompute(f: FollowerRisk | undefined): void {
    // Before start() the saved record is not loaded yet: a save now would overwrite a saved lock.
    if (!f || !this.started || !f.configured || f.holdings.cash === undefined) return;
    this.day.check();
    const netLiq = this.valuation.value(f.holdings, f.holdings.cash);
    const moved = advanceMarks(f.record, this.day.tradingDay, f.limits, netLiq, f);
    f.record = settleRolledLock(moved.record, this.day.tradingDay, f.limits, netLiq);
    if (moved.saveLater) this.saves.later(f.name);
    if (moved.saveNow || f.record !== moved.record) {
      this.refresh(f);
      void this.saves.now(f.name);
    }
    if (f.limitsWatched()) {
      const verdict = evaluateLimits(f.effectiveLimits, riskFigures(f, netLiq));
      if (verdict.breach) {
        void this.locks.breach(f, verdict.kind, verdict.reason);
        return;
      }
    }
    this.announce.snapshot(f, false);
  }

  /** After a restart, a reconnect or a config change: carry on flattens; those on a login that synced, now. */
  private resumeFlattens(synced?: string): void {
    for (const f of this.roster.all())
      this.locks.resume(f, synced !== undefined && f.holdings.route?.session.connection === synced);
  }

  private rollOver(): void {
    for (const f of this.roster.all())
      if (rolledPast(f.record.tradingDay, this.day.tradingDay)) this.rollFollower(f);
    this.logger.info("risk: trading day rolled", { tradingDay: this.day.tradingDay });
  }

  private rollFollower(f: FollowerRisk): void {
    f.rollTo(this.day.tradingDay);
    this.refresh(f);
    void this.saves.now(f.name);
    this.announce.snapshot(f, true);
  }

  /** Issue 16: a shadow follower's would-be trade, valued like a fill of its own. */
  shadowFill(fill: ShadowFill): void {
    const f = this.roster.get(fill.follower);
    if (f?.shadow && this.roster.mayTarget(f)) this.shadows.fill(f.holdings, fill);
  }

  private shadowMoved(f: FollowerRisk | undefined): void {
    this.recompute(f);
    if (f) this.locks.positionsChanged(f);
  }

  /** Rebuild the gate and announce a change of the shown state (or of whether it is on disk). */
  private refresh(f: FollowerRisk | undefined): void {
    if (!f) return;
    f.rebuildGate();
    this.announce.state(f, !this.saves.isOnDisk(f.name));
  }

  private alert(level: "info" | "warn" | "error", message: string, f?: FollowerRisk): void {
    this.announce.alert(level, message, f);
  }
}
