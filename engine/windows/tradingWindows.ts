import type { Config } from "../../data/schema.js";
import type { FollowerGate } from "../copier/ports.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import type { Clock, EngineEvent, EpochMs, WindowReason } from "../types.js";
import {
  type Blackout,
  compileRules,
  hasRules,
  type WindowRules,
  type WindowState,
  windowState,
} from "./schedule.js";

export interface TradingWindowsDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  /** Flatten and lock these followers, lock kind "window" (risk's flatten-and-lock path). */
  flattenAndLock(followers: string[], reason: string): Promise<unknown>;
  /** Whether a window lock holds the follower: flat and "locked", still "liquidating", or none. */
  windowLock(follower: string): "locked" | "liquidating" | undefined;
  unlock(follower: string): Promise<Outcome>;
  /** A group's window now holds openings back, or no longer does: its followers are looked at again. */
  changed(followers: readonly string[]): void;
  /** How often the clock is looked at (a laptop waking up past a boundary); default 1000 ms. */
  tickMs?: number | undefined;
}

interface GroupWindow {
  name: string;
  rules: WindowRules;
  followers: string[];
  state: WindowState;
  evaluatedAt: EpochMs;
  /** The flatten (by its instant) already done in this process: one per flat-by or blackout. */
  flattenedSince?: EpochMs | undefined;
  /** Followers a window lock may still hold: looked at while openings are allowed, until none. */
  unlockPending: boolean;
}

/** A follower's group, and its combined gate (rebuilt only when risk's gate or the window's reason changes). */
interface FollowerEntry {
  group: GroupWindow;
  combined?: { risk: FollowerGate; window: WindowReason; gate: FollowerGate } | undefined;
}

/**
 * The groups' trading windows (issue 16), kept current on a timer so the copy path reads one
 * field: gate() adds the group's reason to risk's gate (the same object when nothing is held).
 * At a flat-by time, or `flattenMinutesBefore` a blackout, the group's followers are flattened and
 * locked (kind "window"); once the window allows openings again, window locks are lifted. A
 * follower locked for another reason (a limit, by hand) keeps that lock: risk never lets a
 * window lock replace a stronger one.
 */
export class TradingWindows {
  private readonly groups = new Map<string, GroupWindow>();
  private readonly byFollower = new Map<string, FollowerEntry>();
  private config: Config | undefined;
  private calendars: Readonly<Record<string, readonly Blackout[]>> = {};
  private timer: unknown;
  private running = false;

  constructor(private readonly deps: TradingWindowsDeps) {}

  /** Hot path: one map lookup; a new object only when the window's reason or risk's gate changed. */
  gate(follower: string, risk: FollowerGate): FollowerGate {
    const entry = this.byFollower.get(follower);
    const held = entry?.group.state.held;
    if (entry === undefined || held === undefined) return risk;
    const c = entry.combined;
    if (c !== undefined && c.risk === risk && c.window === held) return c.gate;
    const gate = Object.freeze({ ...risk, window: held });
    entry.combined = { risk, window: held, gate };
    return gate;
  }

  /** The groups and their windows; takes effect at once (a window that now holds, holds now). */
  setConfig(config: Config): void {
    this.config = config;
    this.rebuild();
  }

  /** The blackouts of each calendar file, by the file as the config names it. */
  setCalendars(calendars: Readonly<Record<string, readonly Blackout[]>>): void {
    this.calendars = calendars;
    this.rebuild();
  }

  /** Says each group's state (listeners attach after the config is set) and starts acting on it. */
  start(): void {
    this.running = true;
    const now = this.deps.clock.now();
    for (const g of this.groups.values()) {
      const { held, next } = g.state;
      if (hasRules(g.rules)) this.deps.emit({ type: "window", at: now, group: g.name, held, next });
    }
    this.tick();
  }

  stop(): void {
    this.running = false;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private rebuild(): void {
    const config = this.config;
    if (!config) return;
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    const before = new Map(this.byFollower);
    this.byFollower.clear();
    for (const group of config.groups) {
      seen.add(group.name);
      const file = group.windows?.blackouts?.file;
      const rules = compileRules(group.windows, file === undefined ? [] : (this.calendars[file] ?? []));
      let g = this.groups.get(group.name);
      if (!g) {
        g = {
          name: group.name,
          rules,
          followers: [],
          state: { until: now },
          evaluatedAt: now,
          unlockPending: true,
        };
        this.groups.set(group.name, g);
      }
      g.rules = rules;
      g.followers = group.followers.map((f) => f.account);
      g.unlockPending = true;
      for (const f of g.followers) {
        const was = before.get(f);
        this.byFollower.set(f, { group: g, combined: was?.group === g ? was.combined : undefined });
      }
      this.evaluate(g, now, true);
    }
    for (const [name, g] of this.groups) {
      if (seen.has(name)) continue;
      this.groups.delete(name);
      if (hasRules(g.rules) && this.running) this.deps.emit({ type: "window", at: now, group: name });
    }
    if (this.running) this.schedule();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.deps.clock.now();
    for (const g of this.groups.values()) this.evaluate(g, now, false);
    this.schedule();
  }

  private schedule(): void {
    this.deps.clock.clearTimeout(this.timer);
    const now = this.deps.clock.now();
    let until = Number.POSITIVE_INFINITY;
    for (const g of this.groups.values()) until = Math.min(until, g.state.until);
    // At the boundary, or a tick from now at the latest (a window lock waiting to be lifted, a
    // clock that jumped): a timer set for hours ahead would miss a laptop's sleep.
    const wait = Math.min(this.deps.tickMs ?? 1000, Math.max(0, until - now));
    this.timer = this.deps.clock.setTimeout(() => this.tick(), wait);
  }

  private evaluate(g: GroupWindow, now: number, force: boolean): void {
    const { deps } = this;
    // A clock set back is looked at again too: the state holds only forward of when it was made.
    if (force || now >= g.state.until || now < g.evaluatedAt) {
      const was = g.state;
      g.state = windowState(g.rules, now);
      g.evaluatedAt = now;
      // Before start() nobody listens yet (start says every state) and risk has not loaded its
      // saved locks: nothing is said, flattened or unlocked.
      if (!this.running) return;
      const s = g.state;
      if (s.held !== was.held || s.next?.at !== was.next?.at || s.next?.text !== was.next?.text) {
        if (hasRules(g.rules) || was.held !== undefined || was.next !== undefined)
          deps.emit({ type: "window", at: now, group: g.name, held: s.held, next: s.next });
      }
      if (s.held !== was.held) {
        if (was.held !== undefined || s.held !== undefined)
          deps.emit({
            type: "alert",
            at: now,
            level: "info",
            group: g.name,
            message:
              s.held === undefined
                ? `${g.name}: openings allowed again`
                : `${g.name}: openings held back (${s.held}); exits still follow the leader`,
          });
        deps.changed(g.followers);
      }
    }
    if (!this.running) return;
    const flatten = g.state.flatten;
    if (flatten && g.flattenedSince !== flatten.since) {
      g.flattenedSince = flatten.since;
      g.unlockPending = true;
      // Already flat and window-locked (a restart in the middle of it): nothing to do again.
      const targets = g.followers.filter((f) => deps.windowLock(f) !== "locked");
      if (targets.length > 0) void deps.flattenAndLock(targets, flatten.reason);
    }
    if (g.state.held === undefined && g.unlockPending) {
      let waiting = false;
      for (const f of g.followers) {
        const lock = deps.windowLock(f);
        if (lock === "locked") void this.lift(g, f);
        else if (lock === "liquidating") waiting = true;
      }
      g.unlockPending = waiting;
    }
  }

  /**
   * Lift a window lock. One refused because the account's balance is not in yet (its limits
   * cannot be checked) is tried again at the next tick; any other refusal is a limit's to keep.
   */
  private async lift(g: GroupWindow, follower: string): Promise<void> {
    const outcome = await this.deps.unlock(follower);
    if (outcome.status === "refused" && outcome.reason === REFUSALS.balanceUnknown) g.unlockPending = true;
  }
}
