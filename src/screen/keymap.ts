/**
 * Lookups over the binding table (bindings.ts): which binding a key press hits, the hint bar's
 * short list, the `?` help. The table is the only source, so a key can never do one thing and
 * be described as another. Pure: no React, no Ink (Ink's Key is only a type).
 */
import type { Key } from "ink";
import {
  BINDINGS,
  type Binding,
  type CommandId,
  type KeyContext,
  MODAL_SCOPES,
  type Scope,
} from "./bindings.js";

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

const PANES: readonly Scope[] = ["groups", "followers", "fills", "alerts"];
const PANE_NAMES: Partial<Record<Scope, string>> = {
  groups: "Groups",
  followers: "Followers",
  fills: "Live fills",
  alerts: "Locks & alerts",
};

/**
 * Where a key that does nothing in this pane does something: "Resync: in the Followers pane (Tab
 * moves there)". The titles say what keys do ("OUT OF SYNC … (r resyncs)") whichever pane has the
 * focus, so a key pressed in the wrong one must not look dead. Undefined outside the panes and
 * for a key no pane takes.
 */
export function elsewhere(input: string, key: Partial<Key>, scope: Scope): string | undefined {
  const name = keyName(input, key);
  if (name === undefined || !PANES.includes(scope)) return undefined;
  const taking = PANES.flatMap((pane) => {
    const b =
      pane === scope ? undefined : BINDINGS.find((b) => b.scopes.includes(pane) && b.keys.includes(name));
    return b ? [{ pane, label: b.label }] : [];
  });
  const [first] = taking;
  if (!first) return undefined;
  const what = taking.length === 1 ? first.label : keyLabel(name);
  const where = taking.map((t) => PANE_NAMES[t.pane]).join(" or ");
  return `${what}: in the ${where} pane (Tab moves there)`;
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

/** The question a dangerous command asks (without " y/N"); undefined for the others. */
export function confirmText(command: CommandId, ctx: KeyContext): string | undefined {
  return BINDINGS.find((b) => b.command === command)?.confirm?.(ctx);
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

/** A key name as the hint bar and the help show it, short: "↑", "S-Tab", "^C". */
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

/**
 * The hint bar's short list for a scope: the scope's own commands first, then those it shares
 * with another pane (the group keys in the followers pane), then the global essentials. The bar
 * keeps what fits from the left, so at 80 columns a pane's own keys must come before the shared.
 */
export function hintsFor(scope: Scope, ctx: KeyContext): Hint[] {
  const bindings = MODAL_SCOPES.includes(scope)
    ? BINDINGS.filter((b) => b.scopes.includes(scope))
    : bindingsFor(scope).filter((b) => b.hint);
  const rank = (b: Binding) => (b.scopes[0] === scope ? 0 : b.scopes.includes(scope) ? 1 : 2);
  return bindings
    .filter((b) => !(b.hintOnlyWhenAvailable && b.disabledWhy?.(ctx)))
    .sort((x, y) => rank(x) - rank(y))
    .map((b) => ({
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
  // Its one key (Enter, read in full) is the alerts pane's too: one section keeps the help on one page.
  fills: "Fills and alerts panes",
  alerts: "Alerts pane",
  form: "Forms",
  confirm: "Questions",
  help: "This help",
  report: "Report view",
};

/** Every binding once, in table order, under the first scope it belongs to. */
export function helpRows(): HelpRow[] {
  const merged = new Map<string, HelpRow>();
  for (const b of BINDINGS) {
    // A binding with no key (a question another key asks) is not one to press.
    if (b.keys.length === 0 || b.help === false) continue;
    const section = SECTION_TITLES[b.scopes[0] ?? "global"];
    const id = `${section}\u0000${b.command}`;
    const prior = merged.get(id);
    const keys = b.keys.map(keyLabel).join("/");
    if (prior) prior.keys = `${prior.keys}/${keys}`;
    else merged.set(id, { section, keys, label: b.label, danger: b.danger });
  }
  return [...merged.values()];
}

export type HelpLine = { kind: "section"; section: string } | { kind: "row"; row: HelpRow };

/** The help overlay's lines: a heading where the section changes, then its rows. */
export function helpLines(rows: readonly HelpRow[]): HelpLine[] {
  const out: HelpLine[] = [];
  let section = "";
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      out.push({ kind: "section", section });
    }
    out.push({ kind: "row", row });
  }
  return out;
}
