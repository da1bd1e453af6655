import type { Config } from "../../data/schema.js";
import { emptyConfig } from "../../data/schema.js";
import type {
  ConnectionState,
  ConnectionStatusEvent,
  CopyEvent,
  EngineEvent,
  ExitPendingEvent,
  FollowerState,
  LeaderFillEvent,
  RateBudget,
  ResyncEvent,
  RiskSnapshotEvent,
  SyncStatusEvent,
  WindowEvent,
  WorkingOrdersEvent,
} from "../../engine/types.js";
import { burstStreak, type Cadence, isScreenRefresh, publishDelay, SCREEN_CADENCE } from "./cadence.js";

export interface FillResult {
  follower: string;
  outcome: CopyEvent["outcome"];
  reason: string;
  side?: CopyEvent["side"];
  qty?: number | undefined;
  /** Contracts of the order filled so far, when the broker has reported fills of it. */
  filled?: number | undefined;
  contract: string;
  latencyMs?: number | undefined;
}

export interface FillRecord {
  /** A leader fill, or a re-sync whose corrections (reason "reconcile") are listed under it. */
  fill: LeaderFillEvent | ResyncEvent;
  results: FillResult[];
}

export interface AlertRecord {
  /** Counts up from 1 over the store's life: what names an alert while newer ones push it down. */
  seq: number;
  at: number;
  level: "info" | "warn" | "error";
  message: string;
}

export interface FollowerLive {
  state: FollowerState;
  reason?: string | undefined;
  /** The state is held in memory only: its save to the state file failed and is being retried. */
  unsaved?: boolean | undefined;
  /** Its login has no market data: risk values its positions at their last price, openings held. */
  pricesStale?: boolean | undefined;
  risk?: RiskSnapshotEvent | undefined;
  /** Out-of-sync contracts only; empty when in sync. */
  outOfSync: SyncStatusEvent[];
  /** Contracts with an exit that failed and is being retried (EXIT PENDING); empty when none. */
  exitsPending: ExitPendingEvent[];
}

export interface LatencyLive {
  p50: number;
  p99: number;
  count: number;
}

/** A login as the engine last said: its state, why it needs the trader, why its quotes stopped. */
export interface ConnectionView {
  state: ConnectionState;
  reason?: string | undefined;
  marketData?: string | undefined;
  /** Its accounts that could not be read (unknown, nothing copied to them), and why. */
  unreadable?: ConnectionStatusEvent["unreadable"];
}

/**
 * One immutable picture of everything the screen and `mimik status` show: the config in use and
 * everything the engine has said. A new object after each batch; nothing else is read.
 */
export interface EngineSnapshot {
  version: number;
  config: Config;
  connections: ReadonlyMap<string, ConnectionView>;
  /** Request budget per connection. */
  budgets: ReadonlyMap<string, RateBudget>;
  /** Open positions per account (leaders and followers), as the broker reports them. */
  positions: ReadonlyMap<string, readonly { contract: string; netPos: number }[]>;
  /** Each follower's working orders and the leader orders not mirrored for it (issue 14). */
  workingOrders: ReadonlyMap<string, Pick<WorkingOrdersEvent, "orders" | "notMirrored">>;
  latency: LatencyLive | undefined;
  /** Issue 16: each group with trading windows: what holds its openings back, and the next change. */
  windows: ReadonlyMap<string, Pick<WindowEvent, "held" | "next">>;
  followers: ReadonlyMap<string, FollowerLive>;
  /** Newest first, bounded. */
  fills: readonly FillRecord[];
  /** Newest first, bounded. */
  alerts: readonly AlertRecord[];
}

export interface EngineStoreOptions {
  /** How soon a decision (a fill, a copy, a lock…) is in a new snapshot: the cadence's soonMs. */
  batchMs?: number;
  maxFills?: number;
  maxAlerts?: number;
}

/**
 * Bridges engine events into React: events are folded into mutable state as they arrive (cheap,
 * never blocks the copy path) and published as an immutable snapshot at most once per batch, so
 * a burst of fills costs one render, not hundreds; how soon a batch is published follows the
 * screen's cadence (./cadence.ts). Read with useSyncExternalStore.
 */
export class EngineStore {
  private readonly maxFills: number;
  private readonly maxAlerts: number;
  private config: Config = emptyConfig();
  private readonly connections = new Map<string, ConnectionView>();
  private readonly budgets = new Map<string, RateBudget>();
  private readonly positions = new Map<string, readonly { contract: string; netPos: number }[]>();
  private readonly workingOrders = new Map<string, Pick<WorkingOrdersEvent, "orders" | "notMirrored">>();
  private latency: LatencyLive | undefined;
  private readonly windows = new Map<string, Pick<WindowEvent, "held" | "next">>();
  private readonly followers = new Map<string, FollowerLive>();
  private fills: FillRecord[] = [];
  private readonly fillIndex = new Map<string, FillRecord>();
  private alerts: AlertRecord[] = [];
  private alertSeq = 0;
  private readonly listeners = new Set<() => void>();
  private snapshot: EngineSnapshot;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending publish is due. */
  private dueAt = 0;
  private batchHasDecision = false;
  private streak = 0;
  private lastDecisionPublishedAt = Number.NEGATIVE_INFINITY;
  private readonly cadence: Cadence;
  private version = 0;

  constructor(options: EngineStoreOptions = {}) {
    const soonMs = options.batchMs ?? SCREEN_CADENCE.soonMs;
    this.cadence = {
      ...SCREEN_CADENCE,
      soonMs,
      refreshMs: Math.max(soonMs, SCREEN_CADENCE.refreshMs),
    };
    this.maxFills = options.maxFills ?? 200;
    this.maxAlerts = options.maxAlerts ?? 100;
    this.snapshot = this.build();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): EngineSnapshot => this.snapshot;

  readonly push = (event: EngineEvent): void => {
    this.apply(event);
    this.schedule(!isScreenRefresh(event));
  };

  /** The config in use (a hand edit or a saved form replaces it); shown from the next batch. */
  readonly setConfig = (config: Config): void => {
    this.config = config;
    this.schedule(true);
  };

  /** Publishes pending changes now (tests, shutdown). */
  readonly publish = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batchHasDecision) this.lastDecisionPublishedAt = Date.now();
    this.batchHasDecision = false;
    this.snapshot = this.build();
    for (const listener of this.listeners) listener();
  };

  /** Arms (or brings forward) the publish that will show what just changed. */
  private schedule(decision: boolean): void {
    const now = Date.now();
    if (decision && !this.batchHasDecision) {
      this.batchHasDecision = true;
      this.streak = burstStreak(this.streak, now - this.lastDecisionPublishedAt, this.cadence);
    }
    const due = now + publishDelay(decision, this.streak, this.cadence);
    if (this.timer !== undefined) {
      if (this.dueAt <= due) return;
      clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = setTimeout(this.publish, due - now);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private follower(name: string): FollowerLive {
    let live = this.followers.get(name);
    if (!live) {
      live = { state: "ACTIVE", outOfSync: [], exitsPending: [] };
      this.followers.set(name, live);
    }
    return live;
  }

  private apply(event: EngineEvent): void {
    switch (event.type) {
      case "resync":
      case "leaderFill": {
        // A fill mimik never had live (the journal's, from a snapshot) is no live fill: the re-sync
        // row already says what the gap cost, and a first start would fill the pane with the day.
        if (event.type === "leaderFill" && event.history) return;
        const record: FillRecord = { fill: event, results: [] };
        this.fills.unshift(record);
        this.fillIndex.set(fillKey(event.group, event.fillId), record);
        if (this.fills.length > this.maxFills) {
          const dropped = this.fills.pop();
          if (dropped) this.fillIndex.delete(fillKey(dropped.fill.group, dropped.fill.fillId));
        }
        return;
      }
      case "copy": {
        const record = this.fillIndex.get(fillKey(event.group, event.fillId));
        if (!record) return;
        const result: FillResult = {
          follower: event.follower,
          outcome: event.outcome,
          reason: event.reason,
          side: event.side,
          qty: event.qty,
          contract: event.contract,
          latencyMs: event.latencyMs,
        };
        // Each fill of the order is told once, with its own size (before the ack: those so far).
        if (event.outcome === "filled") result.filled = event.qty;
        // One result per follower and contract: a re-sync's orders in two contracts are two lines.
        const at = record.results.findIndex(
          (r) => r.follower === event.follower && r.contract === event.contract,
        );
        const prior = record.results[at];
        if (!prior) {
          record.results.push(result);
          return;
        }
        // Another order for the same line (a flip sent in two halves): its size adds to the line's.
        const qty =
          event.outcome === "sent" && prior.qty !== undefined && event.qty !== undefined
            ? prior.qty + event.qty
            : (prior.qty ?? result.qty);
        // A fill can be reported before its ack (both ride one frame): never step back from it.
        if (OUTCOME_RANK[event.outcome] < OUTCOME_RANK[prior.outcome]) {
          if (qty !== prior.qty) record.results[at] = { ...prior, qty };
        }
        // What a later report leaves out (a fill's latency, say) stays as the earlier one had it.
        else
          record.results[at] = {
            follower: prior.follower,
            outcome: result.outcome,
            // An ack or a fill names only itself ("filled"): why the order went out as it did
            // ("capped by max contracts", "close only") stays. Its size stays the order's, not
            // one partial fill's.
            reason: result.reason === result.outcome ? prior.reason : result.reason,
            side: result.side ?? prior.side,
            qty,
            filled: result.filled === undefined ? prior.filled : (prior.filled ?? 0) + result.filled,
            contract: result.contract ?? prior.contract,
            latencyMs: result.latencyMs ?? prior.latencyMs,
          };
        return;
      }
      case "followerState": {
        const live = this.follower(event.follower);
        live.state = event.state;
        live.reason = event.reason;
        live.unsaved = event.unsaved === true;
        live.pricesStale = event.pricesStale === true;
        return;
      }
      case "risk":
        this.follower(event.follower).risk = event;
        return;
      case "syncStatus": {
        const live = this.follower(event.follower);
        const others = live.outOfSync.filter((s) => s.contract !== event.contract);
        live.outOfSync = event.inSync ? others : [...others, event];
        return;
      }
      case "exitPending": {
        const live = this.follower(event.follower);
        const others = live.exitsPending.filter((s) => s.contract !== event.contract);
        live.exitsPending = event.pending ? [...others, event] : others;
        return;
      }
      case "connectionStatus":
        this.connections.set(event.connection, {
          state: event.state,
          reason: event.reason,
          marketData: event.marketData,
          unreadable: event.unreadable,
        });
        return;
      case "budget":
        this.budgets.set(event.connection, event.budget);
        return;
      case "positions":
        this.positions.set(event.account, event.positions);
        return;
      case "workingOrders":
        this.workingOrders.set(event.account, { orders: event.orders, notMirrored: event.notMirrored });
        return;
      case "latency":
        this.latency = { p50: event.p50, p99: event.p99, count: event.count };
        return;
      case "window":
        if (event.held === undefined && event.next === undefined) this.windows.delete(event.group);
        else this.windows.set(event.group, { held: event.held, next: event.next });
        return;
      case "alert":
        this.alertSeq += 1;
        this.alerts.unshift({ seq: this.alertSeq, at: event.at, level: event.level, message: event.message });
        if (this.alerts.length > this.maxAlerts) this.alerts.length = this.maxAlerts;
        return;
    }
  }

  private build(): EngineSnapshot {
    this.version += 1;
    const followers = new Map<string, FollowerLive>();
    for (const [name, live] of this.followers) followers.set(name, { ...live });
    return {
      version: this.version,
      config: this.config,
      connections: new Map(this.connections),
      budgets: new Map(this.budgets),
      positions: new Map(this.positions),
      workingOrders: new Map(this.workingOrders),
      latency: this.latency,
      windows: new Map(this.windows),
      followers,
      fills: this.fills.map((f) => ({ fill: f.fill, results: [...f.results] })),
      alerts: [...this.alerts],
    };
  }
}

const OUTCOME_RANK: Record<CopyEvent["outcome"], number> = {
  skipped: 0,
  shadow: 1,
  sent: 1,
  accepted: 2,
  rejected: 3,
  filled: 4,
};

function fillKey(group: string, fillId: number): string {
  return `${group}\u0000${fillId}`;
}
