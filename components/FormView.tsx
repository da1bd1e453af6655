/**
 * Draws a form's state (src/screen/forms/form.ts), nothing else: the screen reducer holds the
 * state and the router turns keys into form actions. One line per field, its error under it
 * (touched fields while typing, all fields after a save attempt). The keys are in the screen's
 * hint bar (hintsFor("form")), not repeated here.
 */
import { Box, Text } from "ink";
import {
  type FieldSpec,
  type FormSpec,
  type FormState,
  type FormValues,
  shownError,
} from "../src/screen/forms/form.js";
import { padTo, textWidth, truncate, truncateStart, windowStart, wrapWords } from "./text.js";
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
  kind: "field" | "error" | "note";
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
    const head = `${focused ? "›" : " "} ${padTo(f.label, LABEL_WIDTH)} `;
    // A text being typed past the line's end keeps its end and the cursor in view, not its start.
    const typing = focused && f.kind === "text" && textWidth(head) + textWidth(value) > width;
    lines.push({
      key: f.id,
      kind: "field",
      focused,
      fieldIndex: i,
      text: typing
        ? truncate(head + truncateStart(value, width - textWidth(head)), width)
        : truncate(`${head}${value}${focused ? help : ""}`, width),
    });
    // Why it will not save is read in full: wrapped under the value, never cut. So is a warning
    // that does not stop the save, marked apart.
    const error = shownError(state, f.id);
    const note = error ? undefined : f.note?.(state.values);
    const under = error ?? note;
    if (under) {
      const indent = LABEL_WIDTH + 3;
      wrapWords(under, Math.max(1, width - indent - 2)).forEach((part, n) => {
        lines.push({
          key: `${f.id}!${n}`,
          kind: error ? "error" : "note",
          focused,
          fieldIndex: i,
          text: truncate(`${" ".repeat(indent)}${n === 0 ? (error ? "✗" : "!") : " "} ${part}`, width),
        });
      });
    }
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
  const lastOfFocus = lines.findLastIndex((l) => l.fieldIndex === state.focus);
  // Keep the focused field and its whole error in view (or, with none, the line after it).
  const start = windowStart(lines.length, focusLine, bodyHeight, Math.max(lastOfFocus, focusLine + 1));
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
            color={toneColor(theme, l.kind === "error" ? "bad" : l.kind === "note" ? "warn" : undefined)}
          >
            {l.text}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
