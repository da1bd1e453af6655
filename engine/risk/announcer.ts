import type { Clock, EngineEvent, FollowerState, LockKind } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import type { FollowerRisk } from "./followerRisk.js";
import { riskSnapshotEvent } from "./riskView.js";
import { SnapshotThrottle } from "./snapshotThrottle.js";

interface Shown {
  state: FollowerState;
  reason: string | undefined;
  unsaved: boolean;
  pricesStale: boolean;
  lockKind: LockKind | undefined;
}

const ACTIVE: Shown = {
  state: "ACTIVE",
  reason: undefined,
  unsaved: false,
  pricesStale: false,
  lockKind: undefined,
};

/** Mimik's own lock, as an unsaved line carries it (the broker's lock is not one). */
function lockOf(f: FollowerRisk): { lockKind?: LockKind; lockedAt?: number } {
  const { state, lockKind, lockedAt } = f.record;
  if (state === "ACTIVE" || lockKind === undefined) return {};
  return { lockKind, ...(lockedAt === undefined ? {} : { lockedAt }) };
}

/**
 * What risk tells the rest of mimik about each follower, and what it last told: the shown state
 * (a FollowerStateEvent only when it changes), throttled snapshots of the figures, and alerts.
 * The shown state is the lock state, except that the broker's own lock shows through on an
 * ACTIVE follower, and it says when the record behind it is not on disk and when its login has
 * no market data (its limits are blind, its openings held).
 */
export class RiskAnnouncer {
  private readonly shown = new Map<string, Shown>();
  private readonly snapshots: SnapshotThrottle;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (event: EngineEvent) => void,
    snapshotIntervalMs: number,
    follower: (name: string) => FollowerRisk | undefined,
  ) {
    this.snapshots = new SnapshotThrottle(clock, snapshotIntervalMs, (name) =>
      this.sendSnapshot(follower(name)),
    );
  }

  /** Announce the follower's state if it changed since it was last announced. */
  state(f: FollowerRisk, unsaved: boolean): void {
    const state = f.record.state;
    let shownState: FollowerState = state;
    let reason = state === "ACTIVE" ? undefined : f.record.lockReason;
    if (state === "ACTIVE" && f.broker.locked) {
      shownState = "LOCKED";
      reason = SKIP_REASONS.brokerLocked;
    } else if (state === "ACTIVE" && f.broker.liquidateOnly) {
      shownState = "LIQUIDATE_ONLY";
      reason = SKIP_REASONS.brokerLocked;
    }
    const last = this.shown.get(f.name) ?? ACTIVE;
    const { pricesStale } = f;
    const { lockKind } = f.record;
    const same =
      last.state === shownState &&
      last.reason === reason &&
      last.unsaved === unsaved &&
      last.lockKind === lockKind;
    if (same && last.pricesStale === pricesStale) return;
    this.shown.set(f.name, { state: shownState, reason, unsaved, pricesStale, lockKind });
    this.emit({
      type: "followerState",
      at: this.clock.now(),
      follower: f.name,
      state: shownState,
      reason,
      ...(unsaved ? { unsaved: true, ...lockOf(f) } : {}),
      ...(pricesStale ? { pricesStale: true } : {}),
      // Last: journal lines and headless JSON keep the field order they had.
      ...(f.group === undefined ? {} : { group: f.group }),
      // Only with mimik's own lock: the broker's lock on an ACTIVE record is no command's.
      ...(f.command === undefined || state === "ACTIVE" ? {} : { command: f.command }),
    });
  }

  /** The follower's figures: now when urgent (its state changed), else at most once per interval. */
  snapshot(f: FollowerRisk, urgent: boolean): void {
    if (f.holdings.netLiq !== undefined) this.snapshots.request(f.name, urgent);
  }

  /** Tradovate's own risk status of the account changed (FollowerRisk.takeBrokerRisk). */
  brokerRisk(f: FollowerRisk): void {
    const { locked, liquidateOnly, adminAction } = f.broker;
    const what = locked ? "locked" : liquidateOnly ? "liquidation-only" : "cleared";
    const level = locked || liquidateOnly ? "warn" : "info";
    this.alert(level, `${f.name}: Tradovate risk status ${what} (${adminAction})`, f);
  }

  /** Its login's market data went down (`why`) or came back (PriceFeeds). */
  priceFeed(f: FollowerRisk, why: string | undefined): void {
    if (why === undefined) this.alert("info", `${f.name}: market data back; openings copied again`, f);
    else
      this.alert(
        "warn",
        `${f.name}: ${why}: market data down; positions at last prices, limits blind; openings held`,
        f,
      );
  }

  /** An alert event is the record (screen, headless, journal); logging it too would show it twice. */
  alert(level: "info" | "warn" | "error", message: string, f?: FollowerRisk): void {
    this.emit({ type: "alert", at: this.clock.now(), level, message, follower: f?.name, group: f?.group });
  }

  stop(): void {
    this.snapshots.stop();
  }

  private sendSnapshot(f: FollowerRisk | undefined): boolean {
    const netLiq = f?.holdings.netLiq;
    if (!f || netLiq === undefined) return false;
    this.emit(riskSnapshotEvent(f, netLiq, this.clock.now()));
    return true;
  }
}
