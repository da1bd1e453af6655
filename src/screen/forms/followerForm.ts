/**
 * The follower form: account (picked only from free accounts), enabled, shadow, sizing mode and size,
 * max contracts, micro/mini mapping and risk limits. Validated with data/schema.ts's
 * followerSchema; numbers are parsed here first so "abc" says "must be a number".
 */
import { type Follower, followerSchema } from "../../../data/schema.js";
import type { FieldSpec, FormSpec, FormValues, Validation } from "./form.js";
import { isParseError, parseNumber } from "./form.js";
import { type AccountChoice, accountOptions } from "./groupForm.js";
import { zodErrors } from "./zodErrors.js";

export interface FollowerFormContext {
  /** Accounts in no group at all, in any role (so never a leader). */
  freeAccounts: readonly AccountChoice[];
  /** The group the follower belongs to (for the title). */
  groupName: string;
  /** The follower being edited; undefined for a new one. */
  existing?: Follower | undefined;
}

const LIMIT_FIELDS = [
  "dailyLoss",
  "trailingDrawdown",
  "dailyProfitTarget",
  "weeklyLoss",
  "dailyGiveBack",
  "maxTradesPerDay",
  "maxOpenContracts",
] as const;

export function followerFormSpec(ctx: FollowerFormContext): FormSpec<Follower> {
  const fields: FieldSpec[] = [
    {
      id: "account",
      label: "Account",
      kind: "choice",
      options: accountOptions(ctx.freeAccounts, ctx.existing?.account),
      help: "←/→ free accounts",
    },
    { id: "enabled", label: "Enabled", kind: "toggle" },
    {
      id: "sizingMode",
      label: "Sizing",
      kind: "choice",
      options: [
        { value: "multiplier", label: "multiplier" },
        { value: "fixed", label: "fixed contracts" },
      ],
    },
    {
      id: "multiplier",
      label: "Multiplier",
      kind: "text",
      help: "e.g. 0.5, 1, 2.25",
      hidden: (v) => v.sizingMode !== "multiplier",
    },
    {
      id: "contracts",
      label: "Contracts",
      kind: "text",
      help: "per leader order",
      hidden: (v) => v.sizingMode !== "fixed",
    },
    { id: "maxContracts", label: "Max contracts", kind: "text", help: "per contract; empty = no cap" },
    {
      id: "mapping",
      label: "Mapping",
      kind: "choice",
      options: [
        { value: "none", label: "same contract" },
        { value: "toMicro", label: "mini → micro (NQ→MNQ)" },
        { value: "toMini", label: "micro → mini (MNQ→NQ)" },
      ],
    },
    { id: "dailyLoss", label: "Daily loss $", kind: "text", help: "empty = none" },
    { id: "trailingDrawdown", label: "Trailing DD $", kind: "text", help: "empty = none" },
    { id: "dailyProfitTarget", label: "Profit target $", kind: "text", help: "empty = none" },
    { id: "weeklyLoss", label: "Weekly loss $", kind: "text", help: "empty = none" },
    { id: "dailyGiveBack", label: "Give-back $", kind: "text", help: "from the day's peak" },
    { id: "maxTradesPerDay", label: "Max trades/day", kind: "text", help: "empty = none" },
    { id: "maxOpenContracts", label: "Account max", kind: "text", help: "contracts, all positions" },
    { id: "shadow", label: "Shadow", kind: "toggle", help: "decide and record, never send" },
  ];
  return {
    title: ctx.existing
      ? `Edit follower ${ctx.existing.account} in ${ctx.groupName}`
      : `New follower in ${ctx.groupName}`,
    fields,
    validate: (values) => validateFollower(ctx, values),
  };
}

export function followerFormValues(ctx: FollowerFormContext): FormValues {
  const f = ctx.existing;
  const num = (n: number | undefined) => (n === undefined ? "" : String(n));
  return {
    account: f?.account ?? ctx.freeAccounts[0]?.name ?? "",
    enabled: f?.enabled ?? true,
    shadow: f?.shadow === true,
    sizingMode: f?.sizing.mode ?? "multiplier",
    multiplier: f?.sizing.mode === "multiplier" ? String(f.sizing.value) : "1",
    contracts: f?.sizing.mode === "fixed" ? String(f.sizing.contracts) : "1",
    maxContracts: num(f?.maxContracts),
    mapping: f?.mapping ?? "none",
    dailyLoss: num(f?.limits.dailyLoss),
    trailingDrawdown: num(f?.limits.trailingDrawdown),
    dailyProfitTarget: num(f?.limits.dailyProfitTarget),
    weeklyLoss: num(f?.limits.weeklyLoss),
    dailyGiveBack: num(f?.limits.dailyGiveBack),
    maxTradesPerDay: num(f?.limits.maxTradesPerDay),
    maxOpenContracts: num(f?.limits.maxOpenContracts),
  };
}

export function validateFollower(ctx: FollowerFormContext, values: FormValues): Validation<Follower> {
  const errors: Record<string, string> = {};
  const account = String(values.account ?? "");
  const allowed = accountOptions(ctx.freeAccounts, ctx.existing?.account).map((o) => o.value);
  if (allowed.length === 0)
    errors.account = "no free accounts: add one to the config or remove one from a group";
  else if (!allowed.includes(account)) errors.account = "pick a free account";

  const numbers: Record<string, number | undefined> = {};
  const mode = values.sizingMode === "fixed" ? "fixed" : "multiplier";
  const sizeField = mode === "fixed" ? "contracts" : "multiplier";
  for (const id of [sizeField, "maxContracts", ...LIMIT_FIELDS]) {
    const n = parseNumber(values[id]);
    if (isParseError(n)) errors[id] = n.error;
    else numbers[id] = n;
  }
  if (numbers[sizeField] === undefined && errors[sizeField] === undefined) errors[sizeField] = "required";

  const limits: Record<string, number> = {};
  for (const id of LIMIT_FIELDS) {
    const n = numbers[id];
    if (n !== undefined) limits[id] = n;
  }
  const candidate = {
    account,
    enabled: values.enabled === true,
    sizing:
      mode === "fixed"
        ? { mode, contracts: numbers.contracts ?? Number.NaN }
        : { mode, value: numbers.multiplier ?? Number.NaN },
    ...(numbers.maxContracts === undefined ? {} : { maxContracts: numbers.maxContracts }),
    mapping: String(values.mapping ?? "none"),
    limits,
    ...(values.shadow === true ? { shadow: true } : {}),
  };
  const parsed = followerSchema.safeParse(candidate);
  if (!parsed.success) {
    const fromSchema = zodErrors(parsed.error, (path) => {
      if (path[0] === "sizing") return { field: sizeField };
      if (path[0] === "limits" && typeof path[1] === "string") return { field: path[1] };
      if (path[0] === "maxContracts" || path[0] === "mapping" || path[0] === "account")
        return { field: path[0] };
      return { field: "account" };
    });
    for (const [field, message] of Object.entries(fromSchema)) errors[field] ??= message;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}
