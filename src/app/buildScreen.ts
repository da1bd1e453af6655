import { brokerOf } from "../../data/schema.js";
import { priceWords } from "../../engine/index.js";
import type { ResyncEvent } from "../../engine/types.js";
import type { CommandContext, Scope } from "../screen/bindings.js";
import { copyDetail } from "../screen/copyDetail.js";
import { helpLines, helpRows } from "../screen/keymap.js";
import { helpPage, type Layout } from "../screen/layout.js";
import { keptIndex, type Pins, pinnedIndex, type RowIds } from "../screen/pinnedRows.js";
import { clampIndex, type ScreenState, scopeOf } from "../screen/screenState.js";
import {
  type FillRowVM,
  type FollowerRowVM,
  linesOf,
  type Mode,
  type OverlayVM,
  type PaneId,
  positionText,
  type ScreenVM,
  type SelectionVM,
  sizingText,
  stateVM,
  windowText,
} from "../screen/viewModel.js";
import type { EngineSnapshot } from "../store/engineStore.js";
import { resyncMade } from "../text/resyncWords.js";
import { keyContext } from "./keyContext.js";

const SHOWN_FILLS = 50;
/** The help overlay's length: the keymap is fixed, so it is counted once, not every frame. */
const HELP_LINES = helpLines(helpRows()).length;

/** Brokers by the names their traders know them by. */
export const BROKER_NAMES = { tradovate: "Tradovate", projectx: "ProjectX" } as const;
const SHOWN_ALERTS = 50;

const ctTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "America/Chicago",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

export function clockCT(at: number): string {
  return ctTime.format(at);
}

export interface ScreenView {
  vm: ScreenVM;
  /** Where keys are looked up now. */
  scope: Scope;
  /** What the bindings see: the hint bar's disabled reasons, the questions, the handlers. */
  ctx: CommandContext;
}

/**
 * One frame's worth of everything: the panes' data, the key scope and the bindings' context,
 * from the same snapshot and screen state, so what a key acts on is what the frame shows.
 */
export function screenView(
  snapshot: EngineSnapshot,
  state: ScreenState,
  view: { mode: Mode; now: number; layout: Layout },
): ScreenView {
  const vm = buildScreen(snapshot, state, view);
  const config = snapshot.config;
  const group = config.groups[vm.selection.group];
  const follower = group?.followers[vm.selection.follower];
  const help = view.layout.tooSmall ? undefined : helpPage(view.layout.body.width, view.layout.body.height);
  return {
    vm,
    scope: scopeOf(state),
    ctx: {
      ...keyContext(vm, snapshot),
      formField: state.form?.spec.fields[state.form.state.focus]?.kind,
      config,
      group,
      follower,
      counts: counts(vm),
      rowIds: {
        fills: vm.fills.map((f) => f.id),
        alerts: vm.alerts.map((a) => a.id),
        groups: vm.groups.map((g) => g.name),
        followers: vm.followers.map((f) => f.account),
      },
      helpMax: help ? Math.max(0, HELP_LINES - help.capacity) : 0,
      tooSmall: view.layout.tooSmall,
      screen: state,
    },
  };
}

/**
 * The store's snapshot (config and engine events folded) and the screen state → the plain data
 * the panes render. Pure.
 */
export function buildScreen(
  snapshot: EngineSnapshot,
  state: ScreenState,
  view: { mode: Mode; now: number },
): ScreenVM {
  const { config } = snapshot;
  const { selection } = state;
  // Looked up for every result row of every fill shown (50 fills × each follower): by name, once.
  const accounts = new Map(config.accounts.map((a) => [a.name, a]));
  const labelled = (name: string) => accounts.get(name)?.label ?? name;
  const groups = config.groups.map((g) => ({
    name: g.name,
    leader: labelled(g.leader),
    active: g.active,
    followerCount: g.followers.length,
    windowHeld: snapshot.windows.get(g.name)?.held,
  }));
  const groupAt = clampIndex(
    keptIndex(
      selection.group,
      state.pins?.groups,
      config.groups.map((g) => g.name),
    ),
    config.groups.length,
  );
  const group = config.groups[groupAt];
  const followers: FollowerRowVM[] = (group?.followers ?? []).map((f) => {
    const live = snapshot.followers.get(f.account);
    const risk = live?.risk;
    const sync = live?.outOfSync[0];
    const exit = live?.exitsPending[0];
    const account = accounts.get(f.account);
    const login = account ? snapshot.connections.get(account.connection) : undefined;
    const at = config.connections.find((c) => c.name === account?.connection);
    const state = live?.state ?? "ACTIVE";
    // A shadow's would-be position is mimik's own book: flat until its first would-be trade.
    const positions = snapshot.positions.get(f.account) ?? (f.shadow ? [] : undefined);
    return {
      account: f.account,
      label: account?.label,
      broker: BROKER_NAMES[at ? brokerOf(at) : "tradovate"],
      connection: login?.state ?? "connecting",
      unreadable: login?.unreadable?.find((u) => u.account.toUpperCase() === f.account.toUpperCase())?.reason,
      sizing: sizingText(f.sizing),
      enabled: f.enabled,
      shadow: f.shadow === true,
      state: stateVM(state),
      stateReason: stateReason(state, live?.reason, live?.unsaved === true, live?.pricesStale === true),
      pricesStale: live?.pricesStale === true,
      position: positionText(positions),
      positionUnknown: positions === undefined,
      dayPnl: risk?.dayPnl,
      roomDaily: risk?.roomDaily,
      // Only where there is a daily loss limit to waive: "waived" in place of its room.
      dailyWaived: risk?.waived === true && f.limits.dailyLoss !== undefined,
      limitsWaived: risk?.waived === true,
      roomTrailing: risk?.roomTrailing,
      sync: sync ? { contract: sync.contract, has: sync.has, expects: sync.expects } : undefined,
      exitPending: exit && {
        contract: exit.contract,
        has: exit.has,
        goal: exit.goal,
        reason: exit.reason,
        nextTry: exit.nextTryAt === undefined ? undefined : clockCT(exit.nextTryAt),
      },
      ...workingOrdersOf(snapshot, f.account),
    };
  });
  // Only what a pane can show (and scroll to) is turned into rows: the store keeps more.
  const fills: FillRowVM[] = snapshot.fills.slice(0, SHOWN_FILLS).map(({ fill, results }) => ({
    id: `${fill.group}:${fill.fillId}`,
    time: clockCT(fill.at),
    leader: labelled(fill.leader),
    ...(fill.type === "resync"
      ? { contract: "", side: "Buy" as const, qty: 0, price: 0, resync: resyncText(fill) }
      : { contract: fill.contract, side: fill.side, qty: fill.qty, price: fill.price }),
    results: linesOf(results, (r) => ({
      follower: labelled(r.follower),
      ...copyDetail(r),
      latencyMs: r.latencyMs,
    })),
  }));
  const alerts = snapshot.alerts.slice(0, SHOWN_ALERTS).map((a) => ({
    id: `alert:${a.seq}`,
    time: clockCT(a.at),
    level: a.level,
    text: a.message,
  }));
  const budgets = [...snapshot.budgets.values()];
  // Logins at different brokers count different windows: the tightest is the smallest share left.
  const share = (b: { left: number; limit: number }) => (b.limit > 0 ? b.left / b.limit : 0);
  const tightest = budgets.reduce<(typeof budgets)[number] | undefined>(
    (acc, b) => (acc === undefined || share(b) < share(acc) ? b : acc),
    undefined,
  );
  const lasts = budgets.reduce<number | undefined>(
    (acc, b) => (b.lastsMs === undefined ? acc : Math.min(acc ?? Number.POSITIVE_INFINITY, b.lastsMs)),
    undefined,
  );
  const rate = {
    left: tightest?.left,
    windowMs: tightest?.windowMs ?? 3_600_000,
    ...(lasts === undefined ? {} : { lastsMs: lasts }),
    blocked: budgets.some((b) => b.blockedUntil !== undefined && b.blockedUntil > view.now),
  };
  const latency = snapshot.latency;
  return {
    header: {
      mode: view.mode,
      connections: config.connections.map((c) => ({
        name: c.name,
        state: snapshot.connections.get(c.name)?.state ?? "connecting",
        ...(snapshot.connections.get(c.name)?.marketData ? { noQuotes: true } : {}),
      })),
      latency: latency && latency.count > 0 ? { p50: latency.p50, p99: latency.p99 } : undefined,
      rateBudget: rate,
      clockCT: clockCT(view.now),
      window: windowText(snapshot.windows, view.now),
    },
    groups,
    followers,
    fills,
    alerts,
    selection: clampSelection(
      pinnedSelection({ ...selection, group: groupAt }, state.pins, {
        fills: fills.map((f) => f.id),
        alerts: alerts.map((a) => a.id),
        followers: followers.map((f) => f.account),
      }),
      {
        groups: groups.length,
        followers: followers.length,
        fills: fills.length,
        alerts: alerts.length,
      },
    ),
    overlay: overlayOf(state),
    flash: state.flash,
  };
}

/** A follower's working orders and what was not mirrored for it, as the followers pane lists them. */
function workingOrdersOf(
  snapshot: EngineSnapshot,
  account: string,
): Pick<FollowerRowVM, "orders" | "notMirrored"> {
  const working = snapshot.workingOrders.get(account);
  if (!working) return {};
  return {
    orders: working.orders.map((o) => ({
      side: o.side,
      qty: o.qty,
      contract: o.contract,
      orderType: o.orderType,
      price: priceWords(o),
      status: o.status,
      leaderOrderId: o.leaderOrderId,
    })),
    notMirrored: working.notMirrored.map((n) => ({ leaderOrderId: n.leaderOrderId, reason: n.reason })),
  };
}

/** What covers the panes or the hint bar: a form, else a question, else the help, else the report. */
function overlayOf(state: ScreenState): OverlayVM {
  if (state.form) return { kind: "form", spec: state.form.spec, state: state.form.state };
  if (state.confirm) return { kind: "confirm", message: state.confirm.message };
  if (state.help !== undefined) return { kind: "help", offset: state.help };
  if (state.report) return { kind: "report", report: state.report };
  return { kind: "none" };
}

/**
 * The fill and the alert cursors on the rows they are pinned to, wherever newer rows have pushed
 * them; the follower cursor on the follower it was on, wherever a config edit has moved it.
 */
function pinnedSelection(s: SelectionVM, pins: Pins | undefined, ids: RowIds): SelectionVM {
  return {
    ...s,
    follower: keptIndex(s.follower, pins?.followers, ids.followers),
    fill: pinnedIndex(s.fill, pins?.fills, ids.fills),
    alert: pinnedIndex(s.alert, pins?.alerts, ids.alerts),
  };
}

/** The selection within the rows there are now (lists shrink when the config or the engine changes). */
export function clampSelection(s: SelectionVM, rows: Readonly<Record<PaneId, number>>): SelectionVM {
  return {
    focus: s.focus,
    group: clampIndex(s.group, rows.groups),
    follower: clampIndex(s.follower, rows.followers),
    fill: clampIndex(s.fill, rows.fills),
    alert: clampIndex(s.alert, rows.alerts),
  };
}

function counts(vm: ScreenVM): Record<PaneId, number> {
  return {
    groups: vm.groups.length,
    followers: vm.followers.length,
    fills: vm.fills.length,
    alerts: vm.alerts.length,
  };
}

/** What a re-sync header row says: "DEMO2001 synced; leader flat; missed exits made up". */
function resyncText(e: ResyncEvent): string {
  const held = e.positions.map((p) => `${p.contract} ${p.netPos > 0 ? "+" : ""}${p.netPos}`).join(", ");
  return `${e.cause}; leader ${held || "flat"}; ${resyncMade(e)}`;
}

/**
 * Why a follower is LIQ-ONLY or LOCKED; a lock held in memory only is said loudly, and so is risk
 * that cannot see prices (its login's market data is down).
 */
function stateReason(
  state: string,
  reason: string | undefined,
  unsaved: boolean,
  pricesStale: boolean,
): string | undefined {
  const parts = [
    state === "ACTIVE" ? undefined : reason,
    pricesStale ? PRICES_STALE : undefined,
    unsaved ? "NOT SAVED to the state file (retrying)" : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

const PRICES_STALE = "prices stale (market data down): limits blind, openings held";
