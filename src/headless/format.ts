import type { EngineEvent } from "../../engine/types.js";

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const money = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;

/** One line a person reads in tmux or journalctl; the JSON form carries everything else. */
export function describeEvent(event: EngineEvent): string {
  switch (event.type) {
    case "leaderFill":
      return `FILL  ${event.group}: ${event.leader} ${event.side} ${event.qty} ${event.contract} @ ${event.price} (${signed(event.positionBefore)} → ${signed(event.positionAfter)})`;
    case "copy": {
      const order = event.side ? ` ${event.side} ${event.qty ?? ""} ${event.contract}` : ` ${event.contract}`;
      const latency = event.latencyMs === undefined ? "" : ` ${event.latencyMs.toFixed(2)} ms`;
      return `COPY  ${event.follower} ${event.outcome}${order}: ${event.reason}${latency}`;
    }
    case "followerState":
      return `STATE ${event.follower} ${event.state}${event.reason ? `: ${event.reason}` : ""}`;
    case "risk":
      return `RISK  ${event.follower} net liq ${money(event.netLiq)}, day ${money(event.dayPnl)}`;
    case "syncStatus":
      return event.inSync
        ? `SYNC  ${event.follower} ${event.contract} in sync (${signed(event.has)})`
        : `SYNC  ${event.follower} ${event.contract} OUT OF SYNC: has ${signed(event.has)}, expects ${signed(event.expects)}`;
    case "connectionStatus":
      return `CONN  ${event.connection} ${event.state}${event.reason ? `: ${event.reason}` : ""}`;
    case "alert":
      return `${event.level.toUpperCase().padEnd(5)} ${event.message}`;
  }
}

export function formatEventLine(event: EngineEvent, pretty: boolean): string {
  if (!pretty) return JSON.stringify(event);
  return `${new Date(event.at).toISOString()} ${describeEvent(event)}`;
}
