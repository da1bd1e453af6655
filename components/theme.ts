/**
 * Colour is a hint, never the only signal: every state also has a word or a symbol, so the
 * screen reads the same with NO_COLOR. Components get a Theme; with color off, toneColor
 * returns undefined and Ink prints plain text (inverse and bold stay: they are not colour).
 */
export interface Theme {
  color: boolean;
}

export type Tone = "default" | "ok" | "warn" | "bad" | "muted" | "accent";

const COLORS: Record<Tone, string | undefined> = {
  default: undefined,
  ok: "green",
  warn: "yellow",
  bad: "red",
  muted: "gray",
  accent: "cyan",
};

export function toneColor(theme: Theme, tone: Tone | undefined): string | undefined {
  return theme.color && tone ? COLORS[tone] : undefined;
}

/** https://no-color.org: NO_COLOR present and not empty turns colour off. */
export function themeFromEnv(env: Record<string, string | undefined>): Theme {
  return { color: !env.NO_COLOR };
}

export const plainTheme: Theme = { color: false };
export const colorTheme: Theme = { color: true };
