import type { Lines } from "../src/screen/viewModel.js";
import { Pane } from "./Pane.js";
import { type Column, Table, type TableRow } from "./Table.js";
import type { Theme } from "./theme.js";

/** What every list pane takes besides its own rows. */
export interface PaneFrameProps {
  /** Index of the selected row (or, for fills, the selected fill). */
  selected: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

export interface TablePaneProps {
  title: string;
  info: string | undefined;
  columns: readonly Column[];
  rows: Lines<TableRow>;
  /** Table line to highlight; undefined when there is nothing to select. */
  selectedLine: number | undefined;
  /** The last line of the selected row's block (a fill's results, a follower's orders). */
  selectedThrough?: number | undefined;
  emptyText: string;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

/** A titled pane holding one table: the shape of every list on the screen. */
export function TablePane({
  title,
  info,
  columns,
  rows,
  selectedLine,
  selectedThrough,
  emptyText,
  focused,
  width,
  height,
  theme,
}: TablePaneProps) {
  return (
    <Pane title={title} info={info} focused={focused} width={width} height={height} theme={theme}>
      <Table
        columns={columns}
        rows={rows}
        width={width}
        height={height - 1}
        selected={selectedLine}
        selectedThrough={selectedThrough}
        focused={focused}
        theme={theme}
        emptyText={emptyText}
      />
    </Pane>
  );
}
