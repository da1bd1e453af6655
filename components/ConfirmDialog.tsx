import { Box, Text } from "ink";
import { truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface ConfirmDialogProps {
  /** The question without " y/N", naming what will happen: "Flatten and lock 3 followers of NQ Scalps?" */
  message: string;
  width: number;
  theme: Theme;
}

const ASK = " y/N ";

/**
 * One inverse line in place of the hint bar, so the panes the question is about stay in view.
 * "y/N": only y goes ahead; the router (src/screen/router.ts) takes every other key as no. A
 * question too long for the line loses its end, never the y/N: the question comes first in it.
 */
export function ConfirmDialog({ message, width, theme }: ConfirmDialogProps) {
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate" bold inverse color={toneColor(theme, "bad")}>
        {truncate(`${truncate(`⚠ ${message}`, width - ASK.length)}${ASK}`, width)}
      </Text>
    </Box>
  );
}
