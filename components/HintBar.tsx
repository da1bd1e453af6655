import { Box, Text } from "ink";
import type { Hint } from "../src/screen/keymap.js";
import { flashLines } from "./bottomLines.js";
import { textWidth } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface HintBarProps {
  hints: readonly Hint[];
  width: number;
  theme: Theme;
  /** Replaces the hints for a moment, e.g. "f: no follower selected". */
  message?: string | undefined;
}

/**
 * The hints that fit in `width`, in their order. Pinned ones (help, quit) always stay; when
 * room is short, disabled hints go first, then whatever no longer fits.
 */
export function fitHints(hints: readonly Hint[], width: number): Hint[] {
  const cost = (h: Hint) => textWidth(`${h.keys} ${h.label}  `);
  const budget = width + 2; // the last hint needs no trailing gap
  const total = hints.reduce((s, h) => s + cost(h), 0);
  const pool = total <= budget ? hints : hints.filter((h) => h.pinned || !h.disabled);
  let used = pool.filter((h) => h.pinned).reduce((s, h) => s + cost(h), 0);
  const keep = new Set<Hint>(pool.filter((h) => h.pinned));
  for (const h of pool) {
    if (h.pinned || used + cost(h) > budget) continue;
    keep.add(h);
    used += cost(h);
  }
  return pool.filter((h) => keep.has(h));
}

export function HintBar({ hints, width, theme, message }: HintBarProps) {
  if (message) {
    // Read in full: wrapped over up to three lines (bottomLines.ts), which the layout makes room for.
    const lines = flashLines(message, width);
    return (
      <Box width={width} height={lines.length} flexDirection="column">
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one message, in order
          <Text key={i} wrap="truncate" bold color={toneColor(theme, "warn")}>
            {line}
          </Text>
        ))}
      </Box>
    );
  }
  const shown = fitHints(hints, width);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        {shown.map((h, i) => (
          <Text key={`${h.keys}:${h.label}`} dimColor={Boolean(h.disabled)}>
            <Text bold color={toneColor(theme, h.danger ? "bad" : "accent")}>
              {h.keys}
            </Text>
            {` ${h.label}${i < shown.length - 1 ? "  " : ""}`}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
