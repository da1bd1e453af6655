/**
 * What the screen shows, as plain data: src/app/buildScreen.ts makes a ScreenVM from the
 * EngineStore's snapshot (the config and everything the engine reported) and the screen state
 * (screenState.ts: selection, help, question, form). components/ only ever receive these
 * shapes, so panes can be rendered and tested without an engine. Everything here is already
 * formatted where formatting is a product decision (sizing text, position text, the CT clock);
 * money stays numeric so panes can sign and abbreviate it to fit their columns.
 */
import type { Sizing } from "../../data/schema.js";
import { type ConnectionState, type FollowerState, type Side, SKIP_REASONS } from "../../engine/index.js";
import type { FormSpec, FormState } from "./forms/form.js";
import type { ReportScreen } from "./screenState.js";

export type Mode = "SIM" | "DEMO" | "LIVE";

/**
 * A list read by index: an array, or, for what can be long (a fill's results at 200 followers),
 * items made only when read, so that a frame formats the few a pane shows.
 */
export type Lines<T> = readonly T[] | MadeWhenRead<T>;

export interface MadeWhenRead<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/** Lines of `items`, each made by `make` when it is read. */
export function linesOf<S, T>(items: readonly S[], make: (item: S, index: number) => T): MadeWhenRead<T> {
  return {
    length: items.length,
    at: (index) => {
      const item = items[index];
      return item === undefined ? undefined : make(item, index);
    },
  };
}

export interface ConnectionVM {
  name: string;
  state: ConnectionState;
  /** Its quotes stopped (the alert says why). */
  noQuotes?: boolean;
}

export interface HeaderVM {
  mode: Mode;
  connections: ConnectionVM[];
  /** Copy latency percentiles in ms; undefined until the first copy. */
  latency: { p50: number; p99: number } | undefined;
  /**
   * The tightest login's request budget (the smallest share left): left in its broker's window
   * (Tradovate's hour, ProjectX's minute), how long an hour's lasts at the current pace
   * (undefined when it does not run out), and whether a broker stopped us. `left` is undefined
   * until a login has reported a budget (the screen is drawn before the engine starts).
   */
  rateBudget: {
    left: number | undefined;
    windowMs: number;
    lastsMs?: number | undefined;
    blocked?: boolean | undefined;
  };
  /** Wall clock in America/Chicago, already formatted (e.g. "14:03:22"). */
  clockCT: string;
  /**
   * Issue 16: the soonest trading-window change of any group, with its countdown ("NQ Scalps:
   * openings close 15:00 CT in 1h12m"); undefined when no group has windows.
   */
  window?: string | undefined;
}

export interface GroupRowVM {
  name: string;
  leader: string;
  active: boolean;
  followerCount: number;
  /** Issue 16: why its trading window holds openings back now (exits still copy); undefined = it does not. */
  windowHeld?: string | undefined;
}

export type FollowerStateVM = "ACTIVE" | "LIQ-ONLY" | "LOCKED";

export interface SyncVM {
  contract: string;
  has: number;
  expects: number;
}

export interface FollowerRowVM {
  account: string;
  label?: string | undefined;
  /** The broker the account is at, by name: "Tradovate" or "ProjectX". */
  broker: string;
  connection: ConnectionState;
  /** e.g. "×0.5" or "2 fixed"; see sizingText. */
  sizing: string;
  enabled: boolean;
  state: FollowerStateVM;
  /** A shadow follower (issue 16): decided for, nothing sent; its position is the would-be one. */
  shadow?: boolean | undefined;
  /** Why the follower is LIQ-ONLY or LOCKED ("manual", "daily loss 500 reached"). */
  stateReason?: string | undefined;
  /** Its login has no market data: risk values its positions at their last price, openings held. */
  pricesStale?: boolean | undefined;
  /** e.g. "NQZ6 +2", "flat", "NQZ6 +2, ESZ6 -1", or "unknown" before its broker said; see positionText. */
  position: string;
  /** Its broker has not reported its positions yet: neither its position nor its sync is known. */
  positionUnknown?: boolean | undefined;
  /** Its login could not read it (the broker's words): unknown, nothing copied to it until it reads. */
  unreadable?: string | undefined;
  dayPnl?: number | undefined;
  /** Dollars left before the daily loss limit; undefined when there is no limit. */
  roomDaily?: number | undefined;
  /** Its daily loss limit is waived until the 17:00 CT roll (a forced unlock): no room to show. */
  dailyWaived?: boolean | undefined;
  /** A forced unlock waived its daily and weekly limits until the 17:00 CT roll. */
  limitsWaived?: boolean | undefined;
  /** Dollars left above the trailing floor; undefined when there is no limit. */
  roomTrailing?: number | undefined;
  /** Set only while the follower is out of sync with the sizing rule. */
  sync?: SyncVM | undefined;
  /** Set only while an exit of the follower failed and is being retried (the first such contract). */
  exitPending?: ExitPendingVM | undefined;
  /** Its working orders (issue 14), each with the leader order it mirrors. */
  orders?: WorkingOrderVM[] | undefined;
  /** Leader orders not mirrored for it, and why. */
  notMirrored?: { leaderOrderId: number; reason: string }[] | undefined;
}

/** An exit that failed and is tried again: where it stands, why the last try failed, when the next goes. */
export interface ExitPendingVM {
  contract: string;
  has: number;
  goal: number;
  reason: string;
  /** Formatted CT time of the next try, e.g. "14:03:25". */
  nextTry?: string | undefined;
}

export interface WorkingOrderVM {
  side: Side;
  qty: number;
  contract: string;
  /** Limit, Stop, StopLimit … */
  orderType: string;
  /** "6820" (limit), "6790" (stop), "6790/6789.75" (stop-limit), "6790 (trail 4)" (trailing stop). */
  price: string;
  /** Working, Suspended (waits for its entry) … */
  status: string;
  /** The leader order it mirrors; undefined for one mimik did not place. */
  leaderOrderId?: number | undefined;
}

/** A copy's outcome; `mirrored`: skipped because the follower's own mirrored order answers the fill. */
export type CopyOutcomeVM = "sent" | "accepted" | "filled" | "skipped" | "mirrored" | "rejected" | "shadow";

export interface FillResultVM {
  follower: string;
  outcome: CopyOutcomeVM;
  /** A skip's or a rejection's reason; an order's side, size and contract, and why when it says more. */
  reason: string;
  /** A copy whose reason says more than its order (capped, close only): named when read in full. */
  noted?: true | undefined;
  latencyMs?: number | undefined;
}

export interface FillRowVM {
  /** Stable React key (e.g. the leader fill id). */
  id: string;
  /** Formatted CT time, e.g. "14:03:22". */
  time: string;
  leader: string;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  /** One per follower: made when read, since a frame shows only the few that fit. */
  results: Lines<FillResultVM>;
  /**
   * Set for a re-sync instead of a leader fill: what it says ("DEMO2001 synced; leader ESZ6 flat").
   * The exits it made up (reason "reconcile") are its results; the fill fields are not shown.
   */
  resync?: string | undefined;
}

export type AlertLevel = "info" | "warn" | "error";

export interface AlertVM {
  id: string;
  time: string;
  level: AlertLevel;
  text: string;
}

export type PaneId = "groups" | "followers" | "fills" | "alerts";

export const PANE_ORDER: readonly PaneId[] = ["groups", "followers", "fills", "alerts"];

export interface SelectionVM {
  focus: PaneId;
  /** Index into ScreenVM.groups; the followers pane shows this group's followers. */
  group: number;
  /** Index into ScreenVM.followers. */
  follower: number;
  /** Index into ScreenVM.fills (newest first). */
  fill: number;
  /** Index into ScreenVM.alerts (newest first). */
  alert: number;
}

/** What covers the panes (help, a form) or the hint bar (a question), if anything. */
export type OverlayVM =
  | { kind: "none" }
  | { kind: "help"; offset?: number | undefined }
  | { kind: "confirm"; message: string }
  | { kind: "form"; spec: FormSpec<unknown>; state: FormState<unknown> }
  | { kind: "report"; report: ReportScreen };

export interface ScreenVM {
  header: HeaderVM;
  groups: GroupRowVM[];
  /** Followers of the selected group. */
  followers: FollowerRowVM[];
  /** Newest first; the store keeps this bounded. */
  fills: FillRowVM[];
  /** Newest first; the store keeps this bounded. */
  alerts: AlertVM[];
  selection: SelectionVM;
  overlay: OverlayVM;
  /** One-line message for the hint bar, e.g. why a key did nothing. */
  flash?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Small formatters buildScreen uses to fill the view models the same way everywhere.

export function stateVM(state: FollowerState): FollowerStateVM {
  return state === "LIQUIDATE_ONLY" ? "LIQ-ONLY" : state;
}

/**
 * Why `r` has nothing to do for a follower not shown OUT OF SYNC. One standing aside (its group
 * paused, itself off, locked) follows exits only: "in sync" beside a long leader misread it.
 */
export function inSyncWhy(
  f: { enabled: boolean; state: FollowerStateVM; stateReason?: string | undefined },
  group: { active: boolean } | undefined,
): string {
  // The skip reasons' words: the fills pane and the journal say the same of the same cause.
  if (group?.active === false)
    return `${SKIP_REASONS.groupPaused}: its followers follow exits only (a resumes it)`;
  if (!f.enabled) return `${SKIP_REASONS.followerDisabled}: it follows exits only (space switches it on)`;
  if (f.state === "LOCKED") return "follower LOCKED: it follows exits only (u unlocks it)";
  // The broker's own lock (liquidation only at the firm) shows as LIQ-ONLY too: nothing of mimik's.
  if (f.state === "LIQ-ONLY" && f.stateReason?.startsWith(SKIP_REASONS.brokerLocked))
    return "the broker holds the account liquidation-only: it follows exits only";
  if (f.state === "LIQ-ONLY") return "follower being flattened";
  return "follower is in sync";
}

/** "×0.5" for a multiplier, "2 fixed" for a fixed size. */
export function sizingText(sizing: Sizing): string {
  return sizing.mode === "multiplier" ? `×${sizing.value}` : `${sizing.contracts} fixed`;
}

/** "+2", "-1", "0". */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : `${n}`;
}

/**
 * "NQZ6 +2" per open position, "flat" when there is none, "unknown" before the broker has said
 * (a login still down at start): the account may hold contracts, so it is not called flat.
 */
export function positionText(positions: readonly { contract: string; netPos: number }[] | undefined): string {
  if (positions === undefined) return "unknown";
  const open = positions.filter((p) => p.netPos !== 0);
  if (open.length === 0) return "flat";
  return open.map((p) => `${p.contract} ${signed(p.netPos)}`).join(", ");
}

/** The words design.md asks for: "OUT OF SYNC: has +0, expects +2". */
/** "EXIT PENDING ESZ6 +2 → +0, next try 14:03:25: RiskRejected: …" (the reason last: it may be long). */
export function exitPendingText(e: ExitPendingVM): string {
  const pos = (n: number) => (n >= 0 ? `+${n}` : `${n}`);
  const next = e.nextTry === undefined ? "" : `, next try ${e.nextTry}`;
  return `EXIT PENDING ${e.contract} ${pos(e.has)} → ${pos(e.goal)}${next}: ${e.reason}`;
}

export function syncText(sync: SyncVM): string {
  const pos = (n: number) => (n >= 0 ? `+${n}` : `${n}`);
  return `OUT OF SYNC: has ${pos(sync.has)}, expects ${pos(sync.expects)}`;
}

/** A countdown: "45s", "8m", "1h12m", "2d03h". */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, "0")}h`;
}

/** Group names in the header are cut to this many columns, so the line fits 80. */
const WINDOW_NAME_MAX = 16;

/**
 * The header's window text: the group whose window changes soonest, its next change and the time
 * left ("NQ Scalps: openings close 15:00 CT in 1h12m"), or what holds it when nothing changes
 * within the week. Undefined without windows.
 */
export function windowText(
  windows: ReadonlyMap<
    string,
    { held?: string | undefined; next?: { at: number; text: string } | undefined }
  >,
  now: number,
): string | undefined {
  let best:
    | { group: string; held?: string | undefined; next?: { at: number; text: string } | undefined }
    | undefined;
  for (const [group, w] of windows) {
    const at = w.next?.at ?? Number.POSITIVE_INFINITY;
    const bestAt = best?.next?.at ?? Number.POSITIVE_INFINITY;
    if (!best || at < bestAt) best = { group, ...w };
  }
  if (!best) return undefined;
  const name =
    best.group.length > WINDOW_NAME_MAX ? `${best.group.slice(0, WINDOW_NAME_MAX - 1)}…` : best.group;
  if (best.next) return `${name}: ${best.next.text} in ${countdown(best.next.at - now)}`;
  return best.held ? `${name}: ${best.held}` : undefined;
}
