/**
 * A pane is a title line and its content, no box border: borders cost two lines and two
 * columns per pane, which an 80×24 terminal cannot spare. Focus shows as "▶" and an inverse
 * title, so it is visible without colour.
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { padTo, textWidth, truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface PaneProps {
  title: string;
  /** Right-aligned on the title line: counts, the selected follower's lock or sync status. */
  info?: string | undefined;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
  children: ReactNode;
}

const titleText = (title: string, focused: boolean) => `${focused ? "▶" : " "} ${title} `;

export function titleLine(title: string, info: string | undefined, focused: boolean, width: number): string {
  // The title carries a group name: truncate also makes it printable. A long one is cut to leave
  // the info up to half the line: the selected follower's LOCKED and why are said only there.
  const infoRoom = info ? Math.min(textWidth(info) + 1, Math.floor(width / 2)) : 0;
  const left = truncate(titleText(title, focused), width - infoRoom);
  const room = width - textWidth(left);
  if (!info || room < 4) return padTo(left, width);
  return left + padTo(truncate(info, room - 1), room, "right");
}

/** The widest info titleLine shows whole beside this title (a pane that words its info to fit). */
export function infoWidth(title: string, focused: boolean, width: number): number {
  return Math.max(width - textWidth(titleText(title, focused)), Math.floor(width / 2)) - 1;
}

export function Pane({ title, info, focused, width, height, theme, children }: PaneProps) {
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate" bold inverse={focused} color={focused ? toneColor(theme, "accent") : undefined}>
        {titleLine(title, info, focused, width)}
      </Text>
      <Box flexDirection="column" height={Math.max(0, height - 1)} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}
