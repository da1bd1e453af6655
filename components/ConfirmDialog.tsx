import { Box, Text } from "ink";
import { questionLines } from "./bottomLines.js";
import { type Theme, toneColor } from "./theme.js";

export interface ConfirmDialogProps {
  /** The question without " y/N", naming what will happen: "Flatten and lock 3 followers of NQ Scalps?" */
  message: string;
  width: number;
  theme: Theme;
}

/**
 * Inverse lines in place of the hint bar, so the panes the question is about stay in view.
 * "y/N": only y goes ahead; the router (src/screen/router.ts) takes every other key as no. A
 * long question wraps over up to three lines (bottomLines.ts), so what a "y" does is read in
 * full; past that its end is cut, never the y/N.
 */
export function ConfirmDialog({ message, width, theme }: ConfirmDialogProps) {
  const lines = questionLines(message, width);
  return (
    <Box width={width} height={lines.length} flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one question, in order
        <Text key={i} wrap="truncate" bold inverse color={toneColor(theme, "bad")}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
