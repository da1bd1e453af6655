/**
 * Text from outside mimik (group names, labels, broker reject reasons, alert messages) made safe
 * to print on a terminal. An escape sequence in a label can retitle the tmux pane, make text
 * blink or move the cursor over other panes; a newline breaks a one-line row. Pure, no imports
 * besides string-width (and its ASCII rule), so any edge that prints (the screen, the CLI) can use it.
 */
import stringWidth from "string-width";
import { isPrintableAscii } from "./fastWidth.js";
import { terminalJson } from "./jsonText.js";

// Whole sequences first, so their parameters ("[5m", "]0;title") do not survive as text:
// CSI (ESC [ … final byte, or the 8-bit CSI U+009B), the string commands OSC, DCS, SOS, PM and
// APC (ESC ] P X ^ _ or their 8-bit forms, up to BEL or ST, or the end of the text as a terminal
// would swallow it), then any other two-character ESC sequence.
const SEQUENCE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
const LINE_BREAKS = /[\t\n\v\f\r]+/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `text` with every C0 and C1 control character and escape sequence removed; tabs and line
 * breaks become one space, so "a\nb" still reads as two words on one line.
 */
export function printable(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(SEQUENCE, "").replace(LINE_BREAKS, " ").replace(CONTROL, "");
}

/** Columns a terminal uses for printable text: CJK and most emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  return isPrintableAscii(text) ? text.length : stringWidth(text);
}

/** Several lines of text (a status report, a list of problems), each made printable. */
export function printableLines(text: string): string {
  return text
    .split("\n")
    .map((line) => printable(line))
    .join("\n");
}

/** JSON for a terminal: see terminalJson. */
export function jsonLine(value: unknown): string {
  return terminalJson(JSON.stringify(value));
}
