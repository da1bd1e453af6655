/**
 * The Live fills and the alerts are newest first: every new one pushes the others down a row.
 * A cursor kept by index alone would slide to a newer row each time one arrives, so the fill or
 * the alert a trader is reading would change under the cursor every few seconds. The cursor on
 * the newest row follows what arrives (a live tail); moved to an older row, it is pinned to that
 * row by its id and stays on it.
 */

export type PinnedPane = "fills" | "alerts";

/** The panes listed in config order, whose cursors are kept on their group and follower by name. */
export type KeptPane = "groups" | "followers";

/**
 * Each newest-first pane's row ids, in the order shown; and the groups' names and the selected
 * group's followers' accounts.
 */
export type RowIds = Readonly<Record<PinnedPane, readonly string[]>> &
  Readonly<Partial<Record<KeptPane, readonly string[]>>>;

/**
 * The row each newest-first pane's cursor is pinned to (none: the cursor is on the newest); the
 * group and the follower the cursor was last put on.
 */
export type Pins = Readonly<Partial<Record<PinnedPane | KeptPane, string>>>;

export function isPinnedPane(pane: string): pane is PinnedPane {
  return pane === "fills" || pane === "alerts";
}

/**
 * Where the pinned row is now; `index` when nothing is pinned. A pinned row no longer listed was
 * pushed off the old end by newer ones (rows only ever leave there): the cursor stays at that
 * end, on the oldest row, where the trader was reading, rather than back at its first index,
 * which by then holds one of the newest.
 */
export function pinnedIndex(
  index: number,
  pin: string | undefined,
  ids: readonly string[] | undefined,
): number {
  return rowIndex(index, pin, ids, Math.max(0, (ids?.length ?? 0) - 1));
}

/** The pin for a cursor put on row `index`: none on the newest row, which follows new ones in. */
export function pinAt(index: number, ids: readonly string[] | undefined): string | undefined {
  return index === 0 ? undefined : ids?.[index];
}

/**
 * Groups and followers are listed in config order, which a config edit made elsewhere (the file
 * edited by hand and re-read) can change under the cursor: the cursor stays on the group or the
 * follower it was on, by name, wherever it is now; at its index when it is no longer listed.
 */
export function keptIndex(
  index: number,
  kept: string | undefined,
  ids: readonly string[] | undefined,
): number {
  return rowIndex(index, kept, ids, index);
}

/** Where row `id` is listed now: `index` when no row is named, `gone` when it is no longer listed. */
function rowIndex(
  index: number,
  id: string | undefined,
  ids: readonly string[] | undefined,
  gone: number,
): number {
  if (id === undefined || ids === undefined) return index;
  const at = ids.indexOf(id);
  return at < 0 ? gone : at;
}
