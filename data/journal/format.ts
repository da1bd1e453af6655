import { priceWords } from "../../engine/priceWords.js";
import { reasonNow } from "../../engine/reasonNow.js";
import type { JournalEntry } from "./entry.js";

/** Fields every line has, or that the columns below already show. */
const ENVELOPE = new Set(["seq", "at", "type", "prev", "reason"]);
const WHO_FIELDS = ["follower", "leader", "connection", "group", "target", "account"] as const;

/** A journal file may have been edited by hand: never let it drive the terminal. */
function clean(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return (text ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function who(entry: JournalEntry): { field: string | undefined; name: string } {
  for (const field of WHO_FIELDS) {
    if (typeof entry[field] === "string" && entry[field] !== "") return { field, name: clean(entry[field]) };
  }
  return { field: undefined, name: "-" };
}

const num = (value: unknown) => (typeof value === "number" ? value : undefined);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
/** Epoch ms as the line's own time is shown (UTC); a value that is no time stays a number. */
const isoTime = (ms: number) =>
  Number.isFinite(new Date(ms).getTime()) ? new Date(ms).toISOString().replace("T", " ") : String(ms);

const words = (...parts: unknown[]) =>
  parts
    .filter((p) => p !== undefined && p !== null && p !== "")
    .map(clean)
    .join(" ");

function what(entry: JournalEntry, whoField: string | undefined): string {
  switch (entry.type) {
    case "leaderFill": {
      const pos =
        typeof entry.positionBefore === "number" && typeof entry.positionAfter === "number"
          ? `(position ${entry.positionBefore} -> ${entry.positionAfter})`
          : undefined;
      return words(
        entry.side,
        entry.qty,
        entry.contract,
        entry.price !== undefined ? `@ ${entry.price}` : "",
        pos,
        entry.history === true ? "(history: not seen live, not copied)" : "",
      );
    }
    case "copy": {
      const latency = typeof entry.latencyMs === "number" ? `in ${entry.latencyMs.toFixed(2)} ms` : undefined;
      return words(entry.outcome, entry.kind, entry.side, entry.qty, entry.contract, latency);
    }
    case "mirror": {
      // Issue 14: what the mirror did for this follower, and the leader order it answers.
      const prices = priceWords({
        price: num(entry.price),
        stopPrice: num(entry.stopPrice),
        trail: num(entry.trail),
      });
      const leader =
        entry.leaderOrderId !== undefined ? `<- leader order ${clean(entry.leaderOrderId)}` : undefined;
      return words(
        entry.action,
        entry.outcome,
        entry.side,
        entry.qty,
        entry.orderType,
        prices,
        entry.contract,
        leader,
      );
    }
    case "exitPending": {
      // Its next try is epoch ms in the line; shown here as the line's own time is.
      const [has, goal, attempts, next] = [
        num(entry.has),
        num(entry.goal),
        num(entry.attempts),
        num(entry.nextTryAt),
      ];
      const where =
        has !== undefined && goal !== undefined
          ? `has ${signed(has)}, rule says ${signed(goal)};`
          : undefined;
      const failed =
        attempts === undefined ? undefined : `${attempts} ${attempts === 1 ? "try" : "tries"} failed`;
      const then = entry.pending !== false && next !== undefined ? `, next at ${isoTime(next)}` : "";
      return words(
        entry.contract,
        entry.pending === false ? "exit ended:" : "EXIT PENDING:",
        where,
        failed === undefined ? undefined : `${failed}${then}`,
      );
    }
    case "followerState":
    case "connectionStatus":
      return words(entry.state);
    case "alert":
      return words(`${clean(entry.level)}:`, entry.message);
    default: {
      const rest = Object.entries(entry).filter(([key]) => !ENVELOPE.has(key) && key !== whoField);
      return rest.map(([key, value]) => `${key}=${clean(value)}`).join(" ");
    }
  }
}

/** One human line: time, type, who, what, reason. */
export function formatEntry(entry: JournalEntry): string {
  const time = clean(entry.at).replace("T", " ");
  const { field, name } = who(entry);
  // A reason journaled in words since changed reads in today's (one wording per cause).
  const reason =
    typeof entry.reason === "string" && entry.reason !== "" ? ` (${clean(reasonNow(entry.reason))})` : "";
  return `${time}  ${clean(entry.type).padEnd(16)} ${name.padEnd(14)} ${what(entry, field)}${reason}`.trimEnd();
}
