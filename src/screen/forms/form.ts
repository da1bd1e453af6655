/**
 * A tiny form engine: fields, focus, edits, and validation on every change. Pure: the screen
 * reducer keeps a FormState (openForm.ts), the router turns keys into FormActions (text first,
 * then the form bindings), and components/FormView.tsx only draws it. Each concrete form
 * (groupForm.ts, followerForm.ts) supplies its fields and a validate function that runs the
 * config's zod schemas, so the form refuses exactly what the config file would.
 */

export type FieldKind = "text" | "choice" | "toggle";

export interface ChoiceOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  id: string;
  label: string;
  kind: FieldKind;
  /** choice fields only. */
  options?: readonly ChoiceOption[];
  /** Shown after the field, e.g. "comma-separated, e.g. ES, NQ". */
  help?: string;
  /** A warning under the field that does not stop the save (a whitelist root mimik does not know). */
  note?: (values: FormValues) => string | undefined;
  /** Hidden fields are skipped by focus and not shown (e.g. size fields of the other mode). */
  hidden?: (values: FormValues) => boolean;
}

export type FormValues = Record<string, string | boolean>;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export interface FormSpec<T> {
  title: string;
  fields: readonly FieldSpec[];
  validate(values: FormValues): Validation<T>;
}

export interface FormState<T> {
  values: FormValues;
  /** Index into the spec's fields (always a visible one). */
  focus: number;
  /** Fields edited so far: only their errors show while typing. */
  touched: Record<string, true>;
  /** After a save attempt every error shows. */
  attempted: boolean;
  errors: Record<string, string>;
  /** Set when the last action was a successful save: the value the save handler stores. */
  saved?: T | undefined;
}

export type FormAction =
  | { type: "next" }
  | { type: "prev" }
  | { type: "focus"; field: string }
  | { type: "type"; text: string }
  | { type: "backspace" }
  | { type: "clear" }
  | { type: "choose"; delta: 1 | -1 }
  | { type: "toggle" }
  | { type: "set"; field: string; value: string | boolean }
  | { type: "save" };

export function initForm<T>(spec: FormSpec<T>, values: FormValues): FormState<T> {
  const v = spec.validate(values);
  return {
    values,
    focus: firstVisible(spec, values),
    touched: {},
    attempted: false,
    errors: v.ok ? {} : v.errors,
  };
}

export function focusedField<T>(spec: FormSpec<T>, state: FormState<T>): FieldSpec | undefined {
  return spec.fields[state.focus];
}

export function visibleFields<T>(spec: FormSpec<T>, values: FormValues): FieldSpec[] {
  return spec.fields.filter((f) => !f.hidden?.(values));
}

/** The error to show under a field now (touched or after a save attempt), if any. */
export function shownError<T>(state: FormState<T>, field: string): string | undefined {
  return state.touched[field] || state.attempted ? state.errors[field] : undefined;
}

export function reduceForm<T>(spec: FormSpec<T>, state: FormState<T>, action: FormAction): FormState<T> {
  const field = spec.fields[state.focus];
  const base = { ...state, saved: undefined };
  switch (action.type) {
    case "next":
      return { ...base, focus: step(spec, state, 1) };
    case "prev":
      return { ...base, focus: step(spec, state, -1) };
    case "focus": {
      const i = spec.fields.findIndex((f) => f.id === action.field && !f.hidden?.(state.values));
      return i < 0 ? base : { ...base, focus: i };
    }
    case "type":
      if (field?.kind !== "text") return base;
      return edit(spec, base, field.id, `${String(state.values[field.id] ?? "")}${clean(action.text)}`);
    case "backspace":
      if (field?.kind !== "text") return base;
      return edit(spec, base, field.id, [...String(state.values[field.id] ?? "")].slice(0, -1).join(""));
    case "clear":
      if (field?.kind !== "text") return base;
      return edit(spec, base, field.id, "");
    case "choose": {
      if (field?.kind !== "choice" || !field.options?.length) return base;
      const options = field.options;
      const at = options.findIndex((o) => o.value === state.values[field.id]);
      const next = options[(at + action.delta + options.length) % options.length];
      return next ? edit(spec, base, field.id, next.value) : base;
    }
    case "toggle":
      if (field?.kind !== "toggle") return base;
      return edit(spec, base, field.id, state.values[field.id] !== true);
    case "set":
      return edit(spec, base, action.field, action.value);
    case "save": {
      const v = spec.validate(state.values);
      if (v.ok) return { ...base, attempted: true, errors: {}, saved: v.value };
      const firstBad = spec.fields.findIndex(
        (f) => !f.hidden?.(state.values) && v.errors[f.id] !== undefined,
      );
      return { ...base, attempted: true, errors: v.errors, focus: firstBad >= 0 ? firstBad : state.focus };
    }
  }
}

function edit<T>(spec: FormSpec<T>, state: FormState<T>, id: string, value: string | boolean): FormState<T> {
  const values = { ...state.values, [id]: value };
  const v = spec.validate(values);
  const focusStillVisible = !spec.fields[state.focus]?.hidden?.(values);
  return {
    ...state,
    values,
    touched: { ...state.touched, [id]: true },
    errors: v.ok ? {} : v.errors,
    focus: focusStillVisible ? state.focus : firstVisible(spec, values),
  };
}

function step<T>(spec: FormSpec<T>, state: FormState<T>, dir: 1 | -1): number {
  const n = spec.fields.length;
  for (let k = 1; k <= n; k++) {
    const i = (state.focus + dir * k + n * k) % n;
    if (!spec.fields[i]?.hidden?.(state.values)) return i;
  }
  return state.focus;
}

function firstVisible<T>(spec: FormSpec<T>, values: FormValues): number {
  const i = spec.fields.findIndex((f) => !f.hidden?.(values));
  return i < 0 ? 0 : i;
}

/** Pasted text may carry newlines or control characters; a field is one line of plain text. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, "");
}

// ---------------------------------------------------------------------------------------------
// Helpers the concrete forms share.

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** "1,500.25": a separator only between groups of three digits, so "1,5" is never read as 15. */
const GROUPED = /^[+-]?\d{1,3}([,_]\d{3})+(\.\d*)?$/;

/**
 * "" → undefined (optional field left empty); "12.5", "$1,500" → the number; "abc", "1,5" (a
 * decimal comma), "0x10" → an error message, never another number than the one meant.
 */
export function parseNumber(text: string | boolean | undefined): number | undefined | { error: string } {
  const s = String(text ?? "")
    .trim()
    .replace(/^([+-]?)\$\s*/, "$1");
  if (s === "") return undefined;
  const plain = GROUPED.test(s) ? s.replace(/[,_]/g, "") : s;
  if (DECIMAL.test(plain)) return Number(plain);
  return { error: s.includes(",") ? "must be a number (decimals with a dot: 1.5)" : "must be a number" };
}

export function isParseError(x: number | undefined | { error: string }): x is { error: string } {
  return typeof x === "object";
}
