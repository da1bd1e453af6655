import type { Config } from "../../data/schema.js";
import { Copier } from "../copier/copier.js";
import { OrderGateway } from "../orders/gateway.js";
import type { LatencySummary } from "../orders/latency.js";
import { type FollowerRiskView, RiskEngine } from "../risk/riskEngine.js";
import type {
  ActionResult,
  BrokerEvent,
  BrokerSession,
  Clock,
  ConnectionState,
  EngineEvent,
  FillLedger,
  Logger,
  OrderResult,
  RateBudget,
  RiskStateStore,
  SyncStatusEvent,
} from "../types.js";
import { silentLogger, systemClock } from "../types.js";
import { AccountDirectory } from "./accountDirectory.js";

export interface EngineDeps {
  clock?: Clock;
  sessions: readonly BrokerSession[];
  riskStore: RiskStateStore;
  ledger: FillLedger;
  logger?: Logger;
}

export type FlattenTarget = { follower: string } | { group: string } | { all: true };

export interface EngineStatus {
  connections: { name: string; state: ConnectionState; rate: RateBudget }[];
  followers: FollowerRiskView[];
  outOfSync: SyncStatusEvent[];
  latency: LatencySummary;
}

/**
 * The copier, risk and the order gateway wired to the broker sessions. Broker events reach the
 * copier first (the latency path), then risk; everything the parts report fans out to listeners
 * (screen store, headless output, journal). Knows nothing of React, files or sockets.
 */
export class Engine {
  readonly directory = new AccountDirectory();
  readonly gateway: OrderGateway;
  readonly copier: Copier;
  readonly risk: RiskEngine;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly logger: Logger;
  private readonly clock: Clock;
  private config: Config;

  constructor(
    private readonly deps: EngineDeps,
    config: Config,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    const clock = this.clock;
    this.config = config;
    this.directory.setConfig(config);
    const emit = (event: EngineEvent) => this.emit(event);
    const resolve = (name: string) => this.directory.resolve(name);
    this.gateway = new OrderGateway({ clock, emit, resolve, logger: this.logger }, config);
    this.risk = new RiskEngine({
      clock,
      store: deps.riskStore,
      emit,
      resolve,
      logger: this.logger,
      liquidator: {
        cancel: (follower, orderId) =>
          this.withTarget(follower, (t) => this.gateway.cancel({ ...t, orderId })),
        liquidate: (follower, contractId) =>
          this.withTarget(follower, (t) => this.gateway.liquidate({ ...t, contractId })),
      },
    });
    this.copier = new Copier(
      {
        clock,
        emit,
        gateway: this.gateway,
        resolve,
        connected: (name) => this.directory.connected(name),
        gate: (follower) => this.risk.gate(follower),
        ledger: deps.ledger,
        onOpeningCopied: (follower) => this.risk.recordOpening(follower),
        logger: this.logger,
      },
      config,
    );
    this.risk.setConfig(config);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  currentConfig(): Config {
    return this.config;
  }

  /** Live reload: takes effect from the next broker event on. */
  setConfig(config: Config): void {
    this.config = config;
    this.directory.setConfig(config);
    this.copier.setConfig(config);
    this.risk.setConfig(config);
  }

  async start(): Promise<void> {
    await this.risk.start();
    for (const session of this.deps.sessions) {
      this.unsubscribe.push(session.on((event) => this.onBrokerEvent(session, event)));
    }
    // A login that cannot connect must not hold the others back; its state says why.
    await Promise.all(
      this.deps.sessions.map((s) =>
        s.start().catch((error: unknown) => {
          this.alert("error", `connection ${s.connection} failed to start: ${messageOf(error)}`);
        }),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.risk.stop();
    await Promise.all(this.deps.sessions.map((s) => s.stop().catch(() => undefined)));
  }

  connections(): EngineStatus["connections"] {
    return this.deps.sessions.map((s) => ({ name: s.connection, state: s.state(), rate: s.rateBudget() }));
  }

  status(): EngineStatus {
    return {
      connections: this.connections(),
      followers: this.risk.snapshots(),
      outOfSync: this.copier.syncStatus().filter((s) => !s.inSync),
      latency: this.gateway.latency("written"),
    };
  }

  /** Followers named by a target, in config order; never a leader (the config rules forbid it). */
  followersOf(target: FlattenTarget): string[] | undefined {
    const groups = this.config.groups;
    if ("all" in target) return groups.flatMap((g) => g.followers.map((f) => f.account));
    if ("group" in target) {
      const group = groups.find((g) => g.name.toUpperCase() === target.group.toUpperCase());
      return group?.followers.map((f) => f.account);
    }
    const account = this.accountNamed(target.follower);
    const known = account && groups.some((g) => g.followers.some((f) => f.account === account));
    return known ? [account] : undefined;
  }

  /** Accepts the account name or its label, any case. */
  accountNamed(nameOrLabel: string): string | undefined {
    const key = nameOrLabel.toUpperCase();
    return this.config.accounts.find((a) => a.name.toUpperCase() === key || a.label?.toUpperCase() === key)
      ?.name;
  }

  async flattenAndLock(target: FlattenTarget, reason = "manual"): Promise<ActionResult[]> {
    const followers = this.followersOf(target);
    if (!followers)
      return [{ target: describeTarget(target), ok: false, message: `no such ${kindOf(target)}` }];
    if (followers.length === 0)
      return [{ target: describeTarget(target), ok: true, message: "no followers" }];
    return this.risk.flattenAndLock(followers, reason);
  }

  async lock(follower: string, reason = "manual"): Promise<ActionResult> {
    const name = this.followerNamed(follower);
    return name ? this.risk.lock(name, reason) : unknownFollower(follower);
  }

  async unlock(follower: string, force = false): Promise<ActionResult> {
    const name = this.followerNamed(follower);
    return name ? this.risk.unlock(name, { force }) : unknownFollower(follower);
  }

  async resync(follower: string): Promise<ActionResult> {
    const name = this.followerNamed(follower);
    return name ? this.copier.resync(name) : unknownFollower(follower);
  }

  private followerNamed(nameOrLabel: string): string | undefined {
    return this.followersOf({ follower: nameOrLabel })?.[0];
  }

  private onBrokerEvent(session: BrokerSession, event: BrokerEvent): void {
    if (event.type === "sync") this.directory.learn(session, event.accounts);
    try {
      this.copier.onBrokerEvent(event);
    } catch (error) {
      this.logger.error("copier failed on a broker event", { type: event.type, error: messageOf(error) });
    }
    try {
      this.risk.onBrokerEvent(event);
    } catch (error) {
      this.logger.error("risk failed on a broker event", { type: event.type, error: messageOf(error) });
    }
    if (event.type === "connection") {
      this.emit({
        type: "connectionStatus",
        at: this.clock.now(),
        connection: event.connection,
        state: event.state,
        reason: event.reason,
      });
    }
  }

  private withTarget(
    follower: string,
    send: (target: TargetOf) => Promise<OrderResult>,
  ): Promise<OrderResult> {
    const ref = this.directory.resolve(follower);
    if (!ref) {
      return Promise.resolve({
        ok: false,
        failureReason: "Disconnected",
        failureText: `account ${follower} is not connected`,
        ackAt: this.clock.mono(),
      });
    }
    return send({ follower, accountName: follower, accountId: ref.accountId, session: ref.session });
  }

  private alert(level: "info" | "warn" | "error", message: string): void {
    this.emit({ type: "alert", at: this.clock.now(), level, message });
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error("an engine listener failed", { type: event.type, error: messageOf(error) });
      }
    }
  }
}

type TargetOf = { follower: string; accountName: string; accountId: number; session: BrokerSession };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function kindOf(target: FlattenTarget): string {
  return "all" in target ? "followers" : "group" in target ? "group" : "follower";
}

/** How results name a flatten target: the follower, the group, or "all". */
export function describeTarget(target: FlattenTarget): string {
  return "all" in target ? "all" : "group" in target ? target.group : target.follower;
}

function unknownFollower(name: string): ActionResult {
  return { target: name, ok: false, message: `no follower named "${name}" in the config` };
}
