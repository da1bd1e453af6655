/**
 * Renders any FormState (src/screen/forms/form.ts) and turns keys into its actions: the pure
 * reducer decides, this file only draws and listens. One line per field, its error under it
 * (touched fields while typing, all fields after a save attempt). The keys are in the screen's
 * hint bar (hintsFor("form")), not repeated here.
 */
import { Box, Text, useInput } from "ink";
import { useEffect, useReducer } from "react";
import {
  type FieldSpec,
  type FormAction,
  type FormSpec,
  type FormState,
  type FormValues,
  initForm,
  reduceForm,
  shownError,
} from "../src/screen/forms/form.js";
import { keyName, resolveKey } from "../src/screen/keymap.js";
import { padTo, truncate, windowStart } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface FormViewProps<T> {
  spec: FormSpec<T>;
  state: FormState<T>;
  width: number;
  height: number;
  theme: Theme;
}

const LABEL_WIDTH = 16;

export function fieldValueText(field: FieldSpec, values: FormValues, focused: boolean): string {
  const v = values[field.id];
  switch (field.kind) {
    case "toggle":
      return v === true ? "[x] yes" : "[ ] no";
    case "choice": {
      const label = field.options?.find((o) => o.value === v)?.label ?? (String(v ?? "") || "(none)");
      return focused ? `‹ ${label} ›` : label;
    }
    case "text":
      return `${String(v ?? "")}${focused ? "▏" : ""}`;
  }
}

interface FormLine {
  key: string;
  text: string;
  kind: "field" | "error";
  focused: boolean;
  fieldIndex: number;
}

export function formLines<T>(spec: FormSpec<T>, state: FormState<T>, width: number): FormLine[] {
  const lines: FormLine[] = [];
  spec.fields.forEach((f, i) => {
    if (f.hidden?.(state.values)) return;
    const focused = i === state.focus;
    const value = fieldValueText(f, state.values, focused);
    const help = f.help ? `   ${f.help}` : "";
    lines.push({
      key: f.id,
      kind: "field",
      focused,
      fieldIndex: i,
      text: truncate(
        `${focused ? "›" : " "} ${padTo(f.label, LABEL_WIDTH)} ${value}${focused ? help : ""}`,
        width,
      ),
    });
    const error = shownError(state, f.id);
    if (error)
      lines.push({
        key: `${f.id}!`,
        kind: "error",
        focused,
        fieldIndex: i,
        text: truncate(`${" ".repeat(LABEL_WIDTH + 3)}✗ ${error}`, width),
      });
  });
  return lines;
}

export function FormView<T>({ spec, state, width, height, theme }: FormViewProps<T>) {
  const lines = formLines(spec, state, width);
  const bodyHeight = Math.max(1, height - 1);
  const focusLine = Math.max(
    0,
    lines.findIndex((l) => l.fieldIndex === state.focus && l.kind === "field"),
  );
  // Keep the focused field and the error under it in view.
  const start = windowStart(lines.length, Math.min(lines.length - 1, focusLine + 1), bodyHeight);
  const errors = Object.keys(state.errors).length;
  const status = state.attempted && errors ? `  · fix ${errors} field${errors === 1 ? "" : "s"} to save` : "";
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold inverse wrap="truncate">
        {padTo(` ${spec.title}${status}`, width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {lines.slice(start, start + bodyHeight).map((l) => (
          <Text
            key={l.key}
            wrap="truncate"
            bold={l.focused && l.kind === "field"}
            color={toneColor(theme, l.kind === "error" ? "bad" : undefined)}
          >
            {l.text}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

const NO_CONTEXT = { totalFollowers: 0, groupCount: 0 };

interface KeyPress {
  input: string;
  key: Parameters<typeof keyName>[1];
}

/** A key press → the form action it means, given the focused field (text fields take text first). */
export function formActionFor(
  field: FieldSpec | undefined,
  input: string,
  key: Parameters<typeof keyName>[1],
): FormAction | "cancel" | undefined {
  const name = keyName(input, key);
  if (field?.kind === "text") {
    if (name === "backspace" || name === "delete") return { type: "backspace" };
    if (key.ctrl && name === "ctrl+u") return { type: "clear" };
    const printable =
      !key.ctrl &&
      !key.meta &&
      input.length > 0 &&
      (name === undefined || [...name].length === 1 || name === "space");
    if (printable) return { type: "type", text: input };
  }
  switch (resolveKey(input, key, "form", NO_CONTEXT)) {
    case "form.next":
      return { type: "next" };
    case "form.prev":
      return { type: "prev" };
    case "form.choosePrev":
      return { type: "choose", delta: -1 };
    case "form.chooseNext":
      return { type: "choose", delta: 1 };
    case "form.toggle":
      return { type: "toggle" };
    case "form.save":
      return { type: "save" };
    case "form.cancel":
      return "cancel";
    default:
      return undefined;
  }
}

export interface FormControllerProps<T> {
  spec: FormSpec<T>;
  initialValues: FormValues;
  width: number;
  height: number;
  theme: Theme;
  /** Set false while something else (a confirm) owns the keyboard. */
  isActive?: boolean;
  /** Called with the schema-validated value when Enter saves a valid form. */
  onSubmit: (value: T) => void;
  onCancel: () => void;
}

/** State + input for a form: useReducer over reduceForm, onSubmit after a successful save. */
export function FormController<T>({
  spec,
  initialValues,
  width,
  height,
  theme,
  isActive = true,
  onSubmit,
  onCancel,
}: FormControllerProps<T>) {
  // Keys are resolved inside the reducer, against the latest state: two keys arriving before
  // a re-render (fast typing, a paste split in two) must not see a stale focused field.
  const [state, dispatch] = useReducer(
    (s: FormState<T>, press: KeyPress) => {
      const action = formActionFor(spec.fields[s.focus], press.input, press.key);
      return action && action !== "cancel" ? reduceForm(spec, s, action) : s;
    },
    undefined,
    () => initForm(spec, initialValues),
  );
  useInput(
    (input, key) => {
      if (resolveKey(input, key, "form", NO_CONTEXT) === "form.cancel") onCancel();
      else dispatch({ input, key });
    },
    { isActive },
  );
  const { saveCount, saved } = state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: fire once per successful save, not when onSubmit's identity changes
  useEffect(() => {
    if (saveCount > 0 && saved !== undefined) onSubmit(saved);
  }, [saveCount]);
  return <FormView spec={spec} state={state} width={width} height={height} theme={theme} />;
}
