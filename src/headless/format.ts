import { type EngineEvent, priceWords } from "../../engine/index.js";
import { logText } from "../text/logText.js";
import { resyncMade } from "../text/resyncWords.js";
import { jsonLine, printableLines } from "../text/terminal.js";

/** Brokers by the names their traders know them by. */
const BROKERS: Record<string, string> = { tradovate: "Tradovate", projectx: "ProjectX" };

/** A budget window in words: Tradovate counts the hour, ProjectX the minute. */
export const windowWord = (ms: number) => (ms <= 60_000 ? "minute" : "hour");
/** A copy's reason that only restates its outcome ("sent …: copied", "filled …: filled"). */
const SAYS_NOTHING_MORE: Partial<Record<string, string>> = {
  sent: "copied",
  accepted: "accepted",
  filled: "filled",
};
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const money = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;

/** One line a person reads in tmux or journalctl; the JSON form carries everything else. */
export function describeEvent(event: EngineEvent): string {
  switch (event.type) {
    case "leaderFill": {
      const { positionBefore: before, positionAfter: after } = event;
      const moved =
        before === undefined || after === undefined ? "" : ` (${signed(before)} → ${signed(after)})`;
      const seen = event.history ? " (history: in the broker's snapshot, not seen live, not copied)" : "";
      return `FILL  ${event.group}: ${event.leader} ${event.side} ${event.qty} ${event.contract} @ ${event.price}${moved}${seen}`;
    }
    case "bust":
      return `BUST  ${event.account} fill ${event.fillId} (${event.side} ${event.qty} ${event.contract} @ ${event.price}) taken back by the broker`;
    case "resync": {
      const held = event.positions.map((p) => `${p.contract} ${signed(p.netPos)}`).join(", ") || "flat";
      return `RESYNC ${event.group}: ${event.cause}; leader ${event.leader} ${held}; ${resyncMade(event)}`;
    }
    case "exitPending":
      return event.pending
        ? `EXIT  ${event.follower} ${event.contract} EXIT PENDING: has ${signed(event.has)}, rule says ${signed(event.goal)}; ${event.reason}; try ${event.attempts + 1}${event.nextTryAt === undefined ? "" : ` at ${new Date(event.nextTryAt).toISOString()}`}`
        : `EXIT  ${event.follower} ${event.contract} exit ${event.reason} (has ${signed(event.has)})`;
    case "copy": {
      // An "accepted" line names the side but not the quantity: no double space where it would be.
      const order = [event.side, event.qty, event.contract].filter((p) => p !== undefined).join(" ");
      const latency = event.latencyMs === undefined ? "" : ` in ${event.latencyMs.toFixed(2)} ms`;
      const why = SAYS_NOTHING_MORE[event.outcome] === event.reason ? "" : `: ${event.reason}`;
      return `COPY  ${event.follower} ${event.outcome} ${order}${latency}${why}`;
    }
    case "followerState":
      return `STATE ${event.follower} ${event.state}${event.reason ? `: ${event.reason}` : ""}${event.pricesStale ? " (prices stale (market data down): limits blind, openings held)" : ""}${event.unsaved ? " (NOT SAVED: retrying)" : ""}`;
    case "risk":
      return `RISK  ${event.follower} net liq ${money(event.netLiq)}, day ${money(event.dayPnl)}`;
    case "syncStatus":
      return event.inSync
        ? `SYNC  ${event.follower} ${event.contract} in sync (${signed(event.has)})`
        : `SYNC  ${event.follower} ${event.contract} OUT OF SYNC: has ${signed(event.has)}, expects ${signed(event.expects)}`;
    case "connectionStatus":
      return `CONN  ${event.connection} (${BROKERS[event.broker] ?? event.broker}) ${event.state}${event.reason ? `: ${event.reason}` : ""}${event.marketData ? `; NO QUOTES: ${event.marketData}` : ""}${unreadableText(event.unreadable)}`;
    case "alert":
      return `${event.level.toUpperCase().padEnd(5)} ${event.message}`;
    case "positions":
      return `POS   ${event.account} ${event.positions.length ? event.positions.map((p) => `${p.contract} ${signed(p.netPos)}`).join(", ") : "flat"}`;
    case "budget": {
      const b = event.budget;
      const lasts =
        b.lastsMs === undefined ? "" : `, lasts ${Math.round(b.lastsMs / 60_000)} min at this pace`;
      return `RATE  ${event.connection} ${b.left}/${b.limit} left this ${windowWord(b.windowMs)}${lasts}${b.refused ? `, ${b.refused} refused` : ""}`;
    }
    case "latency":
      return `LAT   copy p50 ${event.p50.toFixed(2)} ms, p99 ${event.p99.toFixed(2)} ms (${event.count})`;
    case "mirror":
      return `MIRR  ${event.follower} ${mirrorWords(event)} ← leader order ${event.leaderOrderId}: ${event.reason}`;
    case "window": {
      const now = event.held === undefined ? "openings allowed" : `openings held back: ${event.held}`;
      const next = event.next ? `; next: ${event.next.text} (${new Date(event.next.at).toISOString()})` : "";
      return `WINDW ${event.group}: ${event.held === undefined && !event.next ? "no trading windows" : now}${next}`;
    }
    case "workingOrders":
      return `ORDS  ${event.account} ${event.orders.length ? event.orders.map(orderWords).join(", ") : "none working"}`;
  }
}

/** "place Sell 1 Stop 6790 ESZ6", "place Sell 1 TrailingStop 6790 (trail 4) ESZ6", "cancel ESZ6". */
/** A login's accounts that could not be read, after its state: each unknown, nothing copied to it. */
function unreadableText(accounts: readonly { account: string; reason: string }[] | undefined): string {
  return (accounts ?? []).map((u) => `; UNREADABLE ${u.account}: ${u.reason}`).join("");
}

function mirrorWords(e: Extract<EngineEvent, { type: "mirror" }>): string {
  const what = e.outcome === "rejected" ? `${e.action} REJECTED` : e.action;
  const order = [e.side, e.qty, e.orderType, priceWords(e)].filter((p) => p !== undefined && p !== "");
  return [what, ...order, e.contract].join(" ");
}

function orderWords(o: Extract<EngineEvent, { type: "workingOrders" }>["orders"][number]): string {
  const mirrors = o.leaderOrderId === undefined ? "" : ` ← ${o.leaderOrderId}`;
  return `${o.side} ${o.qty} ${o.contract} ${o.orderType} ${priceWords(o)}${mirrors}`.replace(/ {2,}/g, " ");
}

/** `line`: the event's `jsonLine` made already (on the engine's thread), used as it is. */
export function formatEventLine(event: EngineEvent, pretty: boolean, line?: string): string {
  if (!pretty) return line ?? jsonLine(event);
  return printableLines(`${new Date(event.at).toISOString()} ${describeEvent(event)}`);
}

/**
 * One of mimik's own log lines (not an engine event), as headless prints it. Its own fields win
 * over the logged data's: a `type` there (the broker event a failure was about) would make the
 * line pass for an event of that type, so it is kept as `eventType`.
 */
export function formatLogLine(
  level: "info" | "warn" | "error",
  message: string,
  data: Record<string, unknown> | undefined,
  pretty: boolean,
  at = Date.now(),
): string {
  if (!pretty) return jsonLine({ type: "log", at, level, message, ...logged(data) });
  // What was logged with the message is often the why (a failure's error): a reader needs it too.
  return printableLines(
    `${new Date(at).toISOString()} ${level.toUpperCase().padEnd(5)} ${logText(message, data)}`,
  );
}

function logged(data: Record<string, unknown> | undefined): Record<string, unknown> {
  const { type, at: _at, level: _level, message: _message, ...rest } = data ?? {};
  return type === undefined ? rest : { eventType: type, ...rest };
}
