import { type Outcome, REFUSALS } from "../outcome.js";
import type { Clock, EpochMs, FlattenCommand, LockKind } from "../types.js";
import { type Exposure, Flattener, type Liquidator } from "./flattener.js";
import {
  flattenNotSent,
  flattenPlaced,
  flattenRefused,
  flattenSending,
  STAMPED_AHEAD_MS,
  sendingSaved,
} from "./flattenOrders.js";
import type { FollowerRisk } from "./followerRisk.js";
import { lockManually, markFlat, startLiquidation, unlock } from "./lockMachine.js";

/** What a flatten-and-lock from outside risk is: by hand, or a group's trading window (issue 16). */
export type FlattenKind = Extract<LockKind, "manual" | "window">;

/** A flatten's kind, or one command by hand of many followers (its name): announced as one. */
export type FlattenBy = FlattenKind | { command: string };

export interface LockKeeperDeps {
  clock: Clock;
  liquidator: Liquidator;
  follower(name: string): FollowerRisk | undefined;
  /** A follower a manual action may act on, or the reason it may not. */
  target(name: string): FollowerRisk | string;
  /** A follower of the current config and a leader nowhere. */
  mayTarget(f: FollowerRisk): boolean;
  /** Its working orders and open positions, fresh from its session; undefined when not connected. */
  exposure(f: FollowerRisk): Exposure | undefined;
  tradingDay(): string;
  /** One of our orders for the follower is in flight or unacknowledged: it cannot be called flat yet. */
  busy(name: string): boolean;
  /** Writes the record now: true once on disk (false: kept in memory, retried). */
  save(f: FollowerRisk): Promise<boolean>;
  /** The record changed: rebuild the gate and announce the state. */
  refresh(f: FollowerRisk): void;
  /** Announce the figures now (a state change is never held back). */
  snapshot(f: FollowerRisk): void;
  /** Unlocked by hand: `waiveDaily` forced past a daily limit, waived until the roll. */
  unlocked(f: FollowerRisk, waiveDaily: boolean): void;
  /** Value the follower again (after an unlock its limits are watched again). */
  revalue(f: FollowerRisk): void;
  /**
   * ACTIVE again out of a lock: unlocked by hand, or flat once its flatten ended past the roll that
   * cleared its lock. `flattenStopped`: a flatten of it was under way, so the leader's exits left
   * to that flatten are owed again, and what differs from the rule is shown once it settles.
   */
  activeAgain(name: string, flattenStopped: boolean): void;
  alert(level: "info" | "warn" | "error", message: string, f: FollowerRisk): void;
}

/**
 * Takes followers through the lock machine: a breach or a flatten-and-lock → LIQUIDATE_ONLY →
 * flatten → LOCKED once the broker reports flat; a lock without a flatten; an unlock by hand.
 * Each new record is shown at once and saved, and a LIQUIDATE_ONLY record is saved before the
 * first order of its flatten leaves. Owns the flattener (attempts, retries) that does the work.
 */
export class LockKeeper {
  private readonly flattener: Flattener;
  /** Breaches whose lock is on its way to disk, per follower: their flatten waits for it. */
  private readonly saving = new Map<string, number>();
  /** Flatten commands by hand of many followers so far: each one's id. */
  private commands = 0;
  /** When a breach's lock went to disk with the closes its flatten was about to send (sending). */
  private readonly stampedAhead = new Map<string, EpochMs>();
  /** The time a breach stamped its closes under, on disk or not, until its first attempt ends. */
  private readonly stamped = new Map<string, EpochMs>();

  constructor(private readonly deps: LockKeeperDeps) {
    const mayTarget = (name: string) => {
      const f = deps.follower(name);
      return f !== undefined && deps.mayTarget(f);
    };
    this.flattener = new Flattener({
      clock: deps.clock,
      liquidator: deps.liquidator,
      mayTarget,
      state: (name) => deps.follower(name)?.record.state,
      exposure: (name) => {
        const f = deps.follower(name);
        return f ? deps.exposure(f) : undefined;
      },
      isFlat: (name) => {
        const f = deps.follower(name);
        return f === undefined || this.flatAndIdle(f);
      },
      busy: (name) => deps.busy(name),
      unreadable: (name) => {
        const f = deps.follower(name);
        return f ? this.unreadable(f) : undefined;
      },
      blockedUntil: (name) => deps.follower(name)?.holdings.route?.session.rateBudget().blockedUntil,
      flat: (name) => this.lockFlat(deps.follower(name)),
      placed: (name, order) => {
        const f = deps.follower(name);
        if (!f) return;
        f.record = flattenPlaced(f.record, order);
        void deps.save(f);
      },
      sending: async (name, contract, now) => {
        const f = deps.follower(name);
        if (!f) return now;
        // The first attempt's closes were saved with the lock a moment ago: no second write.
        const ahead = this.stampedAhead.get(name);
        if (ahead !== undefined && now - ahead <= STAMPED_AHEAD_MS && sendingSaved(f.record, contract, ahead))
          return ahead;
        f.record = flattenSending(f.record, contract, now);
        await deps.save(f);
        return now;
      },
      attempted: (name) => {
        const at = this.stamped.get(name);
        this.stamped.delete(name);
        const f = deps.follower(name);
        if (at === undefined || !f) return;
        const kept = flattenNotSent(f.record, at);
        if (kept === f.record) return;
        f.record = kept;
        void deps.save(f);
      },
      refused: (name, contract, sentAt) => {
        const f = deps.follower(name);
        if (!f) return;
        f.record = flattenRefused(f.record, contract, sentAt);
        void deps.save(f);
      },
      alert: (level, message, name) => {
        const f = deps.follower(name);
        if (f) deps.alert(level, message, f);
      },
    });
  }

  flattenAttempts(f: FollowerRisk): number {
    return this.flattener.attemptsOf(f.name);
  }

  /** Flatten and lock each named follower (same path as a breach). Leaders and unknown names are refused. */
  flattenAndLock(followers: string[], reason: string, by: FlattenBy = "manual"): Promise<Outcome[]> {
    const kind = typeof by === "string" ? by : "manual";
    const command = typeof by === "string" ? undefined : { id: ++this.commands, what: by.command };
    return Promise.all(
      followers.map(async (name): Promise<Outcome> => {
        const f = this.deps.target(name);
        if (typeof f === "string") return { target: name, status: "refused", reason: f };
        if (f.record.state === "LIQUIDATE_ONLY") return this.stillLiquidating(f, kind, reason, command);
        return this.breach(f, kind, reason, command);
      }),
    );
  }

  /**
   * A limit tripped, or the trader flattens: openings stop at once, the flatten starts once saved.
   * `command`: the flatten by hand of many followers this is part of (none: its own news).
   */
  async breach(f: FollowerRisk, kind: LockKind, reason: string, command?: FlattenCommand): Promise<Outcome> {
    const { deps } = this;
    f.record = startLiquidation(f.record, kind, reason, deps.clock.now());
    f.command = command;
    this.flattener.begin(f.name);
    deps.refresh(f);
    deps.snapshot(f);
    const kept = f.record.lockReason;
    const still = kept !== undefined && kept !== reason ? ` (still locked: ${kept})` : "";
    deps.alert("warn", `${f.name}: ${reason}: liquidate only, flattening${still}`, f);
    // The lock must be on disk before the first order leaves, so a crash cannot forget it; if the
    // disk refuses, the flatten still goes (the lock is kept in memory and its save retried). The
    // closes about to go are in the same write (flattenSending): one write before the first order.
    const at = deps.clock.now();
    if (!f.shadow)
      for (const p of deps.exposure(f)?.open ?? []) {
        f.record = flattenSending(f.record, p.contract, at);
        this.stamped.set(f.name, at);
      }
    this.saving.set(f.name, (this.saving.get(f.name) ?? 0) + 1);
    let saved: boolean;
    try {
      saved = await deps.save(f);
      if (saved) this.stampedAhead.set(f.name, at);
    } finally {
      const left = (this.saving.get(f.name) ?? 1) - 1;
      if (left > 0) this.saving.set(f.name, left);
      else this.saving.delete(f.name);
    }
    // Its login has not synced yet (a start past the flat-by time) or is away: nothing failed, and
    // an attempt now would only say "flatten failed" (an error on the trader's phone), or call it
    // flat from what the login's cache held when it dropped (blind to a position opened at the
    // broker since). The login's sync carries the flatten on at once (resume).
    const exposure = deps.exposure(f);
    const session = f.shadow ? undefined : f.holdings.route?.session;
    if (exposure === undefined || (session !== undefined && session.state() !== "connected")) {
      const waiting: Outcome = { target: f.name, status: "liquidating", reason: "waiting for its login" };
      return saved ? waiting : { ...waiting, saved: false };
    }
    const outcome = await this.flattener.flatten(f.name);
    return saved ? outcome : { ...outcome, saved: false };
  }

  /**
   * A flatten-and-lock of a follower already being flattened: that flatten goes on, but the lock
   * it ends in takes the longer-lasting kind. A trader who flattens by hand while a daily-loss or
   * flat-by flatten is still under way asked for a lock only a hand unlock clears; left as it was,
   * the 17:00 roll or the next trading window would have lifted it by itself.
   */
  private async stillLiquidating(
    f: FollowerRisk,
    kind: LockKind,
    reason: string,
    command: FlattenCommand | undefined,
  ): Promise<Outcome> {
    const { deps } = this;
    const liquidating: Outcome = { target: f.name, status: "liquidating", reason: "already liquidating" };
    const next = startLiquidation(f.record, kind, reason, deps.clock.now());
    if (next.lockKind === f.record.lockKind) return liquidating;
    f.record = next;
    // Its lock is now this command's: said with the command's, as the trader asked for it.
    f.command = command;
    deps.refresh(f);
    deps.snapshot(f);
    const until = kind === "manual" ? "until unlocked by hand" : `(${reason})`;
    deps.alert("warn", `${f.name}: ${reason}: already flattening; it stays locked ${until}`, f);
    const saved = await deps.save(f);
    return saved ? liquidating : { ...liquidating, saved: false };
  }

  /** Lock without flattening: openings stop, the position stays and its closes are still copied. */
  async lock(name: string, reason: string): Promise<Outcome> {
    const { deps } = this;
    const f = deps.target(name);
    if (typeof f === "string") return { target: name, status: "refused", reason: f };
    const before = f.record;
    f.record = lockManually(f.record, reason, deps.clock.now());
    if (f.record === before)
      return {
        target: f.name,
        status: "already locked",
        reason: before.lockReason ?? before.lockKind,
        ...(before.lockedAt === undefined ? {} : { since: before.lockedAt }),
      };
    f.command = undefined;
    deps.refresh(f);
    deps.snapshot(f);
    deps.alert("warn", `${f.name}: locked (${reason})`, f);
    const saved = await deps.save(f);
    // A lock taken over (a daily limit's) is said: "locked" alone hid that it was locked already,
    // and that it no longer clears at the roll.
    const replaces = before.state === "ACTIVE" ? undefined : (before.lockReason ?? before.lockKind);
    return {
      target: f.name,
      status: "locked",
      reason,
      ...(replaces === undefined ? {} : { replaces }),
      ...(saved ? {} : { saved: false }),
    };
  }

  /** Unlock by hand; refused while still past the trailing floor or a daily limit unless forced. */
  async unlock(name: string, force: boolean): Promise<Outcome> {
    const { deps } = this;
    const f = deps.follower(name);
    if (!f) return { target: name, status: "refused", reason: REFUSALS.notFollower };
    const wasState = f.record.state;
    const { cash, netLiq } = f.holdings;
    const outcome = unlock(f.record, {
      force,
      // Limits a forced unlock waived today hold nothing back: a window lock taken since must lift.
      limits: f.effectiveLimits,
      netLiq: cash === undefined ? undefined : netLiq,
    });
    if (!outcome.ok) return { target: f.name, status: "refused", reason: outcome.message };
    if (wasState === "ACTIVE") return { target: f.name, status: "already active" };
    this.flattener.stop(f.name);
    f.record = outcome.record;
    deps.unlocked(f, outcome.waiveDailyLimits);
    deps.refresh(f);
    deps.activeAgain(f.name, wasState === "LIQUIDATE_ONLY");
    deps.alert("info", `${f.name}: ${outcome.message}${force ? " (forced)" : ""}`, f);
    const saved = await deps.save(f);
    deps.revalue(f);
    deps.snapshot(f);
    const notes = outcome.notes.length > 0 ? outcome.notes.join("; ") : undefined;
    return { target: f.name, status: "unlocked", reason: notes, ...(saved ? {} : { saved: false }) };
  }

  /** The broker reported a position or a snapshot: a follower being flattened may be flat now. */
  positionsChanged(f: FollowerRisk): void {
    if (
      f.record.state === "LIQUIDATE_ONLY" &&
      this.flattener.attemptsOf(f.name) > 0 &&
      this.flatAndIdle(f) &&
      // The last picture of an account that cannot be read says nothing of its close: the read will.
      this.unreadable(f) === undefined &&
      !this.deps.busy(f.name)
    )
      this.lockFlat(f);
  }

  /**
   * Flat, and no order left working: a cancel's answer only says the broker took it (Tradovate's
   * order may still fill on the cancel's way), so a flatten is done once the orders are gone too.
   */
  private flatAndIdle(f: FollowerRisk): boolean {
    return f.holdings.isFlat() && (this.deps.exposure(f)?.orders.length ?? 0) === 0;
  }

  private unreadable(f: FollowerRisk): string | undefined {
    const route = f.holdings.route;
    return route?.session.unreadable?.(route.accountId);
  }

  /** After a restart, a reconnect or a config change: carry on a flatten that did not finish (see Flattener.resume). */
  resume(f: FollowerRisk, now = false): void {
    if (f.record.state !== "LIQUIDATE_ONLY" || !this.deps.mayTarget(f) || !f.holdings.route) return;
    // A breach taken in the same moment (a config edit, a sync) flattens once its lock is on disk.
    if (this.saving.has(f.name)) return;
    this.flattener.resume(f.name, now);
  }

  /** No further flatten attempt for this follower (it left the config). */
  stopFlatten(f: FollowerRisk): void {
    this.flattener.stop(f.name);
  }

  stop(): void {
    this.flattener.stopAll();
  }

  private lockFlat(f: FollowerRisk | undefined): void {
    if (f?.record.state !== "LIQUIDATE_ONLY") return;
    const { deps } = this;
    this.flattener.done(f.name);
    const { cash, netLiq } = f.holdings;
    const now = cash === undefined || netLiq === undefined ? undefined : { limits: f.limits, netLiq };
    const kind = f.record.lockKind;
    f.record = markFlat(f.record, deps.tradingDay(), now);
    deps.refresh(f);
    // A roll cleared its lock while it was being flattened: ACTIVE now, as after a hand unlock.
    if (f.record.state === "ACTIVE") deps.activeAgain(f.name, true);
    deps.snapshot(f);
    void deps.save(f);
    deps.alert(
      "info",
      f.record.state === "LOCKED"
        ? `${f.name}: flat, LOCKED (${f.record.lockReason ?? f.record.lockKind})`
        : `${f.name}: flat; its ${ROLLED_LOCKS[kind ?? "daily"] ?? kind} lock was cleared at the ${kind === "weekly" ? "Sunday " : ""}17:00 CT roll, ACTIVE`,
      f,
    );
  }
}

/** The locks a roll clears, as the trader knows their limits. */
const ROLLED_LOCKS: Partial<Record<LockKind, string>> = {
  daily: "daily loss",
  giveback: "daily give-back",
  profit: "daily profit target",
  weekly: "weekly loss",
  trades: "max trades",
};
