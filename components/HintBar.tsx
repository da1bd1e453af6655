import { Box, Text } from "ink";
import type { Hint } from "../src/ui/keymap.js";
import { textWidth, truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface HintBarProps {
  hints: readonly Hint[];
  width: number;
  theme: Theme;
  /** Replaces the hints for a moment, e.g. "f: no follower selected". */
  message?: string | undefined;
}

/** The hints that fit in `width`, in order; enabled ones first when room is short. */
export function fitHints(hints: readonly Hint[], width: number): Hint[] {
  const cost = (h: Hint) => textWidth(`${h.keys} ${h.label}  `);
  const all = hints.reduce((s, h) => s + cost(h), 0);
  const pool = all <= width ? hints : hints.filter((h) => !h.disabled);
  const out: Hint[] = [];
  let used = 0;
  for (const h of pool) {
    if (used + cost(h) > width + 2) break;
    out.push(h);
    used += cost(h);
  }
  return out;
}

export function HintBar({ hints, width, theme, message }: HintBarProps) {
  if (message) {
    return (
      <Box width={width} height={1}>
        <Text wrap="truncate" bold color={toneColor(theme, "warn")}>
          {truncate(`» ${message}`, width)}
        </Text>
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
