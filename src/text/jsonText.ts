/**
 * JSON text made safe for a terminal. JSON.stringify escapes C0 but leaves C1 (U+0080–U+009F, an
 * 8-bit CSI among them) raw; here they are escaped too. The result is still JSON that parses to
 * the same value. No imports: the engine's thread bundles it without the screen's text code.
 */
export function terminalJson(text: string): string {
  return text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
