/**
 * Text for a terminal, made harmless: control characters (C0 but newline and tab, DEL, C1) are
 * shown as visible stand-ins instead of being sent. A group name, a label or a broker's reject text
 * with an escape sequence in it can then neither retitle a tmux pane nor make the screen blink.
 * JSON output needs none of this (JSON.stringify escapes C0; C1 are escaped here too).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function standIn(char: string): string {
  const code = char.charCodeAt(0);
  // U+2400 CONTROL PICTURES for C0 (␛ for ESC), ␡ for DEL; C1 as an escape a person can read.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return `\\x${code.toString(16)}`;
}

export function visible(text: string): string {
  return text.replace(CONTROL, standIn);
}

/** JSON for a terminal: C1 characters, which JSON.stringify leaves raw, escaped as \u0080…\u009f. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
