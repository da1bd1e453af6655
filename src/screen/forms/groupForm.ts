/**
 * The group form: name, leader (picked only from free accounts), active, whitelist, what a
 * re-sync makes up (reconcile), what followers get of the leader's working orders (copy and
 * protect, issue 14). Turning on what sends orders by itself ("full", a mirror) is asked about by
 * the save binding (saveQuestion). Validated
 * with data/schema.ts's groupSchema plus the two cross-checks a single group can see: the name
 * is not taken and the leader is free. (groupRules on the whole config stays the repository's
 * last word when saving.)
 */
import { isKnownRoot, unknownRootWords } from "../../../data/knownRoots.js";
import { type Group, groupSchema } from "../../../data/schema.js";
import type { FieldSpec, FormSpec, FormValues, Validation } from "./form.js";
import { zodErrors } from "./zodErrors.js";

export interface AccountChoice {
  name: string;
  label?: string | undefined;
}

export interface GroupFormContext {
  /** Accounts in no group at all, in any role. */
  freeAccounts: readonly AccountChoice[];
  /** Names of the other groups (case-insensitive clash check). */
  existingGroupNames: readonly string[];
  /** The group being edited; undefined for a new group. Its followers are kept as they are. */
  existing?: Group | undefined;
  /** Roots the config's connections name themselves (a ProjectX symbol map): known, not typos. */
  ownRoots?: ReadonlySet<string> | undefined;
}

export function accountOptions(free: readonly AccountChoice[], current?: string) {
  const list = [...free];
  if (current && !list.some((a) => a.name.toUpperCase() === current.toUpperCase()))
    list.unshift({ name: current });
  return list.map((a) => ({ value: a.name, label: a.label ? `${a.name} (${a.label})` : a.name }));
}

export function groupFormSpec(ctx: GroupFormContext): FormSpec<Group> {
  const leaders = accountOptions(ctx.freeAccounts, ctx.existing?.leader);
  const fields: FieldSpec[] = [
    { id: "name", label: "Name", kind: "text" },
    { id: "leader", label: "Leader", kind: "choice", options: leaders, help: "←/→ free accounts" },
    { id: "active", label: "Active", kind: "toggle" },
    { id: "whitelistEnabled", label: "Whitelist on", kind: "toggle", help: "off = copy every symbol" },
    {
      id: "symbols",
      label: "Whitelist",
      kind: "text",
      help: "root symbols, e.g. ES, NQ, MES",
      hidden: (v) => v.whitelistEnabled !== true,
      note: (v) => {
        const unknown = splitSymbols(v.symbols).filter((s) => !isKnownRoot(s, ctx.ownRoots));
        return unknown.length > 0 ? unknownRootWords(unknown.map((s) => s.toUpperCase())) : undefined;
      },
    },
    {
      id: "reconcile",
      label: "Re-sync",
      kind: "choice",
      options: [
        { value: "exits", label: "exits: make up missed exits" },
        { value: "full", label: "full: make up openings too" },
        { value: "off", label: "off: make up nothing" },
      ],
      help: "←/→ what a re-sync makes up",
    },
    {
      id: "working",
      label: "Working orders",
      kind: "choice",
      options: [
        { value: "fills", label: "fills: copy fills only" },
        { value: "protect", label: "protect: fills, and own OCO exits" },
        { value: "orders", label: "orders: mirror working orders" },
      ],
      help: "←/→ copy fills, protect, mirror",
    },
  ];
  return {
    title: ctx.existing ? `Edit group ${ctx.existing.name}` : "New group",
    fields,
    validate: (values) => validateGroup(ctx, values),
  };
}

export function groupFormValues(ctx: GroupFormContext): FormValues {
  const g = ctx.existing;
  return {
    name: g?.name ?? "",
    leader: g?.leader ?? ctx.freeAccounts[0]?.name ?? "",
    active: g?.active ?? true,
    whitelistEnabled: g?.whitelist.enabled ?? false,
    symbols: g?.whitelist.symbols.join(", ") ?? "",
    reconcile: g?.reconcile ?? "exits",
    working: workingOf(g),
  };
}

type Working = "fills" | "protect" | "orders";

function workingOf(g: Pick<Group, "copy" | "protect"> | undefined): Working {
  return g?.copy === "orders" ? "orders" : g?.protect === true ? "protect" : "fills";
}

/** Saving this turns `reconcile: "full"` on (it was not): the console asks first. */
export function turnsFullOn(saved: Group, original: Group | undefined): boolean {
  return saved.reconcile === "full" && original?.reconcile !== "full";
}

/**
 * What saving turns on that places orders by itself (reconcile "full", a mirror of the leader's
 * working orders, protective OCOs), as the question the console asks first; undefined when it
 * turns on nothing of the kind.
 */
export function saveQuestion(saved: Group, original: Group | undefined): string | undefined {
  const parts: string[] = [];
  if (turnsFullOn(saved, original))
    parts.push(
      `Turn on reconcile "full" for ${saved.name}? At a re-sync mimik will also OPEN positions the followers missed, at the price then`,
    );
  const working = workingOf(saved);
  if (working !== workingOf(original) && working === "orders")
    parts.push(
      `Mirror the leader's working orders for ${saved.name}? Each follower gets its own working orders at once, sized by its rule, and they fill at the broker on their own`,
    );
  if (working !== workingOf(original) && working === "protect")
    parts.push(
      `Turn on protect for ${saved.name}? Each follower holding a position gets its own OCO exits at the leader's prices at once`,
    );
  return parts.length === 0 ? undefined : parts.join(". ");
}

export function splitSymbols(text: string | boolean | undefined): string[] {
  return String(text ?? "")
    .split(/[\s,;]+/)
    .filter((s) => s !== "");
}

export function validateGroup(ctx: GroupFormContext, values: FormValues): Validation<Group> {
  const errors: Record<string, string> = {};
  const name = String(values.name ?? "").trim();
  const leader = String(values.leader ?? "");
  const taken = ctx.existingGroupNames.some(
    (n) => n.toUpperCase() === name.toUpperCase() && n.toUpperCase() !== ctx.existing?.name.toUpperCase(),
  );
  if (taken) errors.name = `a group named "${name}" already exists`;
  const allowed = accountOptions(ctx.freeAccounts, ctx.existing?.leader).map((o) => o.value);
  if (allowed.length === 0)
    errors.leader = "no free accounts: add one to the config or remove one from a group";
  else if (!allowed.includes(leader)) errors.leader = "pick a free account";

  const symbols = splitSymbols(values.symbols).map((s) => s.toUpperCase());
  // The default stays unwritten unless the file already spelled it out.
  const reconcile = String(values.reconcile ?? "exits");
  const candidate = {
    name,
    leader,
    active: values.active === true,
    whitelist: { enabled: values.whitelistEnabled === true, symbols },
    ...(reconcile === "exits" && ctx.existing?.reconcile === undefined ? {} : { reconcile }),
    ...workingFields(String(values.working ?? "fills"), ctx.existing),
    // Set in the file, not in this form: an edit here keeps them as they are.
    ...keptFromFile(ctx.existing),
    followers: ctx.existing?.followers ?? [],
  };
  const parsed = groupSchema.safeParse(candidate);
  if (!parsed.success) {
    const fromSchema = zodErrors(parsed.error, (path) => {
      if (path[0] === "whitelist" && path[1] === "symbols") {
        const i = typeof path[2] === "number" ? path[2] : -1;
        return { field: "symbols", prefix: symbols[i] ? `${symbols[i]}: ` : "" };
      }
      if (path[0] === "name" || path[0] === "leader" || path[0] === "reconcile") return { field: path[0] };
      if (path[0] === "copy" || path[0] === "protect") return { field: "working" };
      return { field: "name" };
    });
    for (const [field, message] of Object.entries(fromSchema)) errors[field] ??= message;
  }
  // The list is still saved while the whitelist is off, but its field is hidden then: its error
  // goes on the toggle, or the form would refuse to save without saying why.
  if (errors.symbols !== undefined && values.whitelistEnabled !== true) {
    errors.whitelistEnabled ??= `whitelist ${errors.symbols}`;
    delete errors.symbols;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** `copy` and `protect` for the choice; the defaults stay unwritten unless the file spelled them out. */
function workingFields(working: string, g: Group | undefined): Pick<Group, "copy" | "protect"> {
  const copy = working === "orders" ? "orders" : "fills";
  const protect = working === "protect";
  return {
    ...(copy === "fills" && g?.copy === undefined ? {} : { copy }),
    ...(!protect && g?.protect === undefined ? {} : { protect }),
  };
}

/** The group's late-fill and budget settings and trading windows, kept through an edit of the form. */
function keptFromFile(g: Group | undefined): Partial<Group> {
  if (!g) return {};
  const { late, expectedOrdersPerHour, windows } = g;
  return Object.fromEntries(
    Object.entries({ late, expectedOrdersPerHour, windows }).filter(([, v]) => v !== undefined),
  );
}
