import type { GroupRowVM } from "../src/ui/viewModel.js";
import { Pane } from "./Pane.js";
import { type Column, Table, type TableRow } from "./Table.js";
import type { Theme } from "./theme.js";

export interface GroupsPaneProps {
  groups: readonly GroupRowVM[];
  selected: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

const COLUMNS: Column[] = [
  { key: "name", title: "group", flex: 3 },
  { key: "leader", title: "leader", flex: 2 },
  { key: "active", title: "copy", width: 6 },
  { key: "count", title: "fol", width: 3, align: "right" },
];

export function groupRows(groups: readonly GroupRowVM[]): TableRow[] {
  return groups.map((g) => ({
    key: g.name,
    cells: {
      name: g.name,
      leader: g.leader,
      active: g.active ? { text: "▶ on", tone: "ok" } : { text: "‖ off", tone: "warn" },
      count: String(g.followerCount),
    },
  }));
}

export function GroupsPane({ groups, selected, focused, width, height, theme }: GroupsPaneProps) {
  return (
    <Pane
      title="Groups"
      info={`${groups.length}`}
      focused={focused}
      width={width}
      height={height}
      theme={theme}
    >
      <Table
        columns={COLUMNS}
        rows={groupRows(groups)}
        width={width}
        height={height - 1}
        selected={groups.length ? selected : undefined}
        focused={focused}
        theme={theme}
        emptyText="no groups yet: press n to add one"
      />
    </Pane>
  );
}
