/**
 * Every key of the console, as data: which keys, where they apply, the words in the hint bar,
 * the `?` help and the README, whether the command is dangerous and the question it then asks,
 * why it is unavailable right now, and what it does. To change what a key does, change its
 * entry here; nothing else decides.
 *
 * The router (router.ts) is the only caller of `run`, and it never runs a dangerous binding
 * from a key: it asks `confirm(ctx)` first, and only the answer "y" (confirm.yes, below) runs
 * the command that was asked about, with the context it was asked in.
 *
 * No React, no Ink: handlers act through CommandDeps (the Actions and the screen reducer's
 * dispatch), so they run the same in a test as in the console.
 */
import type { Config, Follower, Group } from "../../data/schema.js";
import { type Outcome, succeeded } from "../../engine/index.js";
import type { Actions } from "../process/actions.js";
import type { ReportViewModel } from "../report/viewModel.js";
import { fillInFull } from "./fillInFull.js";
import type { FieldKind } from "./forms/form.js";
import { saveQuestion } from "./forms/groupForm.js";
import { type OpenForm, openFollowerForm, openGroupForm } from "./forms/openForm.js";
import type { RowIds } from "./pinnedRows.js";
import type { ScreenAction, ScreenState } from "./screenState.js";
import { quitQuestion, type UnfinishedWork } from "./unfinishedWork.js";
import { type FillRowVM, type FollowerStateVM, inSyncWhy, type PaneId } from "./viewModel.js";

export type Scope = "global" | PaneId | "form" | "confirm" | "help" | "report";

/**
 * Scopes that take over the keyboard: global bindings do not apply there, except those marked
 * `everywhere` (Ctrl+C). A form must be able to receive "q" and "?" as text.
 */
export const MODAL_SCOPES: readonly Scope[] = ["form", "confirm", "help", "report"];

export type CommandId =
  | "cursor.up"
  | "cursor.down"
  | "cursor.pageUp"
  | "cursor.pageDown"
  | "focus.next"
  | "focus.prev"
  | "help.open"
  | "report.open"
  | "report.close"
  | "report.up"
  | "report.down"
  | "quit"
  | "quit.asked"
  | "flatten.all"
  | "group.toggle"
  | "group.flatten"
  | "group.new"
  | "group.edit"
  | "group.delete"
  | "follower.toggle"
  | "follower.flatten"
  | "follower.unlock"
  | "follower.forceUnlock"
  | "follower.resync"
  | "follower.new"
  | "follower.edit"
  | "follower.delete"
  | "row.read"
  | "confirm.yes"
  | "confirm.no"
  | "help.close"
  | "help.scrollUp"
  | "help.scrollDown"
  | "form.next"
  | "form.prev"
  | "form.choosePrev"
  | "form.chooseNext"
  | "form.toggle"
  | "form.save"
  | "form.saveAsked"
  | "form.cancel";

/** What disabledWhy, the confirm questions and the hint bar look at (buildScreen makes it). */
export interface KeyContext {
  selectedGroup?:
    | {
        name: string;
        active: boolean;
        followerCount: number;
        /** Its followers that hold a position: a delete leaves them open at the broker. */
        holding?: number | undefined;
      }
    | undefined;
  selectedFollower?:
    | {
        account: string;
        label?: string | undefined;
        enabled: boolean;
        state: FollowerStateVM;
        outOfSync: boolean;
        /** Why it is LIQ-ONLY or LOCKED (the row's stateReason: "manual", "broker lock" …). */
        stateReason?: string | undefined;
        /** "MESZ6 +2, MNQZ6 +4", "flat" or "unknown" (positionText): what a removal leaves open. */
        position?: string | undefined;
        /** The gates that would refuse `r`'s opening, with their contracts (resyncPreview). */
        resyncHeld?: string | undefined;
        /** With resyncHeld: whether `r` would still send something (what reduces). */
        resyncSends?: boolean | undefined;
        /** The orders `r` would send, "BUY 2 ESZ6, SELL 1 NQZ6" (resyncPreview's forecast). */
        resyncOrders?: string | undefined;
        /** Its balance was reported: its limits can be judged now (else on its first balance). */
        balanceKnown?: boolean | undefined;
      }
    | undefined;
  /**
   * What Enter reads in full in the focused pane: the selected leader fill with its results
   * (fillInFull.ts puts it in words, only then), or the selected alert in full words ("01:05:02
   * WARN trading socket lost (connection: …)"); undefined elsewhere or on an empty pane.
   */
  reading?: FillRowVM | string | undefined;
  /** The kind of the form field with the cursor, while a form is open. */
  formField?: FieldKind | undefined;
  /** Flattens and exit retries a quit would stop (unfinishedWork.ts); undefined when none. */
  unfinished?: UnfinishedWork | undefined;
  /** Followers across all groups. */
  totalFollowers: number;
  groupCount: number;
  /** Lines the help overlay can scroll at this terminal size (0: it is all on screen). */
  helpMax?: number | undefined;
}

/** What a handler sees: the KeyContext plus what the screen commands need. */
export interface CommandContext extends KeyContext {
  config: Config;
  /** The selected group and follower as configured: what the edit forms start from. */
  group?: Group | undefined;
  follower?: Follower | undefined;
  /** Rows in each pane, so a cursor stops at the last one. */
  counts: Readonly<Record<PaneId, number>>;
  /** The fills' and alerts' row ids, so a cursor stays on its row as newer ones arrive. */
  rowIds: RowIds;
  helpMax: number;
  /** Below the minimum size: only the line asking for a bigger terminal is drawn. */
  tooSmall?: boolean | undefined;
  /** The screen as the key found it: the open form, the question asked. */
  screen: ScreenState;
}

/** What handlers act through. */
export interface CommandDeps {
  /** The one command path to the engine and the config (src/process/actions.ts). */
  actions: Actions;
  /** Applies a screen change (screenReducer) and returns the screen after it. */
  dispatch(action: ScreenAction): ScreenState;
  /** Shows what a command did on the flash line once it answers. */
  report(answer: Promise<Outcome | Outcome[]>): void;
  quit(): void;
  /** Today's report from the journal, for the report view; undefined where there is none. */
  loadReport?: (() => Promise<ReportViewModel> | undefined) | undefined;
}

export type Handler = (ctx: CommandContext, deps: CommandDeps) => void;

interface BindingBase {
  command: CommandId;
  /** Key names: a printable character ("f", "F", "!", "?"), or one of the names in keyName(). */
  keys: readonly string[];
  scopes: readonly Scope[];
  /** Short words for the hint bar and the `?` help. */
  label: string;
  /** The README's "Does" column (markdown); defaults to the label. "(asks y/N)" is added for danger. */
  doc?: string;
  /** Shown in modal scopes too (only Ctrl+C). */
  everywhere?: boolean;
  /** Shown in the hint bar (short list; the `?` overlay shows everything). */
  hint?: boolean;
  /** Left out of the hint bar while unavailable, rather than shown dimmed (a scroll key with nothing to scroll). */
  hintOnlyWhenAvailable?: boolean;
  /** false: left out of the `?` overlay (a view that says its own keys on its hint bar). */
  help?: boolean;
  /** Why the command cannot run now; the router shows it instead of acting. */
  disabledWhy?: (ctx: KeyContext) => string | undefined;
  /**
   * A dangerous command whose question names what live data decides (r's orders follow the
   * leader): its y acts only while the question, asked now, would read the same; else it is
   * asked again, or refused with disabledWhy's reason.
   */
  recheck?: boolean;
  /** What the command does. Dangerous ones run only after the question is answered "y". */
  run: Handler;
}

/** A dangerous binding always carries its question: the type does not allow one without. */
export type Binding = BindingBase &
  (
    | { danger: false; confirm?: undefined }
    | {
        danger: true;
        /** The question, naming exactly what will happen (without " y/N"). */
        confirm: (ctx: KeyContext) => string | undefined;
      }
  );

const needGroup = (ctx: KeyContext) => (ctx.selectedGroup ? undefined : "no group selected");
const needFollower = (ctx: KeyContext) => (ctx.selectedFollower ? undefined : "no follower selected");

/**
 * A form key for one kind of field: unavailable on the others, so the hint bar, which drops what is
 * unavailable first, keeps the keys of the field the cursor is on (at 80 columns "space Toggle"
 * did not fit, and nothing on screen said how to tick a box).
 */
const notA =
  (kind: FieldKind) =>
  (ctx: KeyContext): string | undefined =>
    ctx.formField === undefined || ctx.formField === kind ? undefined : `this field is not a ${kind}`;

/** At 80×24 the whole help is on screen: ↑/↓ in its hint bar offered a scroll that does nothing. */
const nothingToScroll = (ctx: KeyContext) => (ctx.helpMax === 0 ? "the whole help is on screen" : undefined);

/** Lines one PgUp/PgDn moves. */
const PAGE = 5;

const move =
  (step: number): Handler =>
  (ctx, deps) => {
    deps.dispatch({ type: "cursor", step, counts: ctx.counts, ids: ctx.rowIds });
  };
const screen =
  (action: ScreenAction): Handler =>
  (_ctx, deps) => {
    deps.dispatch(action);
  };
const formEdit = (action: Extract<ScreenAction, { type: "form.edit" }>["action"]): Handler =>
  screen({ type: "form.edit", action });
const quit: Handler = (_ctx, deps) => deps.quit();
const QUIT_DOC =
  "quit (the engine shuts down cleanly); q asks first while a flatten or an exit retry is under way, Ctrl+C never";
/** `q` asks first while work is in hand that only a running mimik goes on with (quit.asked). */
const quitOrAsk: Handler = (ctx, deps) => {
  if (!ctx.unfinished) return deps.quit();
  deps.dispatch({ type: "confirm.ask", command: "quit.asked", message: quitQuestion(ctx.unfinished), ctx });
};

/** The report view opens at once (loading) and fills in when the journal has been read. */
function openReport(deps: CommandDeps): void {
  const loading = deps.loadReport?.();
  if (!loading) {
    deps.dispatch({ type: "flash", text: "Report: no journal to read here" });
    return;
  }
  deps.dispatch({ type: "report.open" });
  loading.then(
    (view) => deps.dispatch({ type: "report.loaded", view }),
    (error: unknown) =>
      deps.dispatch({ type: "report.failed", error: error instanceof Error ? error.message : String(error) }),
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const who = (f: NonNullable<KeyContext["selectedFollower"]>) =>
  f.label ? `${f.label} (${f.account})` : f.account;

export const BINDINGS: readonly Binding[] = [
  // Global: apply in every pane.
  {
    command: "cursor.up",
    keys: ["up", "k"],
    scopes: ["global"],
    label: "Up",
    doc: "move up",
    danger: false,
    run: move(-1),
  },
  {
    command: "cursor.down",
    keys: ["down", "j"],
    scopes: ["global"],
    label: "Down",
    doc: "move down",
    danger: false,
    run: move(1),
  },
  {
    command: "cursor.pageUp",
    keys: ["pageup"],
    scopes: ["global"],
    label: "Page up",
    doc: `move up ${PAGE} rows`,
    danger: false,
    run: move(-PAGE),
  },
  {
    command: "cursor.pageDown",
    keys: ["pagedown"],
    scopes: ["global"],
    label: "Page down",
    doc: `move down ${PAGE} rows`,
    danger: false,
    run: move(PAGE),
  },
  {
    command: "focus.next",
    keys: ["tab"],
    scopes: ["global"],
    label: "Next pane",
    doc: "next pane",
    danger: false,
    run: screen({ type: "focus", step: 1 }),
  },
  {
    command: "focus.prev",
    keys: ["shift+tab"],
    scopes: ["global"],
    label: "Previous pane",
    doc: "previous pane",
    danger: false,
    run: screen({ type: "focus", step: -1 }),
  },
  {
    command: "flatten.all",
    keys: ["!"],
    scopes: ["global"],
    label: "Flatten+lock ALL",
    doc: "**flatten and lock ALL** followers of every group",
    danger: true,
    hint: true,
    disabledWhy: (ctx) => (ctx.totalFollowers > 0 ? undefined : "no followers to flatten"),
    confirm: (ctx) =>
      `Flatten and lock ALL ${plural(ctx.totalFollowers, "follower")} in ${plural(ctx.groupCount, "group")}?`,
    run: (_ctx, deps) => {
      deps.dispatch({ type: "flash", text: "flattening all followers…" });
      deps.report(deps.actions.flatten({ all: true }));
    },
  },
  {
    command: "help.open",
    keys: ["?"],
    scopes: ["global"],
    label: "Help",
    doc: "every key, on screen",
    danger: false,
    hint: true,
    run: screen({ type: "help.open" }),
  },
  {
    command: "report.open",
    keys: ["p"],
    scopes: ["global"],
    label: "Report",
    doc: "today's report per follower, from the journal: P&L sparkline, copies, mirror fills, skips, rejects, latency, locks (Esc closes)",
    danger: false,
    run: (_ctx, deps) => openReport(deps),
  },
  {
    command: "quit",
    keys: ["q"],
    scopes: ["global"],
    label: "Quit",
    doc: QUIT_DOC,
    danger: false,
    hint: true,
    run: quitOrAsk,
  },
  {
    command: "quit",
    keys: ["ctrl+c"],
    scopes: ["global"],
    label: "Quit",
    doc: QUIT_DOC,
    danger: false,
    everywhere: true,
    run: quit,
  },
  {
    // No key of its own: q asks this question while a flatten or an exit retry is under way.
    command: "quit.asked",
    keys: [],
    scopes: ["confirm"],
    label: "Quit with work in hand",
    danger: true,
    confirm: (ctx) => (ctx.unfinished ? quitQuestion(ctx.unfinished) : undefined),
    run: quit,
  },

  // Groups (some also from the followers pane, which always shows the selected group).
  {
    command: "group.toggle",
    keys: ["a"],
    scopes: ["groups", "followers"],
    label: "Group on/off",
    doc: "group copying on/off (off: no new openings; exits still follow)",
    danger: false,
    hint: true,
    disabledWhy: needGroup,
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      if (g) deps.report(deps.actions.setGroupActive(g.name, !g.active));
    },
  },
  {
    command: "group.flatten",
    keys: ["F"],
    scopes: ["groups", "followers"],
    label: "Flatten+lock group",
    doc: "**flatten and lock** the group's followers",
    danger: true,
    hint: true,
    disabledWhy: (ctx) =>
      needGroup(ctx) ??
      (ctx.selectedGroup?.followerCount ? undefined : `group ${ctx.selectedGroup?.name} has no followers`),
    confirm: (ctx) => {
      const g = ctx.selectedGroup;
      return g ? `Flatten and lock ${plural(g.followerCount, "follower")} of ${g.name}?` : undefined;
    },
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      if (!g) return;
      deps.dispatch({ type: "flash", text: `flattening ${g.name}…` });
      deps.report(deps.actions.flatten({ group: g.name }));
    },
  },
  {
    command: "group.new",
    keys: ["n"],
    scopes: ["groups"],
    label: "New group",
    doc: "new group (a form)",
    danger: false,
    hint: true,
    run: (ctx, deps) => {
      deps.dispatch({ type: "form.open", form: openGroupForm(ctx.config) });
    },
  },
  {
    command: "group.edit",
    keys: ["e"],
    scopes: ["groups"],
    label: "Edit group",
    doc: "edit the selected group: name, leader, on/off, whitelist, re-sync, working orders (turning on a mirror asks y/N)",
    danger: false,
    hint: true,
    disabledWhy: needGroup,
    run: (ctx, deps) => {
      if (ctx.group) deps.dispatch({ type: "form.open", form: openGroupForm(ctx.config, ctx.group) });
    },
  },
  {
    command: "group.delete",
    keys: ["d"],
    scopes: ["groups"],
    label: "Delete group",
    doc: "delete the selected group and its followers",
    danger: true,
    disabledWhy: needGroup,
    confirm: (ctx) => {
      const g = ctx.selectedGroup;
      if (!g) return undefined;
      const n = g.holding ?? 0;
      const whose =
        n < g.followerCount ? `${n} of them` : n === 1 ? "Its follower" : n === 2 ? "Both" : `All ${n}`;
      const open =
        n > 0
          ? ` ${whose} ${n === 1 ? "holds" : "hold"} positions that stay open at the broker, following no leader (F flattens first).`
          : "";
      return `Delete group ${g.name} and its ${plural(g.followerCount, "follower")}? Copying stops now.${open}`;
    },
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      if (g) deps.report(deps.actions.deleteGroup(g.name));
    },
  },

  // Followers of the selected group.
  {
    command: "follower.toggle",
    keys: ["space"],
    scopes: ["followers"],
    label: "Follower on/off",
    doc: "follower copying on/off (off: no new openings; exits still follow)",
    danger: false,
    hint: true,
    disabledWhy: needFollower,
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      const f = ctx.selectedFollower;
      if (g && f) deps.report(deps.actions.setFollowerEnabled(g.name, f.account, !f.enabled));
    },
  },
  {
    command: "follower.flatten",
    keys: ["f"],
    scopes: ["followers"],
    label: "Flatten+lock",
    doc: "**flatten and lock** the selected follower",
    danger: true,
    hint: true,
    disabledWhy: needFollower,
    confirm: (ctx) => {
      const f = ctx.selectedFollower;
      const g = ctx.selectedGroup;
      return f ? `Flatten and lock ${who(f)}${g ? ` in ${g.name}` : ""}?` : undefined;
    },
    run: (ctx, deps) => {
      const f = ctx.selectedFollower;
      if (!f) return;
      deps.dispatch({ type: "flash", text: `flattening ${f.account}…` });
      deps.report(deps.actions.flatten({ follower: f.account }));
    },
  },
  {
    command: "follower.unlock",
    keys: ["u"],
    scopes: ["followers"],
    label: "Unlock",
    doc: "unlock the selected follower (refused while still liquidating or past a limit: `U` forces it)",
    danger: false,
    hint: true,
    disabledWhy: (ctx) =>
      needFollower(ctx) ?? (ctx.selectedFollower?.state === "LOCKED" ? undefined : "follower is not locked"),
    run: (ctx, deps) => {
      const f = ctx.selectedFollower;
      if (f) deps.report(deps.actions.unlock(f.account));
    },
  },
  {
    command: "follower.forceUnlock",
    keys: ["U"],
    scopes: ["followers"],
    label: "Force unlock",
    doc: "**force-unlock** the selected follower, past its limits or before its first balance (as `mimik unlock --force`)",
    danger: true,
    disabledWhy: (ctx) =>
      needFollower(ctx) ?? (ctx.selectedFollower?.state === "ACTIVE" ? "follower is not locked" : undefined),
    confirm: (ctx) => {
      const f = ctx.selectedFollower;
      if (!f) return undefined;
      // What `unlock --force` does (engine/risk/lockMachine.ts), short: a question wraps over three lines at most.
      // A flatten under way that stops is the gravest part: it goes first, so 80 columns keep it.
      if (f.state === "LIQ-ONLY") return `Force-unlock ${who(f)}? Its flatten stops; limits are waived`;
      const limits = f.balanceKnown
        ? "Limits it is past are overridden: it copies again"
        : "Its limits are checked when its balance comes";
      return `Force-unlock ${who(f)}? ${limits}`;
    },
    run: (ctx, deps) => {
      const f = ctx.selectedFollower;
      if (f) deps.report(deps.actions.unlock(f.account, true));
    },
  },
  {
    command: "follower.resync",
    keys: ["r"],
    scopes: ["followers"],
    label: "Resync",
    doc: "resync an OUT OF SYNC follower: send the difference (the question names each order); what opens passes the same gates as a copy (the hedge guard and max trades per day included), and the question says when it would be refused",
    danger: true,
    hint: true,
    recheck: true,
    disabledWhy: (ctx) => {
      const f = ctx.selectedFollower;
      return f ? (f.outOfSync ? undefined : inSyncWhy(f, ctx.selectedGroup)) : needFollower(ctx);
    },
    confirm: (ctx) => {
      const f = ctx.selectedFollower;
      if (!f) return undefined;
      // The orders by name: the pane shows one out-of-sync line, and a "y" may send one per contract.
      if (f.resyncHeld === undefined)
        return `Resync ${who(f)}: ${f.resyncOrders ?? "send the difference"} to match the sizing rule?`;
      // The refusal first: a question longer than three lines has its end cut.
      const then = f.resyncSends
        ? `resync ${who(f)}, what reduces only${f.resyncOrders ? ` (${f.resyncOrders})` : ""}?`
        : `resync ${who(f)} sends nothing. Try?`;
      return `Opening refused, ${f.resyncHeld}: ${then}`;
    },
    run: (ctx, deps) => {
      const f = ctx.selectedFollower;
      if (f) deps.report(deps.actions.resync(f.account));
    },
  },
  {
    command: "follower.new",
    keys: ["n"],
    scopes: ["followers"],
    label: "New follower",
    doc: "new follower of the selected group (a form)",
    danger: false,
    disabledWhy: needGroup,
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      if (g) deps.dispatch({ type: "form.open", form: openFollowerForm(ctx.config, g.name) });
    },
  },
  {
    command: "follower.edit",
    keys: ["e"],
    scopes: ["followers"],
    label: "Edit follower",
    doc: "edit the selected follower: sizing, max contracts, mapping, limits",
    danger: false,
    disabledWhy: needFollower,
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      if (g && ctx.follower)
        deps.dispatch({ type: "form.open", form: openFollowerForm(ctx.config, g.name, ctx.follower) });
    },
  },
  {
    command: "follower.delete",
    keys: ["d"],
    scopes: ["followers"],
    label: "Remove follower",
    doc: "remove the selected follower from its group",
    danger: true,
    disabledWhy: needFollower,
    confirm: (ctx) => {
      const f = ctx.selectedFollower;
      const g = ctx.selectedGroup;
      if (!f) return undefined;
      const open =
        f.position === undefined || f.position === "flat"
          ? ""
          : f.position === "unknown"
            ? " Its positions are not known yet: any stay open at the broker, following no leader."
            : ` Its ${f.position} ${f.position.includes(",") ? "stay" : "stays"} open at the broker, following no leader (f flattens first).`;
      return `Remove follower ${who(f)}${g ? ` from ${g.name}` : ""}? It stops copying now.${open}`;
    },
    run: (ctx, deps) => {
      const g = ctx.selectedGroup;
      const f = ctx.selectedFollower;
      if (g && f) deps.report(deps.actions.deleteFollower(g.name, f.account));
    },
  },

  // Live fills and Locks & alerts.
  {
    command: "row.read",
    keys: ["return"],
    scopes: ["fills", "alerts"],
    label: "Read in full",
    doc: "the selected fill (each result not filled, with its reason) or alert in full on the bottom lines (the pane cuts them at 80×24)",
    danger: false,
    hint: true,
    disabledWhy: (ctx) => (ctx.reading === undefined ? "nothing here yet" : undefined),
    run: (ctx, deps) => {
      const { reading } = ctx;
      if (reading === undefined) return;
      deps.dispatch({ type: "flash", text: typeof reading === "string" ? reading : fillInFull(reading) });
    },
  },

  // Questions: "y/N", so anything but y is a no (the router sends unnamed keys to confirm.no).
  {
    command: "confirm.yes",
    keys: ["y", "Y"],
    scopes: ["confirm"],
    label: "Yes, do it",
    danger: false,
    // The one place a dangerous command runs: the one that was asked about, as it was asked.
    run: (ctx, deps) => {
      const asked = ctx.screen.confirm;
      deps.dispatch({ type: "confirm.close" });
      if (!asked) return;
      const binding = dangerousBinding(asked.command);
      if (binding?.recheck && !stillAsked(binding, asked.ctx, ctx, deps)) return;
      binding?.run(asked.ctx, deps);
    },
  },
  {
    command: "confirm.no",
    keys: ["n", "N", "escape", "return"],
    scopes: ["confirm"],
    label: "No (default)",
    danger: false,
    run: (ctx, deps) => {
      const asked = ctx.screen.confirm;
      deps.dispatch({ type: "confirm.close" });
      // A no to saving a form is a no to saving it now, not to what was typed: back to the form.
      const form = asked?.command === "form.saveAsked" ? asked.ctx.screen.form : undefined;
      if (form) {
        deps.dispatch({ type: "form.open", form });
        deps.dispatch({ type: "flash", text: "not saved: the form is as you left it (Esc cancels it)" });
        return;
      }
      deps.dispatch({ type: "flash", text: "cancelled" });
    },
  },

  // Help overlay.
  {
    command: "report.close",
    keys: ["escape", "p", "q"],
    scopes: ["report"],
    label: "Close",
    doc: "close the report",
    help: false,
    danger: false,
    hint: true,
    run: screen({ type: "report.close" }),
  },
  {
    command: "report.up",
    keys: ["up", "k"],
    scopes: ["report"],
    label: "Up",
    doc: "previous follower in the report",
    help: false,
    hint: true,
    danger: false,
    run: screen({ type: "report.move", step: -1 }),
  },
  {
    command: "report.down",
    keys: ["down", "j"],
    scopes: ["report"],
    label: "Down",
    doc: "next follower in the report",
    help: false,
    hint: true,
    danger: false,
    run: screen({ type: "report.move", step: 1 }),
  },
  {
    command: "help.close",
    keys: ["escape", "?", "q"],
    scopes: ["help"],
    label: "Close help",
    // The overlay's title says "Esc/?/q close": its two lines are left for the panes' keys at 80×24.
    help: false,
    danger: false,
    run: screen({ type: "help.close" }),
  },
  {
    command: "help.scrollUp",
    keys: ["up", "k"],
    scopes: ["help"],
    label: "Scroll up",
    // The overlay's title says "↑/↓ scroll" whenever there is more to see.
    help: false,
    danger: false,
    hintOnlyWhenAvailable: true,
    disabledWhy: nothingToScroll,
    run: (ctx, deps) => {
      deps.dispatch({ type: "help.scroll", step: -1, max: ctx.helpMax });
    },
  },
  {
    command: "help.scrollDown",
    keys: ["down", "j"],
    scopes: ["help"],
    label: "Scroll down",
    // The overlay's title says "↑/↓ scroll" whenever there is more to see.
    help: false,
    danger: false,
    hintOnlyWhenAvailable: true,
    disabledWhy: nothingToScroll,
    run: (ctx, deps) => {
      deps.dispatch({ type: "help.scroll", step: 1, max: ctx.helpMax });
    },
  },

  // Forms. Printable keys in a text field are text first (router.ts); these are the rest.
  {
    command: "form.save",
    keys: ["return"],
    scopes: ["form"],
    label: "Save",
    danger: false,
    run: (ctx, deps) => {
      // The form validates with the config's own schema; only a valid value is saved.
      const form = deps.dispatch({ type: "form.edit", action: { type: "save" } }).form;
      if (!form || form.state.saved === undefined) return;
      deps.dispatch({ type: "form.close" });
      const question = form.kind === "group" ? saveQuestion(form.state.saved, form.original) : undefined;
      if (question !== undefined) {
        // Full reconcile and a mirror send orders on their own: asked, like any order-sending key.
        const asked: CommandContext = { ...ctx, screen: { ...ctx.screen, form } };
        deps.dispatch({ type: "confirm.ask", command: "form.saveAsked", message: question, ctx: asked });
        return;
      }
      saveForm(form, deps);
    },
  },
  {
    // No key of its own: form.save asks this question, and confirm.yes runs it.
    command: "form.saveAsked",
    keys: [],
    scopes: ["confirm"],
    label: "Save what sends orders by itself",
    danger: true,
    confirm: (ctx) =>
      `Save ${ctx.selectedGroup?.name ?? "this group"}? It turns on what places orders by itself (reconcile "full", mirrored working orders or protective OCOs)`,
    run: (ctx, deps) => {
      const form = ctx.screen.form;
      if (form?.state.saved !== undefined) saveForm(form, deps);
    },
  },
  {
    command: "form.cancel",
    keys: ["escape"],
    scopes: ["form"],
    label: "Cancel",
    danger: false,
    run: screen({ type: "form.close" }),
  },
  {
    command: "form.next",
    keys: ["tab", "down"],
    scopes: ["form"],
    label: "Next field",
    danger: false,
    run: formEdit({ type: "next" }),
  },
  {
    command: "form.prev",
    keys: ["shift+tab", "up"],
    scopes: ["form"],
    label: "Previous field",
    danger: false,
    run: formEdit({ type: "prev" }),
  },
  {
    command: "form.choosePrev",
    keys: ["left"],
    scopes: ["form"],
    label: "Previous choice",
    danger: false,
    disabledWhy: notA("choice"),
    run: formEdit({ type: "choose", delta: -1 }),
  },
  {
    command: "form.chooseNext",
    keys: ["right"],
    scopes: ["form"],
    label: "Next choice",
    danger: false,
    disabledWhy: notA("choice"),
    run: formEdit({ type: "choose", delta: 1 }),
  },
  {
    command: "form.toggle",
    keys: ["space"],
    scopes: ["form"],
    label: "Toggle",
    danger: false,
    disabledWhy: notA("toggle"),
    run: formEdit({ type: "toggle" }),
  },
];

/**
 * Save what a form holds (valid, as the config's schema says). A save the config refuses (the file
 * edited by hand and invalid now, an account another mimik holds, a disk that will not write)
 * brings the form back as it was left, beside the reason: what was typed is not lost.
 */
function saveForm(form: OpenForm, deps: CommandDeps): void {
  const answer =
    form.kind === "group"
      ? form.state.saved && deps.actions.saveGroup(form.original?.name, form.state.saved)
      : form.state.saved && deps.actions.saveFollower(form.group, form.original?.account, form.state.saved);
  if (!answer) return;
  deps.report(answer);
  const back = () => deps.dispatch({ type: "form.reopen", form });
  answer.then((outcome) => (succeeded(outcome) ? undefined : back()), back);
}

/**
 * Whether a y still answers the question asked: the same follower selected, the command still
 * available, and its question reading the same now. "Resync: BUY 2 ESZ6?" answered after the
 * leader went short sent SELL 2: a question that changed is asked again, saying so.
 */
function stillAsked(binding: Binding, then: CommandContext, now: CommandContext, deps: CommandDeps): boolean {
  const why =
    now.selectedFollower?.account !== then.selectedFollower?.account
      ? `${then.selectedFollower ? who(then.selectedFollower) : "the follower"} is no longer selected`
      : binding.disabledWhy?.(now);
  if (why !== undefined) {
    deps.dispatch({ type: "flash", text: `${binding.label}: not sent, ${why} now` });
    return false;
  }
  const question = binding.confirm?.(now);
  if (question === undefined || question === binding.confirm?.(then)) return question !== undefined;
  deps.dispatch({
    type: "confirm.ask",
    command: binding.command,
    message: `Changed since asked: ${question}`,
    ctx: now,
  });
  return false;
}

/** The dangerous binding of a command: what a "y" runs. */

export function dangerousBinding(command: CommandId): Binding | undefined {
  return BINDINGS.find((b) => b.command === command && b.danger);
}
