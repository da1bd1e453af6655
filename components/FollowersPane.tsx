import type { ConnectionState } from "../engine/types.js";
import {
  exitPendingText,
  type FollowerRowVM,
  syncText,
  type WorkingOrderVM,
} from "../src/screen/viewModel.js";
import { infoWidth } from "./Pane.js";
import { type Column, placeColumns, type TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";
import { money, textWidth, truncate, truncateStart } from "./text.js";
import type { Tone } from "./theme.js";

export interface FollowersPaneProps extends PaneFrameProps {
  followers: readonly FollowerRowVM[];
  /** The selected group's name, for the title; undefined when there are no groups. */
  groupName?: string | undefined;
}

/** Shapes differ, so the state reads without colour: ● up, ◌ on its way, ! needs login, ○ down. */
export const CONNECTION_SYMBOL: Record<ConnectionState, string> = {
  connected: "●",
  connecting: "◌",
  reconnecting: "◌",
  "reauth-needed": "!",
  down: "○",
};

/** The followers pane's mark of a shadow follower, in the connection column. */
export const SHADOW_SYMBOL = "◇";

const COLUMNS: Column[] = [
  { key: "conn", title: "", width: 1 },
  { key: "account", title: "account", flex: 1, cut: "middle" },
  { key: "sizing", title: "size", width: 7 },
  { key: "enabled", title: "on", width: 3 },
  { key: "state", title: "state", width: 8 },
  { key: "position", title: "position", width: 10 },
  { key: "dayPnl", title: "day P&L", width: 7, align: "right" },
  { key: "roomDaily", title: "room/d", width: 6, align: "right" },
  { key: "roomTrailing", title: "room/t", width: 6, align: "right" },
  { key: "sync", title: "sync", width: 9 },
  { key: "broker", title: "broker", width: 9, minTableWidth: 96 },
  { key: "reason", title: "why", flex: 1, minTableWidth: 110 },
];

const widthOf = (key: string) => COLUMNS.find((c) => c.key === key)?.width ?? 0;
const POSITION_WIDTH = widthOf("position");
const PNL_WIDTH = widthOf("dayPnl");
const ROOM_WIDTH = widthOf("roomDaily");
/** The narrowest the account gets for a wider position: "half…2001" still tells the rows apart. */
const ACCOUNT_MIN = 9;

const STATE_TONE: Record<FollowerRowVM["state"], Tone> = { ACTIVE: "ok", "LIQ-ONLY": "warn", LOCKED: "bad" };

/** "+0" rather than "0": the sync column compares two positions. */
function signedOrZero(n: number): string {
  return n >= 0 ? `+${n}` : `${n}`;
}

function roomTone(room: number | undefined): Tone | undefined {
  return room !== undefined && room <= 0 ? "bad" : undefined;
}

/**
 * One row per follower; under the selected one, a line per working order (which leader order it
 * mirrors) and per leader order not mirrored for it (why). The selected follower's row keeps its
 * index: the detail lines come after it.
 */
export function followerRows(
  followers: readonly FollowerRowVM[],
  selected?: number,
  positionWidth = POSITION_WIDTH,
): TableRow[] {
  const rows = followers.map((f) => followerRow(f, positionWidth));
  const f = selected === undefined ? undefined : followers[selected];
  if (!f) return rows;
  const detail = orderLines(f);
  return [...rows.slice(0, selected! + 1), ...detail, ...rows.slice(selected! + 1)];
}

/** "├ SELL 1 ESZ6 Stop 6790 ← leader order 4567", "└ ✗ leader order 4569 not mirrored: locked". */
export function orderLines(f: FollowerRowVM): TableRow[] {
  const texts: { text: string; tone?: Tone }[] = [
    ...(f.orders ?? []).map((o) => ({ text: orderText(o) })),
    ...(f.notMirrored ?? []).map((n) => ({
      text: `✗ leader order ${n.leaderOrderId} not mirrored: ${n.reason}`,
      tone: "warn" as Tone,
    })),
  ];
  return texts.map((t, i) => ({
    key: `${f.account}/order/${i}`,
    cells: {},
    line: { text: `   ${i === texts.length - 1 ? "└" : "├"} ${t.text}`, tone: t.tone ?? "muted" },
  }));
}

function orderText(o: WorkingOrderVM): string {
  const what = `${o.side === "Buy" ? "BUY" : "SELL"} ${o.qty} ${o.contract} ${o.orderType} ${o.price}`;
  const waits = o.status === "Suspended" ? " (waits for its entry)" : "";
  const mirrors = o.leaderOrderId === undefined ? " (not mimik's)" : ` ← leader order ${o.leaderOrderId}`;
  return `${what}${waits}${mirrors}`;
}

function followerRow(f: FollowerRowVM, positionWidth: number): TableRow {
  return {
    key: f.account,
    tone: f.enabled ? undefined : "muted",
    cells: {
      // A shadow needs no connection: nothing is ever sent to it.
      conn: f.shadow
        ? { text: SHADOW_SYMBOL, tone: "muted" }
        : f.unreadable !== undefined
          ? { text: CONNECTION_SYMBOL.reconnecting, tone: "bad" }
          : { text: CONNECTION_SYMBOL[f.connection], tone: f.connection === "connected" ? "ok" : "bad" },
      account: f.label ? `${f.label} ${f.account}` : f.account,
      sizing: f.sizing,
      enabled: f.enabled ? "on" : "off",
      // An exit being retried is what the trader must see first, unless a lock says more.
      state:
        f.exitPending && f.state === "ACTIVE"
          ? { text: "EXIT PENDING", tone: "warn" }
          : f.pricesStale && f.state === "ACTIVE"
            ? { text: "BLIND", tone: "warn" }
            : { text: f.state, tone: STATE_TONE[f.state] },
      position: positionCell(f.position, positionWidth),
      dayPnl: {
        text: money(f.dayPnl, true, PNL_WIDTH),
        tone: f.dayPnl === undefined || f.dayPnl === 0 ? undefined : f.dayPnl > 0 ? "ok" : "bad",
      },
      roomDaily: f.dailyWaived
        ? { text: "waived", tone: "muted" }
        : { text: money(f.roomDaily, false, ROOM_WIDTH), tone: roomTone(f.roomDaily) },
      roomTrailing: { text: money(f.roomTrailing, false, ROOM_WIDTH), tone: roomTone(f.roomTrailing) },
      // Nothing to compare before its broker has reported what it holds: not "ok".
      sync: f.sync
        ? { text: outText(f.sync), tone: "warn" }
        : f.positionUnknown || f.unreadable !== undefined
          ? { text: "?", tone: "muted" }
          : "ok",
      broker: f.broker,
      reason: f.exitPending
        ? exitPendingText(f.exitPending)
        : f.unreadable !== undefined
          ? `UNREADABLE: ${f.unreadable}`
          : (f.stateReason ?? ""),
    },
  };
}

/**
 * What the title line says about the selected follower: its lock and sync in full words first,
 * then who it is and where. Said after the status, "LOCKED: manual at Tradovate" read as a lock
 * made at Tradovate, and the row cuts the account ("tight …MO2003"): this line names it whole.
 * The positions the row cuts come last and are kept whole in `room` columns: the broker goes
 * first, then the name, then the status is cut (a trailing-drawdown reason, some 100
 * characters, cut them off at 80 columns; the alert keeps the reason in full).
 */
export function followerInfo(
  f: FollowerRowVM | undefined,
  positionWidth = POSITION_WIDTH,
  room = Number.POSITIVE_INFINITY,
): string | undefined {
  if (!f) return undefined;
  const status: string[] = [];
  if (f.state !== "ACTIVE") status.push(`${f.state}${f.stateReason ? `: ${f.stateReason}` : ""}`);
  else if (f.pricesStale) status.push(`BLIND: ${f.stateReason}`);
  if (f.unreadable !== undefined) status.push(`UNREADABLE (nothing copied until it reads): ${f.unreadable}`);
  if (f.exitPending) status.push(exitPendingText(f.exitPending));
  if (f.sync) status.push(`${syncText(f.sync)} on ${f.sync.contract} (r resyncs)`);
  if (f.limitsWaived && f.state === "ACTIVE") status.push("daily limits waived until the 17:00 CT roll");
  const who = f.label ? `${f.label} ${f.account}` : f.account;
  const where = f.shadow ? `${who} · SHADOW: nothing is sent` : `${who} at ${f.broker}`;
  const said = status.join(" · ");
  const line = (...parts: string[]) => parts.filter((p) => p !== "").join(" · ");
  // A position its column cuts ("NQZ6 -1, …" hid an ESZ6 position) is said in full here.
  const held = positionCell(f.position, positionWidth) !== f.position ? f.position : "";
  const whole = line(said, where, held);
  if (held === "" || textWidth(whole) <= room) return whole;
  for (const shorter of [line(said, who, held), line(said, held)])
    if (textWidth(shorter) <= room) return shorter;
  const left = room - textWidth(held) - 3;
  if (said === "" || left < STATE_LEAST) return held;
  return line(truncate(said, left).replace(/[\s:,·]+…$/, "…"), held);
}

/** After the positions a row shows, when it leaves some out. */
const MORE = ", …";

/** The least of a status worth showing cut: "LOCKED…". */
const STATE_LEAST = 7;

/**
 * A follower's positions in a column of width: whole ones, then ", …" for those left out. Cut
 * anywhere, "MNQZ6 -120, MESZ6 +3" read "MNQZ6 -12…". One alone too long keeps its quantity.
 */
function positionCell(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const entries = text.split(", ");
  for (let k = entries.length - 1; k >= 1; k--) {
    const shown = `${entries.slice(0, k).join(", ")}${MORE}`;
    if (textWidth(shown) <= width) return shown;
  }
  return truncateStart(entries[0] ?? "", width);
}

/**
 * The position column's width: what the rows show, as far as the account (flex) keeps
 * ACCOUNT_MIN; each row then shows as many whole positions as that allows. Never below its
 * usual 10, and never so narrow that a row's first position is cut, or loses the ", …" saying
 * that others follow.
 */
function positionWidth(
  followers: readonly FollowerRowVM[],
  columns: readonly Column[],
  width: number,
): number {
  const account = placeColumns(columns, width).find((c) => c.key === "account")?.w ?? 0;
  const cap = POSITION_WIDTH + Math.max(0, account - ACCOUNT_MIN);
  const widest = (f: FollowerRowVM) => {
    const entries = f.position.split(", ");
    // Its first position alone must still say more follow: "MNQZ6 -120" read as all it held.
    const first = textWidth(entries[0] ?? "") + (entries.length > 1 ? textWidth(MORE) : 0);
    return Math.max(first, textWidth(positionCell(f.position, Math.max(cap, first))));
  };
  return Math.max(POSITION_WIDTH, ...followers.map(widest));
}

/** "OUT +0/+2": the two positions the sync column compares. */
function outText(sync: NonNullable<FollowerRowVM["sync"]>): string {
  return `OUT ${signedOrZero(sync.has)}/${signedOrZero(sync.expects)}`;
}

/**
 * The state column widens to say EXIT PENDING in full while an exit is pending, and the sync
 * column to hold its widest OUT in full ("OUT +0/+…" hid what a ×10 follower expects): the
 * account narrows, its selected one being named in full on the title line.
 */
function columnsFor(followers: readonly FollowerRowVM[], width: number): Column[] {
  const exitPending = followers.some((f) => f.exitPending && f.state === "ACTIVE");
  const sync = Math.max(0, ...followers.map((f) => (f.sync ? textWidth(outText(f.sync)) : 0)));
  const columns = COLUMNS.map((c) =>
    c.key === "state" && exitPending
      ? { ...c, width: 12 }
      : c.key === "sync" && sync > (c.width ?? 0)
        ? { ...c, width: sync }
        : c,
  );
  const position = positionWidth(followers, columns, width);
  return columns.map((c) => (c.key === "position" ? { ...c, width: position } : c));
}

// n is "new group" in the Groups pane, where the trader stands right after adding one.
const emptyFollowers = (focused: boolean) =>
  focused ? "no followers: press n to add one" : "no followers: Tab here, then n adds one";

export function FollowersPane({ followers, groupName, selected, ...frame }: FollowersPaneProps) {
  const columns = columnsFor(followers, frame.width);
  const position = columns.find((c) => c.key === "position")?.width ?? POSITION_WIDTH;
  const title = groupName ? `Followers of ${groupName}` : "Followers";
  return (
    <TablePane
      title={title}
      info={followerInfo(followers[selected], position, infoWidth(title, frame.focused, frame.width))}
      columns={columns}
      rows={followerRows(followers, followers.length ? selected : undefined, position)}
      selectedLine={followers.length ? selected : undefined}
      // Its working orders and unmirrored leader orders come into view with it while the pane has
      // focus; without, the other followers' rows come first (the detail lines cut below them).
      selectedThrough={
        frame.focused && followers[selected] ? selected + orderLines(followers[selected]).length : undefined
      }
      emptyText={groupName ? emptyFollowers(frame.focused) : "select a group"}
      {...frame}
    />
  );
}
