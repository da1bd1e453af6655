import { type Outcome, REFUSALS, succeeded } from "../../engine/index.js";
import { printable } from "./terminal.js";

/**
 * Outcomes in words, for the CLI's per-account lines and the screen's flash line. The only
 * place command results become English; nothing reads these words back.
 */

const REFUSAL_TEXT: Record<string, string> = {
  [REFUSALS.leader]: "is a leader; mimik never flattens, locks or trades a leader",
  [REFUSALS.notFollower]: "is not a follower in the config",
  [REFUSALS.noSuchGroup]: "no such group",
  [REFUSALS.disconnected]: "is disconnected; try again once it is back",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const SINCE = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Chicago",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "Jan 12 14:02 CT": a lock's time, with its day, since it may be days old. */
function sinceCT(at: number): string {
  return `${SINCE.format(at).replace(",", "")} CT`;
}

/** What happened, without the target's name: "flat; locked (2 sent)". */
export function outcomeText(o: Outcome): string {
  return withSaved(o, baseText(o));
}

function baseText(o: Outcome): string {
  switch (o.status) {
    case "locked":
      // A flatten counts what it sent (possibly 0); a plain lock does not.
      if (o.sent !== undefined) return o.sent > 0 ? `flat; locked (${o.sent} sent)` : "flat; locked";
      return o.replaces === undefined
        ? "locked"
        : `locked by hand, in place of its lock (${o.replaces}), which would have lifted by itself (at the 17:00 CT roll, or as its window opened): it now stays locked until unlocked`;
    case "liquidating":
      return o.reason
        ? `${o.reason}; locks once flat`
        : `liquidating (${plural(o.sent ?? 0, "order")} sent); locks once flat`;
    case "already locked": {
      const why = [o.reason, o.since === undefined ? undefined : `since ${sinceCT(o.since)}`].filter(Boolean);
      return why.length
        ? `already locked (${why.join(", ")}); nothing changed`
        : "already locked; nothing changed";
    }
    case "unlocked":
      return `${o.reason ? `unlocked (${o.reason})` : "unlocked"}${outOfSyncText(o)}`;
    case "already active":
      return "already active";
    case "resynced":
      return `resynced (${plural(o.sent ?? 0, "order")} sent)`;
    case "in sync":
      return "already in sync";
    case "paused":
      return o.reason ?? "paused: no new openings; exits still follow";
    case "resumed":
      return o.reason ?? "resumed: copying";
    case "enabled":
      return "enabled";
    case "disabled":
      return "disabled: no new openings; exits still follow";
    case "saved":
      return o.reason ?? "saved";
    case "refused": {
      const why = o.reason === undefined ? "refused" : (REFUSAL_TEXT[o.reason] ?? o.reason);
      return o.sent ? `${why} (${plural(o.sent, "order")} sent)` : why;
    }
    case "failed":
      return `failed: ${whyFailed(o)}`;
  }
}

/** A failed outcome's reason and its retry, for lines that already say FAILED. */
export function whyFailed(o: Outcome): string {
  const retry =
    o.retryInMs === undefined ? "" : `; retrying in ${Math.max(1, Math.round(o.retryInMs / 1000))} s`;
  return `${o.reason ?? "no reason given"}${retry}`;
}

function withSaved(o: Outcome, text: string): string {
  return o.saved === false
    ? `${text}; NOT SAVED to the state file (held in memory, saved as soon as the disk allows)`
    : text;
}

/** "DEMO2001: flat; locked" */
export function outcomeSentence(o: Outcome): string {
  return `${o.target}: ${outcomeText(o)}`;
}

/** One line per target, aligned: "ok   DEMO2001  flat; locked" / "FAIL DEMO2002  failed: …". */
export function outcomeLines(outcomes: readonly Outcome[]): string[] {
  const width = Math.max(0, ...outcomes.map((o) => o.target.length));
  return outcomes.map((o) =>
    printable(`${succeeded(o) ? "ok  " : "FAIL"} ${o.target.padEnd(width)}  ${outcomeText(o)}`),
  );
}

/** "; OUT OF SYNC: ESZ6 has +0, expects +2; NQZ6 has +0, expects -1 (a resync sends the difference)" */
function outOfSyncText(o: Outcome): string {
  if (!o.outOfSync?.length) return "";
  const pos = (n: number) => (n >= 0 ? `+${n}` : `${n}`);
  const lines = o.outOfSync.map((s) => `${s.contract} has ${pos(s.has)}, expects ${pos(s.expects)}`);
  return `; OUT OF SYNC: ${lines.join("; ")} (a resync sends the difference)`;
}
