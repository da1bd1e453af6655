/**
 * The one table of key bindings. It drives the input router (resolveKey), the hint bar
 * (hintsFor) and the `?` overlay (helpRows), so a key can never do one thing and be described
 * as another. Pure data and functions: no React, no Ink (Ink's Key is only a type).
 */
import type { Key } from "ink";
import type { FollowerStateVM, PaneId } from "./viewModel.js";

export type Scope = "global" | PaneId | "form" | "confirm" | "help";

/**
 * Scopes that take over the keyboard: global bindings do not apply there, except those marked
 * `everywhere` (Ctrl+C). A form must be able to receive "q" and "?" as text.
 */
export const MODAL_SCOPES: readonly Scope[] = ["form", "confirm", "help"];

export type CommandId =
  | "cursor.up"
  | "cursor.down"
  | "cursor.pageUp"
  | "cursor.pageDown"
  | "focus.next"
  | "focus.prev"
  | "help.open"
  | "quit"
  | "flatten.all"
  | "group.toggle"
  | "group.flatten"
  | "group.new"
  | "group.edit"
  | "group.delete"
  | "follower.toggle"
  | "follower.flatten"
  | "follower.unlock"
  | "follower.resync"
  | "follower.new"
  | "follower.edit"
  | "follower.delete"
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
  | "form.cancel";

/** What disabledWhy may look at; the integrator builds it from the current ScreenVM. */
export interface KeyContext {
  selectedGroup?: { name: string; active: boolean; followerCount: number } | undefined;
  selectedFollower?:
    | {
        account: string;
        label?: string | undefined;
        enabled: boolean;
        state: FollowerStateVM;
        outOfSync: boolean;
      }
    | undefined;
  /** Followers across all groups. */
  totalFollowers: number;
  groupCount: number;
}

export interface Binding {
  command: CommandId;
  /** Key names: a printable character ("f", "F", "!", "?"), or one of the names in keyName(). */
  keys: readonly string[];
  scopes: readonly Scope[];
  label: string;
  /** Dangerous commands always ask y/N first (confirmText names what they will do). */
  danger: boolean;
  /** Shown in modal scopes too (only Ctrl+C). */
  everywhere?: boolean;
  /** Shown in the hint bar (short list; the `?` overlay shows everything). */
  hint?: boolean;
  disabledWhy?: (ctx: KeyContext) => string | undefined;
}

const needGroup = (ctx: KeyContext) => (ctx.selectedGroup ? undefined : "no group selected");
const needFollower = (ctx: KeyContext) => (ctx.selectedFollower ? undefined : "no follower selected");

export const BINDINGS: readonly Binding[] = [
  // Global: apply in every pane.
  { command: "cursor.up", keys: ["up", "k"], scopes: ["global"], label: "Up", danger: false },
  { command: "cursor.down", keys: ["down", "j"], scopes: ["global"], label: "Down", danger: false },
  { command: "cursor.pageUp", keys: ["pageup"], scopes: ["global"], label: "Page up", danger: false },
  { command: "cursor.pageDown", keys: ["pagedown"], scopes: ["global"], label: "Page down", danger: false },
  { command: "focus.next", keys: ["tab"], scopes: ["global"], label: "Next pane", danger: false },
  { command: "focus.prev", keys: ["shift+tab"], scopes: ["global"], label: "Previous pane", danger: false },
  {
    command: "flatten.all",
    keys: ["!"],
    scopes: ["global"],
    label: "Flatten+lock ALL",
    danger: true,
    hint: true,
    disabledWhy: (ctx) => (ctx.totalFollowers > 0 ? undefined : "no followers to flatten"),
  },
  { command: "help.open", keys: ["?"], scopes: ["global"], label: "Help", danger: false, hint: true },
  { command: "quit", keys: ["q"], scopes: ["global"], label: "Quit", danger: false, hint: true },
  {
    command: "quit",
    keys: ["ctrl+c"],
    scopes: ["global"],
    label: "Quit",
    danger: false,
    everywhere: true,
  },

  // Groups (some also from the followers pane, which always shows the selected group).
  {
    command: "group.toggle",
    keys: ["a"],
    scopes: ["groups", "followers"],
    label: "Group on/off",
    danger: false,
    hint: true,
    disabledWhy: needGroup,
  },
  {
    command: "group.flatten",
    keys: ["F"],
    scopes: ["groups", "followers"],
    label: "Flatten+lock group",
    danger: true,
    hint: true,
    disabledWhy: (ctx) =>
      needGroup(ctx) ??
      (ctx.selectedGroup?.followerCount ? undefined : `group ${ctx.selectedGroup?.name} has no followers`),
  },
  { command: "group.new", keys: ["n"], scopes: ["groups"], label: "New group", danger: false, hint: true },
  {
    command: "group.edit",
    keys: ["e"],
    scopes: ["groups"],
    label: "Edit group",
    danger: false,
    hint: true,
    disabledWhy: needGroup,
  },
  {
    command: "group.delete",
    keys: ["d"],
    scopes: ["groups"],
    label: "Delete group",
    danger: true,
    disabledWhy: needGroup,
  },

  // Followers of the selected group.
  {
    command: "follower.toggle",
    keys: ["space"],
    scopes: ["followers"],
    label: "Follower on/off",
    danger: false,
    hint: true,
    disabledWhy: needFollower,
  },
  {
    command: "follower.flatten",
    keys: ["f"],
    scopes: ["followers"],
    label: "Flatten+lock",
    danger: true,
    hint: true,
    disabledWhy: needFollower,
  },
  {
    command: "follower.unlock",
    keys: ["u"],
    scopes: ["followers"],
    label: "Unlock",
    danger: false,
    hint: true,
    disabledWhy: (ctx) =>
      needFollower(ctx) ?? (ctx.selectedFollower?.state === "LOCKED" ? undefined : "follower is not locked"),
  },
  {
    command: "follower.resync",
    keys: ["r"],
    scopes: ["followers"],
    label: "Resync position",
    danger: true,
    hint: true,
    disabledWhy: (ctx) =>
      needFollower(ctx) ?? (ctx.selectedFollower?.outOfSync ? undefined : "follower is in sync"),
  },
  {
    command: "follower.new",
    keys: ["n"],
    scopes: ["followers"],
    label: "New follower",
    danger: false,
    disabledWhy: needGroup,
  },
  {
    command: "follower.edit",
    keys: ["e"],
    scopes: ["followers"],
    label: "Edit follower",
    danger: false,
    disabledWhy: needFollower,
  },
  {
    command: "follower.delete",
    keys: ["d"],
    scopes: ["followers"],
    label: "Remove follower",
    danger: true,
    disabledWhy: needFollower,
  },

  // Confirm: "y/N", so anything but y is a no; these are the keys we name.
  { command: "confirm.yes", keys: ["y", "Y"], scopes: ["confirm"], label: "Yes, do it", danger: false },
  {
    command: "confirm.no",
    keys: ["n", "N", "escape", "return"],
    scopes: ["confirm"],
    label: "No (default)",
    danger: false,
  },

  // Help overlay.
  { command: "help.close", keys: ["escape", "?", "q"], scopes: ["help"], label: "Close help", danger: false },
  { command: "help.scrollUp", keys: ["up", "k"], scopes: ["help"], label: "Scroll up", danger: false },
  { command: "help.scrollDown", keys: ["down", "j"], scopes: ["help"], label: "Scroll down", danger: false },

  // Forms. Printable keys in a text field are text first (see FormView); these are the rest.
  { command: "form.save", keys: ["return"], scopes: ["form"], label: "Save", danger: false },
  { command: "form.cancel", keys: ["escape"], scopes: ["form"], label: "Cancel", danger: false },
  { command: "form.next", keys: ["tab", "down"], scopes: ["form"], label: "Next field", danger: false },
  {
    command: "form.prev",
    keys: ["shift+tab", "up"],
    scopes: ["form"],
    label: "Previous field",
    danger: false,
  },
  { command: "form.choosePrev", keys: ["left"], scopes: ["form"], label: "Previous choice", danger: false },
  { command: "form.chooseNext", keys: ["right"], scopes: ["form"], label: "Next choice", danger: false },
  { command: "form.toggle", keys: ["space"], scopes: ["form"], label: "Toggle", danger: false },
];

/**
 * Ink's (input, key) → one key name: "up", "down", "left", "right", "pageup", "pagedown",
 * "home", "end", "tab", "shift+tab", "return", "escape", "backspace", "delete", "space",
 * "ctrl+<letter>", or the printable character itself ("f", "F", "!"). Undefined for anything
 * else (meta chords, pasted text).
 */
export function keyName(input: string, key: Partial<Key>): string | undefined {
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.leftArrow) return "left";
  if (key.rightArrow) return "right";
  if (key.pageUp) return "pageup";
  if (key.pageDown) return "pagedown";
  if (key.home) return "home";
  if (key.end) return "end";
  if (key.tab) return key.shift ? "shift+tab" : "tab";
  if (key.return) return "return";
  if (key.escape) return "escape";
  if (key.backspace) return "backspace";
  if (key.delete) return "delete";
  if (key.ctrl) return input.length === 1 ? `ctrl+${input.toLowerCase()}` : undefined;
  if (key.meta) return undefined;
  if (input === " ") return "space";
  if ([...input].length === 1) return input;
  return undefined;
}

/** Bindings that are live in a scope, scope-specific ones first. */
export function bindingsFor(scope: Scope): Binding[] {
  const own = BINDINGS.filter((b) => b.scopes.includes(scope));
  if (scope === "global") return own;
  const modal = MODAL_SCOPES.includes(scope);
  const global = BINDINGS.filter((b) => b.scopes.includes("global") && (!modal || b.everywhere));
  return [...own, ...global];
}

export interface ResolvedKey {
  command: CommandId;
  binding: Binding;
  /** Set when the command cannot run now; the router shows it instead of acting. */
  disabled?: string | undefined;
}

/** The binding a key press hits in a scope, enabled or not. */
export function resolveBinding(
  input: string,
  key: Partial<Key>,
  scope: Scope,
  ctx: KeyContext,
): ResolvedKey | undefined {
  const name = keyName(input, key);
  if (name === undefined) return undefined;
  const binding = bindingsFor(scope).find((b) => b.keys.includes(name));
  if (!binding) return undefined;
  return { command: binding.command, binding, disabled: binding.disabledWhy?.(ctx) };
}

/** The command to run for a key press, or undefined when the key is unbound or disabled. */
export function resolveKey(
  input: string,
  key: Partial<Key>,
  scope: Scope,
  ctx: KeyContext,
): CommandId | undefined {
  const hit = resolveBinding(input, key, scope, ctx);
  return hit && !hit.disabled ? hit.command : undefined;
}

/** Why a command cannot run now, or undefined if it can. */
export function disabledWhy(command: CommandId, ctx: KeyContext): string | undefined {
  return BINDINGS.find((b) => b.command === command)?.disabledWhy?.(ctx);
}

const KEY_LABELS: Record<string, string> = {
  up: "↑",
  down: "↓",
  left: "←",
  right: "→",
  pageup: "PgUp",
  pagedown: "PgDn",
  tab: "Tab",
  "shift+tab": "S-Tab",
  return: "Enter",
  escape: "Esc",
  space: "space",
  "ctrl+c": "^C",
};

export function keyLabel(name: string): string {
  return KEY_LABELS[name] ?? name;
}

export interface Hint {
  keys: string;
  label: string;
  danger: boolean;
  /** Always kept in the hint bar, however narrow (help and quit). */
  pinned: boolean;
  disabled?: string | undefined;
}

/** The hint bar's short list for a scope: scope commands first, then the global essentials. */
export function hintsFor(scope: Scope, ctx: KeyContext): Hint[] {
  const bindings = MODAL_SCOPES.includes(scope)
    ? BINDINGS.filter((b) => b.scopes.includes(scope))
    : bindingsFor(scope).filter((b) => b.hint);
  return bindings.map((b) => ({
    keys: b.keys.map(keyLabel).join("/"),
    label: b.label,
    danger: b.danger,
    pinned: b.command === "help.open" || b.command === "quit",
    disabled: b.disabledWhy?.(ctx),
  }));
}

export interface HelpRow {
  /** Heading the row sits under, e.g. "Everywhere", "Groups pane". */
  section: string;
  keys: string;
  label: string;
  danger: boolean;
}

const SECTION_TITLES: Record<Scope, string> = {
  global: "Everywhere",
  groups: "Groups pane",
  followers: "Followers pane",
  fills: "Fills pane",
  alerts: "Alerts pane",
  form: "Forms",
  confirm: "Questions",
  help: "This help",
};

/** Every binding once, in table order, under the first scope it belongs to. */
export function helpRows(): HelpRow[] {
  const merged = new Map<string, HelpRow>();
  for (const b of BINDINGS) {
    const section = SECTION_TITLES[b.scopes[0] ?? "global"];
    const id = `${section}\u0000${b.command}`;
    const prior = merged.get(id);
    const keys = b.keys.map(keyLabel).join("/");
    if (prior) prior.keys = `${prior.keys}/${keys}`;
    else merged.set(id, { section, keys, label: b.label, danger: b.danger });
  }
  return [...merged.values()];
}

/** The question a dangerous command asks, naming exactly what it will do (without " y/N"). */
export function confirmText(command: CommandId, ctx: KeyContext): string | undefined {
  const g = ctx.selectedGroup;
  const f = ctx.selectedFollower;
  const who = f ? (f.label ? `${f.label} (${f.account})` : f.account) : "";
  const followers = (n: number) => `${n} follower${n === 1 ? "" : "s"}`;
  switch (command) {
    case "flatten.all":
      return `Flatten and lock ALL ${followers(ctx.totalFollowers)} in ${ctx.groupCount} group${ctx.groupCount === 1 ? "" : "s"}?`;
    case "group.flatten":
      return g ? `Flatten and lock ${followers(g.followerCount)} of ${g.name}?` : undefined;
    case "follower.flatten":
      return f ? `Flatten and lock ${who}${g ? ` in ${g.name}` : ""}?` : undefined;
    case "follower.resync":
      return f ? `Resync ${who}: send the difference to match the sizing rule?` : undefined;
    case "follower.delete":
      return f ? `Remove follower ${who}${g ? ` from ${g.name}` : ""}? It stops copying now.` : undefined;
    case "group.delete":
      return g
        ? `Delete group ${g.name} and its ${followers(g.followerCount)}? Copying stops now.`
        : undefined;
    default:
      return undefined;
  }
}
