/**
 * Everything the screen remembers between key presses, and the one pure reducer that changes
 * it: the selection (focused pane, a cursor per pane, kept within the rows there are), the help
 * overlay (open, scrolled), the pending question and the open form. Engine data is not here:
 * that is the EngineStore's snapshot, which buildScreen combines with this state into a frame.
 */

import type { ReportViewModel } from "../report/viewModel.js";
import type { CommandContext, CommandId, Scope } from "./bindings.js";
import { type FormAction, reduceForm } from "./forms/form.js";
import type { OpenForm } from "./forms/openForm.js";
import { isPinnedPane, keptIndex, type Pins, pinAt, pinnedIndex, type RowIds } from "./pinnedRows.js";
import { PANE_ORDER, type PaneId, type SelectionVM } from "./viewModel.js";

export interface PendingConfirm {
  /** The dangerous command a "y" runs. */
  command: CommandId;
  /** The question on screen, naming what will happen. */
  message: string;
  /** The context the question was asked in: a "y" acts on exactly what the question named. */
  ctx: CommandContext;
}

export interface ScreenState {
  selection: SelectionVM;
  /** The fill and the alert the cursor stays on while newer ones arrive (pinnedRows.ts). */
  pins?: Pins | undefined;
  /** Lines the help overlay is scrolled; undefined while it is closed. */
  help: number | undefined;
  confirm: PendingConfirm | undefined;
  form: OpenForm | undefined;
  /** One line in place of the hints: what a command did, or why a key did nothing. */
  flash: string | undefined;
  /** The report view, while open: its rows once the journal is read (undefined while loading). */
  report?: ReportScreen | undefined;
}

export interface ReportScreen {
  view: ReportViewModel | undefined;
  selected: number;
  /** Why the journal could not be read. */
  error?: string | undefined;
}

export type ScreenAction =
  /** Move the focused pane's cursor, stopping at its first and last row. */
  | { type: "cursor"; step: number; counts: Readonly<Record<PaneId, number>>; ids?: RowIds | undefined }
  /** Every cursor back within the rows there are and on its pinned row, as buildScreen already shows it. */
  | { type: "clamp"; counts: Readonly<Record<PaneId, number>>; ids?: RowIds | undefined }
  | { type: "focus"; step: 1 | -1 }
  | { type: "help.open" }
  | { type: "help.close" }
  | { type: "help.scroll"; step: number; max: number }
  | { type: "confirm.ask"; command: CommandId; message: string; ctx: CommandContext }
  | { type: "confirm.close" }
  | { type: "form.open"; form: OpenForm }
  /** A form whose save was refused, back as it was left, unless something else was opened since. */
  | { type: "form.reopen"; form: OpenForm }
  | { type: "form.edit"; action: FormAction }
  | { type: "form.close" }
  | { type: "flash"; text: string | undefined }
  | { type: "report.open" }
  | { type: "report.loaded"; view: ReportViewModel }
  | { type: "report.failed"; error: string }
  | { type: "report.move"; step: number }
  | { type: "report.close" };

export const INITIAL_SCREEN: ScreenState = {
  selection: { focus: "groups", group: 0, follower: 0, fill: 0, alert: 0 },
  help: undefined,
  confirm: undefined,
  form: undefined,
  flash: undefined,
};

/** The scope keys are looked up in: whatever covers the panes, else the focused pane. */
export function scopeOf(state: ScreenState): Scope {
  if (state.form) return "form";
  if (state.confirm) return "confirm";
  if (state.help !== undefined) return "help";
  if (state.report) return "report";
  return state.selection.focus;
}

const CURSOR: Record<PaneId, "group" | "follower" | "fill" | "alert"> = {
  groups: "group",
  followers: "follower",
  fills: "fill",
  alerts: "alert",
};

export function screenReducer(state: ScreenState, action: ScreenAction): ScreenState {
  switch (action.type) {
    case "cursor": {
      const { focus } = state.selection;
      const field = CURSOR[focus];
      const rows = action.counts[focus];
      // From where the cursor is shown: a list that shrank has already pulled it back, a pinned
      // row has moved down with the rows that arrived above it.
      const ids = action.ids?.[focus];
      const shown = isPinnedPane(focus)
        ? pinnedIndex(state.selection[field], state.pins?.[focus], ids)
        : keptIndex(state.selection[field], state.pins?.[focus], ids);
      const at = clampIndex(clampIndex(shown, rows) + action.step, rows);
      if (at === state.selection[field] && at === shown) return state;
      // Another group shows other followers: start at the first.
      const another = field === "group" && at !== shown;
      const follower = another ? { follower: 0 } : {};
      const pins = {
        ...state.pins,
        [focus]: isPinnedPane(focus) ? pinAt(at, ids) : ids?.[at],
        ...(another ? { followers: undefined } : {}),
      };
      return { ...state, pins, selection: { ...state.selection, [field]: at, ...follower } };
    }
    case "clamp": {
      const s = state.selection;
      const { counts, ids } = action;
      const group = clampIndex(keptIndex(s.group, state.pins?.groups, ids?.groups), counts.groups);
      const follower = clampIndex(
        keptIndex(s.follower, state.pins?.followers, ids?.followers),
        counts.followers,
      );
      const fill = clampIndex(pinnedIndex(s.fill, state.pins?.fills, ids?.fills), counts.fills);
      const alert = clampIndex(pinnedIndex(s.alert, state.pins?.alerts, ids?.alerts), counts.alerts);
      // The group and the follower the trader sees are kept by name from now on, moved or not.
      const groups = ids?.groups?.[group] ?? state.pins?.groups;
      const followers = ids?.followers?.[follower] ?? state.pins?.followers;
      const samePins = groups === state.pins?.groups && followers === state.pins?.followers;
      if (group === s.group && follower === s.follower && fill === s.fill && alert === s.alert && samePins)
        return state;
      return {
        ...state,
        pins: samePins ? state.pins : { ...state.pins, groups, followers },
        selection: { ...s, group, follower, fill, alert },
      };
    }
    case "focus": {
      const at = PANE_ORDER.indexOf(state.selection.focus);
      const focus = PANE_ORDER[(at + action.step + PANE_ORDER.length) % PANE_ORDER.length] ?? "groups";
      return { ...state, selection: { ...state.selection, focus } };
    }
    case "help.open":
      return { ...state, help: 0 };
    case "help.close":
      return { ...state, help: undefined };
    case "help.scroll":
      if (state.help === undefined) return state;
      return { ...state, help: Math.max(0, Math.min(action.max, state.help + action.step)) };
    case "confirm.ask":
      return { ...state, confirm: { command: action.command, message: action.message, ctx: action.ctx } };
    case "confirm.close":
      return { ...state, confirm: undefined };
    case "form.open":
      return { ...state, form: action.form, help: undefined };
    case "form.reopen":
      if (state.form || state.confirm || state.help !== undefined || state.report) return state;
      return { ...state, form: action.form };
    case "form.edit": {
      const form = state.form;
      if (!form) return state;
      return {
        ...state,
        form:
          form.kind === "group"
            ? { ...form, state: reduceForm(form.spec, form.state, action.action) }
            : { ...form, state: reduceForm(form.spec, form.state, action.action) },
      };
    }
    case "form.close":
      return { ...state, form: undefined };
    case "flash":
      return state.flash === action.text ? state : { ...state, flash: action.text };
    case "report.open":
      return { ...state, report: { view: state.report?.view, selected: state.report?.selected ?? 0 } };
    case "report.loaded":
      // An answer for a view closed meanwhile is dropped.
      if (!state.report) return state;
      return {
        ...state,
        report: { view: action.view, selected: clampIndex(state.report.selected, action.view.rows.length) },
      };
    case "report.failed":
      if (!state.report) return state;
      return { ...state, report: { ...state.report, error: action.error } };
    case "report.move": {
      const r = state.report;
      if (!r?.view) return state;
      const selected = clampIndex(r.selected + action.step, r.view.rows.length);
      return selected === r.selected ? state : { ...state, report: { ...r, selected } };
    }
    case "report.close":
      return { ...state, report: undefined };
  }
}

/** Index within a list of `rows` (0 when it is empty). */
export function clampIndex(i: number, rows: number): number {
  return Math.max(0, Math.min(i, rows - 1));
}

export interface ScreenStore {
  get(): ScreenState;
  /** Applies an action now and returns the new state, so the next key press already sees it. */
  dispatch(action: ScreenAction): ScreenState;
  subscribe(listener: () => void): () => void;
}

/**
 * The reducer's state held outside React: two keys that arrive before the next render (fast
 * typing, a paste split in two, Tab then space) each see the state the previous one left.
 * Read in React with useSyncExternalStore.
 */
export function createScreenStore(initial: ScreenState = INITIAL_SCREEN): ScreenStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = screenReducer(state, action);
      if (next !== state) {
        state = next;
        for (const listener of listeners) listener();
      }
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
