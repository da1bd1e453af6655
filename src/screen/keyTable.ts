/**
 * The README's key table, made from the binding table so the documentation cannot drift from
 * what the keys do. `npm run docs:keys` writes it between the two markers below; a test fails
 * when the README's copy differs. Only the pane keys are listed: the keys of forms, questions and
 * the help are on screen while they apply (hint bar) and in the `?` help.
 */
import { BINDINGS, type Binding, MODAL_SCOPES, type Scope } from "./bindings.js";

export const KEY_TABLE_BEGIN =
  "<!-- keys:begin — generated from src/screen/bindings.ts by `npm run docs:keys`; edit the bindings, not this table -->";
export const KEY_TABLE_END = "<!-- keys:end -->";

/** Key names as the README spells them (the hint bar uses shorter ones). */
const DOC_KEYS: Record<string, string> = {
  up: "↑",
  down: "↓",
  left: "←",
  right: "→",
  pageup: "PgUp",
  pagedown: "PgDn",
  tab: "Tab",
  "shift+tab": "Shift+Tab",
  return: "Enter",
  escape: "Esc",
  space: "space",
  "ctrl+c": "Ctrl+C",
};

const WHERE: Record<Scope, string> = {
  global: "everywhere",
  groups: "Groups",
  followers: "Followers",
  fills: "Live fills",
  alerts: "Locks & alerts",
  form: "forms",
  confirm: "questions",
  help: "help",
  report: "report",
};

export interface KeyTableRow {
  keys: string;
  does: string;
  where: string;
}

/** One row per command of the panes, in table order; a command bound twice lists both keys. */
export function keyTableRows(bindings: readonly Binding[] = BINDINGS): KeyTableRow[] {
  const rows = new Map<string, KeyTableRow>();
  for (const b of bindings) {
    if (b.scopes.every((s) => MODAL_SCOPES.includes(s))) continue;
    const where = b.scopes.map((s) => WHERE[s]).join(", ");
    const keys = b.keys.map((k) => DOC_KEYS[k] ?? k).join(", ");
    const id = `${b.command}\u0000${where}`;
    const prior = rows.get(id);
    if (prior) prior.keys = `${prior.keys}, ${keys}`;
    else rows.set(id, { keys, does: `${b.doc ?? b.label}${b.danger ? " (asks y/N)" : ""}`, where });
  }
  return [...rows.values()];
}

/** The markdown table, one line per row, with the README's columns. */
export function keyTable(bindings: readonly Binding[] = BINDINGS): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  return [
    "| Key | Does | Where |",
    "|---|---|---|",
    ...keyTableRows(bindings).map((r) => `| ${cell(r.keys)} | ${cell(r.does)} | ${cell(r.where)} |`),
  ].join("\n");
}

/** The text between the markers (without them), or undefined when they are missing. */
export function keyTableSection(readme: string): string | undefined {
  const begin = readme.indexOf(KEY_TABLE_BEGIN);
  const end = readme.indexOf(KEY_TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(begin + KEY_TABLE_BEGIN.length, end).trim();
}

/** The README with the generated table between the markers. */
export function withKeyTable(readme: string, table: string = keyTable()): string {
  const begin = readme.indexOf(KEY_TABLE_BEGIN);
  const end = readme.indexOf(KEY_TABLE_END);
  if (begin < 0 || end < begin)
    throw new Error(`the README has no key table markers: add ${KEY_TABLE_BEGIN} and ${KEY_TABLE_END}`);
  return `${readme.slice(0, begin + KEY_TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
