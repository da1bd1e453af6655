/**
 * Pane sizes as a pure function of the terminal size, so every size can be tested without a
 * terminal (ink-testing-library's stdout has no rows at all).
 *
 * Arrangement, top to bottom:
 *   header (1 line)
 *   Groups | Alerts       side by side
 *   Followers             full width (the widest table)
 *   Live fills            full width, takes what is left
 *   hint bar (1 line)
 * Ink 6 clears and redraws the whole screen every frame once the frame is as tall as the
 * terminal (flicker over SSH), so the root is rows − 1 tall.
 */

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
/** The bottom bar's most lines (a question or a message wrapped); 80×24 keeps 7 lines of fills. */
export const MAX_BOTTOM_LINES = 3;

export interface Box {
  width: number;
  height: number;
}

export interface TooSmallLayout {
  tooSmall: true;
  message: string;
  /** Width to wrap the message to (the terminal's, at least 1). */
  width: number;
}

export interface ScreenLayout {
  tooSmall: false;
  columns: number;
  rows: number;
  /** rows − 1: see the note above. */
  rootHeight: number;
  width: number;
  header: Box;
  /** The space between header and hint bar; overlays (help, forms) take all of it. */
  body: Box;
  groups: Box;
  alerts: Box;
  followers: Box;
  fills: Box;
  hint: Box;
  /** Columns between Groups and Alerts. */
  gap: number;
}

export type Layout = TooSmallLayout | ScreenLayout;

/** Each pane has a title line and a table header line; below that, its rows. */
export const PANE_CHROME = 2;

/**
 * `bottomLines`: lines the bottom bar needs (a long question or message wraps, up to 3); the
 * Live fills pane gives them up, so the panes a question is about keep their place and size.
 */
export function layout(columns: number, rows: number, bottomLines = 1): Layout {
  const cols = Number.isFinite(columns) ? Math.floor(columns) : 0;
  const lines = Number.isFinite(rows) ? Math.floor(rows) : 0;
  if (cols < MIN_COLUMNS || lines < MIN_ROWS) {
    return {
      tooSmall: true,
      // One line just below 80 columns; TooSmall wraps it narrower.
      message: `Terminal is ${Math.max(cols, 0)}×${Math.max(lines, 0)}; mimik needs at least ${MIN_COLUMNS}×${MIN_ROWS}: enlarge it or zoom out.`,
      width: Math.max(cols, 1),
    };
  }
  const rootHeight = lines - 1;
  const header = { width: cols, height: 1 };
  const hint = { width: cols, height: clamp(Math.floor(bottomLines) || 1, 1, MAX_BOTTOM_LINES) };
  const bodyHeight = rootHeight - header.height - hint.height;

  // 80×24 → body 21: top 5 (3 rows each), followers 7 (5 rows), fills 9 (7 lines). Sized as
  // with a one-line bottom bar: a longer one takes its lines from the fills alone.
  const usual = rootHeight - header.height - 1;
  const top = clamp(Math.round(usual * 0.24), PANE_CHROME + 3, PANE_CHROME + 10);
  const followers = clamp(Math.round(usual * 0.33), PANE_CHROME + 5, PANE_CHROME + 20);
  const fills = bodyHeight - top - followers;

  const gap = 1;
  const groupsWidth = Math.floor((cols - gap) * 0.45);
  const alertsWidth = cols - gap - groupsWidth;

  return {
    tooSmall: false,
    columns: cols,
    rows: lines,
    rootHeight,
    width: cols,
    header,
    body: { width: cols, height: bodyHeight },
    groups: { width: groupsWidth, height: top },
    alerts: { width: alertsWidth, height: top },
    followers: { width: cols, height: followers },
    fills: { width: cols, height: fills },
    hint,
    gap,
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

export interface HelpPage {
  /** Side-by-side columns of help lines: two from 80 wide, so the list fits 80×24 unscrolled. */
  columns: number;
  /** Lines per column (the overlay's title line aside). */
  perColumn: number;
  /** Lines shown at once. */
  capacity: number;
}

/** How the `?` help lays out in a body of this size; the help scrolls by what is beyond capacity. */
export function helpPage(width: number, height: number): HelpPage {
  const columns = width >= 80 ? 2 : 1;
  const perColumn = Math.max(1, height - 1);
  return { columns, perColumn, capacity: columns * perColumn };
}
