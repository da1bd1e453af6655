import type { GroupRowVM } from "../src/screen/viewModel.js";
import type { Column, TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";

export interface GroupsPaneProps extends PaneFrameProps {
  groups: readonly GroupRowVM[];
}

const COLUMNS: Column[] = [
  { key: "name", title: "group", flex: 3 },
  { key: "leader", title: "leader", flex: 2, cut: "middle" },
  { key: "active", title: "copy", width: 6 },
  { key: "count", title: "fol", width: 3, align: "right" },
];

export function groupRows(groups: readonly GroupRowVM[]): TableRow[] {
  return groups.map((g) => ({
    key: g.name,
    cells: {
      name: g.name,
      leader: g.leader,
      // A window holding openings back: copying, exits only (the header says why and until when).
      active: !g.active
        ? { text: "‖ off", tone: "warn" }
        : g.windowHeld !== undefined
          ? { text: "◷ exit", tone: "warn" }
          : { text: "▶ on", tone: "ok" },
      count: String(g.followerCount),
    },
  }));
}

export function GroupsPane({ groups, selected, ...frame }: GroupsPaneProps) {
  return (
    <TablePane
      title="Groups"
      info={`${groups.length}`}
      columns={COLUMNS}
      rows={groupRows(groups)}
      selectedLine={groups.length ? selected : undefined}
      emptyText={frame.focused ? "no groups yet: press n to add one" : "no groups yet: in Groups, n adds one"}
      {...frame}
    />
  );
}
