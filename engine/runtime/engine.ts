import type { Config } from "../../data/schema.js";
import { AccountDirectory } from "../accounts/directory.js";
import { byHand, describeTarget, type EngineCommand, type FlattenTarget } from "../commands.js";
import { Copier } from "../copier/copier.js";
import { messageOf } from "../messageOf.js";
import { Mirror } from "../mirror/mirror.js";
import { OrderGateway, type OrderTarget } from "../orders/gateway.js";
import type { Outcome } from "../outcome.js";
import { REFUSALS } from "../outcome.js";
import { RiskEngine } from "../risk/riskEngine.js";
import type {
  BrokerEvent,
  BrokerSession,
  Clock,
  EngineEvent,
  FillLedger,
  Logger,
  OrderResult,
  RiskStateStore,
} from "../types.js";
import { silentLogger, systemClock } from "../types.js";
import type { Blackout } from "../windows/schedule.js";
import { TradingWindows } from "../windows/tradingWindows.js";
import { EditNotices } from "./editNotices.js";
import { actedStoreOf, countedOrdersOf, shadowFollowers } from "./followerSets.js";
import { followAccounts } from "./loginAccounts.js";
import { Logins } from "./logins.js";
import { copierHooks, mirrorHooks } from "./mirrorHooks.js";
import { type OpenLine, openLines, Shadows, sameLines } from "./shadows.js";

export interface EngineDeps {
  clock?: Clock;
  sessions: readonly BrokerSession[];
  riskStore: RiskStateStore;
  ledger: FillLedger;
  logger?: Logger;
  /** How often budgets and latency are reported when they changed. Default 1000 ms; 0 = never. */
  reportEveryMs?: number;
  /** false: nothing is copied, only commands carried out (the panic button's engine). Default true. */
  copying?: boolean;
  /** How failed exits back off (default 1 s, 2 s … 30 s); tests shrink it. */
  exitBackoff?: { firstMs: number; maxMs: number };
  /** How often the trading windows look at the clock (default 1000 ms); tests shrink it. */
  windowTickMs?: number;
}

/**
 * The copier, risk and the order gateway wired to the broker sessions. Broker events reach the
 * copier first (the latency path), then risk; everything the parts report fans out to listeners
 * (journal, and across the thread boundary the screen store and headless output). Everything a
 * screen shows arrives as an event, so no reader ever reaches into the parts. Commands come in
 * through execute() and are answered with Outcomes. Knows nothing of React, files or sockets.
 */
export class Engine {
  readonly directory = new AccountDirectory();
  readonly gateway: OrderGateway;
  readonly copier: Copier;
  readonly risk: RiskEngine;
  /** Issue 14: the leader's working orders on the followers (beside the copier, never before it). */
  readonly mirror: Mirror;
  /** Issue 16: the groups' trading windows, kept on a timer; the copy path reads their reason. */
  readonly windows: TradingWindows;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly logins: Logins;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private config: Config;
  private reportTimer: unknown;
  private readonly reported = new Map<string, string>();
  /** Each account's positions as last shown (emitted in an event, never changed after). */
  private readonly shownPositions = new Map<string, readonly OpenLine[]>();
  private readonly editNotices = new EditNotices();
  private readonly shadows: Shadows;

  constructor(
    private readonly deps: EngineDeps,
    config: Config,
  ) {
    this.logger = deps.logger ?? silentLogger;
    const clock = deps.clock ?? systemClock;
    this.clock = clock;
    this.config = config;
    const emit = (event: EngineEvent) => this.emit(event);
    const accounts = this.directory;
    const onEvent = (session: BrokerSession, event: BrokerEvent) => this.onBrokerEvent(session, event);
    this.logins = new Logins(deps.sessions, { onEvent, emit, now: () => clock.now() });
    const sessions = () => this.logins.all();
    this.shadows = new Shadows({
      ...{ config: () => this.config, sessions, emit, now: () => clock.now(), accounts },
      book: () => this.copier.shadows,
      show: (account, positions) => this.showPositions(account, positions),
      value: (fill) => this.risk.shadowFill(fill),
    });
    this.gateway = new OrderGateway({ clock, emit, leaders: accounts, logger: this.logger });
    this.risk = new RiskEngine({
      clock,
      store: deps.riskStore,
      emit,
      accounts,
      logger: this.logger,
      liquidator: {
        cancel: (follower, orderId) =>
          this.withTarget(follower, (t) => this.gateway.cancel({ ...t, orderId })),
        liquidate: (follower, contractId) =>
          this.withTarget(follower, (t) => this.gateway.liquidate({ ...t, contractId })),
      },
      busy: (follower) => this.copier.hasLiveOrders(follower),
      activeAgain: (follower, stopped) => this.copier.afterFlatten.unlocked(follower, stopped),
      shadowSession: (follower) => this.shadows.session(follower),
      flattenShadow: (follower, contract, price) => this.shadows.flatten(follower, contract, price),
    });
    this.windows = new TradingWindows({
      clock,
      emit,
      flattenAndLock: (followers, reason) => this.risk.flattenAndLock(followers, reason, "window"),
      windowLock: (follower) => {
        const view = this.risk.snapshot(follower);
        if (view?.lockKind !== "window") return undefined;
        return view.state === "LOCKED"
          ? "locked"
          : view.state === "LIQUIDATE_ONLY"
            ? "liquidating"
            : undefined;
      },
      unlock: (follower) => this.risk.unlock(follower),
      changed: (followers) => {
        if (deps.copying !== false) for (const f of followers) this.mirror.followerChanged(f);
      },
      tickMs: deps.windowTickMs,
    });
    const gate = (follower: string) => this.windows.gate(follower, this.risk.gate(follower));
    this.copier = new Copier({
      clock,
      emit,
      gateway: this.gateway,
      accounts,
      gate,
      ledger: deps.ledger,
      onOpeningCopied: (follower, leaderOrderId) => this.risk.recordOpening(follower, leaderOrderId),
      actedStore: actedStoreOf(deps.riskStore),
      exitBackoff: deps.exitBackoff,
      ...mirrorHooks(() => this.mirror),
      onShadowFill: (fill) => this.shadows.filled(fill),
      flattenFill: (follower, fill) => this.risk.flattenFill(follower, fill),
      logger: this.logger,
    });
    this.mirror = new Mirror({
      clock,
      emit,
      gateway: this.gateway,
      accounts,
      gate,
      expectedPosition: (follower, contract) => this.copier.followerPosition(follower, contract),
      accountElsewhere: (follower, contract) => this.copier.accountElsewhere(follower, contract),
      onOpening: (follower) => this.risk.recordOpening(follower),
      ...copierHooks(this.copier),
      logger: this.logger,
    });
    this.setConfig(config);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  currentConfig(): Config {
    return this.config;
  }

  /** Live reload: takes effect from the next broker event on (a login no longer named is dropped). */
  setConfig(config: Config): void {
    for (const n of this.editNotices.of(this.config, config, this.directory))
      this.alert(n.level, n.message, n.follower);
    this.shadows.switching(config);
    this.logins.drop(this.config, config);
    this.config = config;
    // Not with copying off (the panic button); before the directory, so a leaving follower's mirrors go.
    if (this.deps.copying !== false) this.mirror.setConfig(config);
    this.directory.setConfig(config);
    if (this.deps.copying !== false) followAccounts(config, this.logins.all(), this.directory);
    this.gateway.setShadows(shadowFollowers(config));
    this.risk.setConfig(config);
    this.copier.setConfig(config);
    this.windows.setConfig(config);
  }

  /** A login added to the config while this runs: started (and so synced and routed) at once. */
  addSession(session: BrokerSession): Promise<void> {
    return this.logins.add(session);
  }

  /** The blackouts of each group's calendar, by the file as the config names it (read by the host). */
  setCalendars(calendars: Readonly<Record<string, readonly Blackout[]>>): void {
    this.windows.setCalendars(calendars);
  }

  async start(): Promise<void> {
    await this.risk.start();
    this.copier.start(countedOrdersOf(this.deps.riskStore));
    // Flat-by and blackout flattens are copying's business: the panic button's engine has none.
    if (this.deps.copying !== false) this.windows.start();
    this.scheduleReport();
    await this.logins.start();
  }

  async stop(): Promise<void> {
    this.clock.clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.logins.unlistenAll();
    this.windows.stop();
    this.mirror.stop();
    await this.copier.stop();
    await this.risk.stop();
    await this.logins.stop();
  }

  /** The one way in for commands: a key, a CLI verb and the control socket all end here. */
  execute(command: EngineCommand): Promise<Outcome[]> {
    switch (command.cmd) {
      case "flatten":
        return this.flattenAndLock(command.target, command.reason);
      case "lock":
        return this.lock(command.follower, command.reason).then((o) => [o]);
      case "unlock":
        return this.unlock(command.follower, command.force).then((o) => [o]);
      case "resync":
        return this.resync(command.follower).then((o) => [o]);
    }
  }

  /** Followers named by a target, in config order; never a leader (the config rules forbid it). */
  followersOf(target: FlattenTarget): string[] | undefined {
    const groups = this.config.groups;
    if ("all" in target) return groups.flatMap((g) => g.followers.map((f) => f.account));
    if ("group" in target) return this.directory.findGroup(target.group)?.followers.map((f) => f.account);
    const account = this.directory.find(target.follower);
    return account !== undefined && this.directory.role(account)?.kind === "follower" ? [account] : undefined;
  }

  /** Flatten and lock; an empty list when the target has no followers. */
  async flattenAndLock(target: FlattenTarget, reason = "manual"): Promise<Outcome[]> {
    const followers = this.followersOf(target);
    if (!followers) return [this.refusal(target)];
    const group = "group" in target ? this.directory.findGroup(target.group)?.name : undefined;
    return this.risk.flattenAndLock(followers, reason, byHand(target, group));
  }

  async lock(follower: string, reason = "manual"): Promise<Outcome> {
    const name = this.followerNamed(follower);
    return name ? this.risk.lock(name, reason) : this.refusal({ follower });
  }

  async unlock(follower: string, force = false): Promise<Outcome> {
    const name = this.followerNamed(follower);
    return name ? this.risk.unlock(name, { force }) : this.refusal({ follower });
  }

  async resync(follower: string): Promise<Outcome> {
    const name = this.followerNamed(follower);
    if (name && this.directory.isShadow(name))
      return { target: name, status: "refused", reason: REFUSALS.shadow };
    return name ? this.copier.resync(name) : this.refusal({ follower });
  }

  private followerNamed(nameOrLabel: string): string | undefined {
    return this.followersOf({ follower: nameOrLabel })?.[0];
  }

  private refusal(target: FlattenTarget): Outcome {
    const name = "follower" in target ? this.directory.find(target.follower) : undefined;
    const reason =
      "group" in target
        ? REFUSALS.noSuchGroup
        : name !== undefined && this.directory.isLeader(name)
          ? REFUSALS.leader
          : REFUSALS.notFollower;
    return { target: name ?? describeTarget(target), status: "refused", reason };
  }

  private onBrokerEvent(session: BrokerSession, event: BrokerEvent): void {
    if (event.type === "sync") this.directory.learn(session, event.accounts);
    try {
      if (this.deps.copying !== false) this.copier.onBrokerEvent(event);
    } catch (error) {
      this.logger.error("copier failed on a broker event", { type: event.type, error: messageOf(error) });
    }
    try {
      this.risk.onBrokerEvent(event);
    } catch (error) {
      this.logger.error("risk failed on a broker event", { type: event.type, error: messageOf(error) });
    }
    // Marks whom the mirror looks at once this frame is handled; never in front of a copy.
    if (this.deps.copying !== false) this.mirror.onBrokerEvent(event);
    if (event.type === "position") this.reportPositions(session, event.position.accountId);
    else if (event.type === "sync") for (const a of event.accounts) this.reportPositions(session, a.id);
    if (event.type === "connection") {
      // Its state, reason, quotes and unreadable accounts, as the session said them.
      const { type: _, ...said } = event;
      this.emit({ type: "connectionStatus", at: this.clock.now(), broker: session.broker, ...said });
    } else if (event.type === "brokerAlert") {
      this.alert(event.level, `${event.connection}: ${event.message}`);
    } else if (event.type === "fillBusted" && !event.history) {
      // One seen in a snapshot may be old news (every start reads the day's): the copier tells it.
      const account = this.directory.nameAt(session.connection, event.accountId) ?? String(event.accountId);
      this.alert(
        "warn",
        `${account}: the broker busted fill ${event.fillId} (${event.side.toUpperCase()} ${event.qty} ${event.contract} @ ${event.price}); its position no longer includes it`,
        this.directory.role(account)?.kind === "follower" ? account : undefined,
      );
    }
  }

  private withTarget(
    follower: string,
    send: (target: OrderTarget) => Promise<OrderResult>,
  ): Promise<OrderResult> {
    const route = this.directory.route(follower);
    if (!route) {
      return Promise.resolve({
        ok: false,
        failureReason: "Disconnected",
        failureText: `account ${follower} is not connected`,
        ackAt: this.clock.mono(),
      });
    }
    return send({ follower, session: route.session, accountId: route.accountId });
  }

  /** After the copier and risk had the event: the account's positions, for screens and status. */
  private reportPositions(session: BrokerSession, accountId: number): void {
    const account = this.directory.nameAt(session.connection, accountId);
    // A shadow's position on screen is its would-be one (Shadows), never its account's.
    if (account === undefined || this.directory.isShadow(account)) return;
    this.showPositions(account, openLines(session.positions(accountId)));
  }

  /** Compared line by line with what was last shown: this runs on every position event of every follower. */
  private showPositions(account: string, positions: OpenLine[]): void {
    if (sameLines(this.shownPositions.get(account), positions)) return;
    this.shownPositions.set(account, positions);
    this.emit({ type: "positions", at: this.clock.now(), account, positions });
  }

  /** Budgets and latency change with every request: reported on a timer, off the copy path. */
  private scheduleReport(): void {
    const every = this.deps.reportEveryMs ?? 1000;
    if (every <= 0) return;
    const report = () => {
      this.reportTimer = this.clock.setTimeout(report, every);
      this.report();
    };
    this.reportTimer = this.clock.setTimeout(report, 0);
  }

  private report(): void {
    for (const session of this.logins.all()) {
      const budget = session.rateBudget();
      this.emitIfChanged(`budget\u0000${session.connection}`, JSON.stringify(budget), () => ({
        type: "budget",
        at: this.clock.now(),
        connection: session.connection,
        budget,
      }));
    }
    const latency = this.gateway.latency("written");
    this.emitIfChanged("latency", String(latency.count), () => ({
      type: "latency",
      at: this.clock.now(),
      ...latency,
    }));
  }

  private emitIfChanged(key: string, value: string, event: () => EngineEvent): void {
    if (this.reported.get(key) === value) return;
    this.reported.set(key, value);
    this.emit(event());
  }

  /** `follower`: the alert is about that follower (its log and its report read it). */
  private alert(level: "info" | "warn" | "error", message: string, follower?: string): void {
    this.emit({ type: "alert", at: this.clock.now(), level, message, ...(follower ? { follower } : {}) });
  }

  private emit(event: EngineEvent): void {
    if (event.type === "followerState" && this.deps.copying !== false) {
      this.mirror.followerChanged(event.follower);
      this.copier.standing.riskState(event.follower, event.state, event.reason);
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error("an engine listener failed", { type: event.type, error: messageOf(error) });
      }
    }
  }
}
