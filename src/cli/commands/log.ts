import type { Writable } from "node:stream";
import { checkConfigFile } from "../../../data/configFile.js";
import { configFilesFor } from "../../../data/configIdentity.js";
import type { JournalEntry } from "../../../data/journal/entry.js";
import { followJournal } from "../../../data/journal/follow.js";
import { formatEntry } from "../../../data/journal/format.js";
import { journalFiles } from "../../../data/journal/paths.js";
import { type JournalFilter, matchesFilter, readJournal } from "../../../data/journal/reader.js";
import { verifyJournal } from "../../../data/journal/verify.js";
import { resolveConfigPath } from "../../../data/paths.js";
import type { Config } from "../../../data/schema.js";
import { UserError } from "../../../data/userError.js";
import { demoConfig } from "../../demo/demoConfig.js";
import { fitLines, terminalColumns } from "../../text/fold.js";
import { jsonLine, printableLines } from "../../text/terminal.js";
import { followersOf, unknownFollowerText } from "../../text/unknownNames.js";
import type { Command, CommandContext } from "../command.js";
import { runningDemoJournal } from "../control-commands.js";
import { parseFlags } from "../flags.js";

/**
 * What the journal holds, by type. `risk` is a day P&L sample a minute per follower, kept for the
 * report's sparkline: over a quiet hour it outnumbers the decisions, so it shows only when asked.
 */
export const ENTRY_TYPES = [
  "leaderFill",
  "copy",
  "bust",
  "resync",
  "exitPending",
  "mirror",
  "followerState",
  "syncStatus",
  "window",
  "connectionStatus",
  "alert",
  "risk",
  "start",
  "stop",
  "config",
  "journalRepaired",
  "journalAnchor",
] as const;

/**
 * `--type`: one or more types, comma separated; a type the journal never holds is refused. Without
 * it, every entry but the P&L samples, whatever its type (one an older mimik wrote included).
 */
export function typeFilter(value: string | undefined): Pick<JournalFilter, "types" | "hiddenTypes"> {
  if (value === undefined) return { hiddenTypes: ["risk"] };
  return { types: parseTypes(value) };
}

function parseTypes(value: string): readonly string[] {
  const known = new Map(ENTRY_TYPES.map((t) => [t.toLowerCase(), t as string]));
  const typed = value
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  const unknown = typed.filter((t) => !known.has(t.toLowerCase()));
  if (typed.length === 0 || unknown.length > 0)
    throw new UserError(
      `mimik log: --type ${unknown.length > 0 ? `"${unknown.join(", ")}" is not a journal entry type` : "needs a type"}; use one or more of ${ENTRY_TYPES.join(", ")}, comma separated`,
      2,
    );
  return typed.map((t) => known.get(t.toLowerCase()) as string);
}

/** Entries shown before following, when no --since says how far back to go (like tail -f). */
const FOLLOW_BACKLOG = 10;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (90m, 2h, 1d, 30s) or a date/time (2026-11-23, 2026-11-23T14:00). */
export function parseSince(value: string, now: number): Date {
  const relative = /^(\d+)\s*([smhd])$/i.exec(value.trim());
  if (relative) return new Date(now - Number(relative[1]) * (UNITS[relative[2]!.toLowerCase()] ?? 0));
  // Only the ISO forms: Date.parse reads "45" as the year 2045 and "Nov 23" as 2001, so a missing
  // unit would silently show nothing or everything. A date alone is read as UTC midnight by
  // Date.parse but its time forms as local: it is local midnight here, like 2026-11-23T00:00.
  const text = value.trim();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? Date.parse(`${text}T00:00`)
    : /^\d{4}-\d{2}-\d{2}/.test(text)
      ? Date.parse(text)
      : Number.NaN;
  if (Number.isNaN(at)) {
    throw new UserError(
      `mimik log: --since "${value}" is not a time; use a duration like 90m, 2h or 1d, or a date like 2026-11-23 or 2026-11-23T14:00`,
      2,
    );
  }
  return new Date(at);
}

export interface LogCommandOptions {
  /** Stops --follow (tests); by default SIGINT/SIGTERM do. */
  signal?: AbortSignal;
  /** How often --follow looks for new lines. */
  pollMs?: number;
  now?: () => number;
}

export function createLogCommand(options: LogCommandOptions = {}): Command {
  return {
    name: "log",
    summary: "the journal: leader fills, copies, skips with reasons, locks",
    help: `Usage
  mimik log [--follow] [--json] [--since T] [--follower NAME] [--type T,...]
            [--config FILE]
  mimik log --verify [--config FILE]

Reads the journal kept beside the config
(<config folder>/journal/<config name>.jsonl and its rotated files): every
leader fill, every copy decision with its reason, order results and latencies,
locks and unlocks, connection changes. The day P&L samples (type risk, one a
minute per follower while it moves, for the report) show only with --type risk.

Each journal line is a JSON object {seq, at, type, ..., prev} where prev is the
SHA-256 of the previous line, so an edited or deleted line breaks the chain.

Options
  --follow, -f      keep printing new entries as they are written (Ctrl-C
                    stops); starts with the last ${FOLLOW_BACKLOG} entries unless --since
                    is given
  --json            print the raw JSON lines instead of readable ones
  --since T         only entries from T on: a duration back from now (30s,
                    90m, 2h, 1d) or a date or time (2026-11-23,
                    2026-11-23T14:00 local, ...Z for UTC)
  --follower NAME   only entries about that follower (its account name or
                    label); a name neither the config nor the journal knows
                    is refused (exit 1), naming the nearest follower
  --type T,...      only entries of these types, comma separated:
${(ENTRY_TYPES.join(", ").match(/.{1,58}(,|$)/g) ?? []).map((l) => `${" ".repeat(20)}${l.trim()}`).join("\n")}
  --verify          check the hash chain and its end against the anchor kept
                    beside it (<config name>.anchor.json): prints "journal OK:
                    N lines" (exit 0), or the first broken line, or what is
                    wrong with the end (truncated, last line edited, chain
                    rewritten) (exit 1)
  --config FILE     whose journal (default: MIMIK_CONFIG, then the platform
                    config directory; with neither and no config file there,
                    the running demo's journal)

Examples
  mimik log --since 2h --follower F1
  mimik log --type leaderFill,copy,followerState
  mimik log -f --json | jq .
  mimik log --verify`,
    run: (ctx) => runLog(ctx, options),
  };
}

export const logCommand: Command = createLogCommand();

async function runLog(ctx: CommandContext, options: LogCommandOptions): Promise<number> {
  const { flags } = parseFlags(
    ctx,
    {
      follow: { type: "boolean", shortFlag: "f" },
      json: { type: "boolean" },
      since: { type: "string" },
      follower: { type: "string" },
      type: { type: "string" },
      verify: { type: "boolean" },
      config: { type: "string" },
    },
    { command: "log" },
  );
  const choice = resolveConfigPath({ flag: flags.config, env: ctx.env, cwd: ctx.cwd });
  let path = configFilesFor(choice.path).journal;
  let config = async (): Promise<Config | undefined> => {
    const check = await checkConfigFile(choice.path, choice.display);
    return check.ok ? check.config : undefined;
  };
  if (choice.source === "default" && (await journalFiles(path)).length === 0) {
    const demo = await runningDemoJournal(ctx);
    if (demo !== undefined) {
      ctx.stderr.write(`mimik log: no config at ${choice.path}; reading the running demo's journal\n`);
      path = demo;
      config = async () => demoConfig();
    }
  }

  if (flags.verify) {
    if (
      flags.follow ||
      flags.since !== undefined ||
      flags.follower !== undefined ||
      flags.type !== undefined ||
      flags.json
    ) {
      throw new UserError("mimik log: --verify checks the whole journal; use it without other options", 2);
    }
    return verify(ctx, path);
  }

  const now = options.now ?? Date.now;
  const known = flags.follower === undefined ? undefined : await config();
  const named =
    flags.follower === undefined ? undefined : accountNamed(flags.follower, known?.accounts ?? []);
  const filter: JournalFilter = {
    since: flags.since !== undefined ? parseSince(flags.since, now()) : undefined,
    follower: named?.name,
    ...typeFilter(flags.type),
  };
  let printed = 0;
  const columns = terminalColumns(ctx.stdout, ctx.isTTY);
  const readable = (entry: JournalEntry) => {
    const line = printableLines(formatEntry(entry));
    return columns === undefined ? line : fitLines([line], columns).join("\n");
  };
  const print = (entry: JournalEntry) => {
    printed += 1;
    return writeLine(ctx.stdout, flags.json ? jsonLine(entry) : readable(entry));
  };
  // A name neither the config nor the journal knows is a typo: saying nothing would read as a
  // follower that did nothing. A follower removed since is still found in the journal.
  const unknownName = () =>
    flags.follower !== undefined && named?.inConfig === false && printed === 0
      ? `mimik log: ${unknownFollowerText(flags.follower.trim(), known ? followersOf(known) : []).replace(" in the config", " in the config or the journal")}\n`
      : undefined;
  const onBadLine = (file: string, line: number) =>
    ctx.stderr.write(
      `mimik log: ${file} line ${line} is not a journal entry (skipped; see mimik log --verify)\n`,
    );

  if ((await journalFiles(path)).length === 0) {
    ctx.stderr.write(`mimik log: no journal yet at ${path}${flags.follow ? " (waiting for one)" : ""}\n`);
    if (!flags.follow) return 0;
  }

  if (!flags.follow) {
    for await (const entry of readJournal(path, { ...filter, onBadLine })) await print(entry);
    const unknown = unknownName();
    if (unknown !== undefined) ctx.stderr.write(unknown);
    return unknown === undefined ? 0 : 1;
  }

  // History first (all since --since, or the last few), then new entries exactly after it.
  let lastSeq = 0;
  const backlog: JournalEntry[] = [];
  for await (const entry of readJournal(path, { onBadLine })) {
    lastSeq = entry.seq;
    if (!matchesFilter(entry, filter)) continue;
    backlog.push(entry);
    if (filter.since === undefined && backlog.length > FOLLOW_BACKLOG) backlog.shift();
  }
  for (const entry of backlog) await print(entry);
  const unknown = unknownName();
  if (unknown !== undefined) ctx.stderr.write(unknown.replace(/\n$/, "; following anyway\n"));
  await follow(path, filter, lastSeq, print, options);
  return 0;
}

/**
 * The journal names followers by account: `--follower` may be the label or the name in any case,
 * as for every other command. A name the config does not know (a follower since removed) is
 * looked for as typed.
 */
function accountNamed(
  typed: string,
  accounts: readonly { name: string; label?: string | undefined }[],
): { name: string; inConfig: boolean } {
  const key = typed.trim().toUpperCase();
  const found =
    accounts.find((a) => a.name.toUpperCase() === key) ??
    accounts.find((a) => a.label?.toUpperCase() === key);
  return found ? { name: found.name, inConfig: true } : { name: typed, inConfig: false };
}

async function verify(ctx: CommandContext, path: string): Promise<number> {
  const result = await verifyJournal(path);
  if (result.ok) ctx.stdout.write(`journal OK: ${result.lines} lines\n`);
  else if (result.file !== undefined)
    ctx.stdout.write(`journal BROKEN at ${result.file} line ${result.line}: ${result.reason}\n`);
  else ctx.stdout.write(`journal BROKEN: ${result.reason}\n`);
  for (const note of result.notes ?? []) ctx.stdout.write(`note: ${note}\n`);
  return result.ok ? 0 : 1;
}

async function follow(
  path: string,
  filter: JournalFilter,
  afterSeq: number,
  onEntry: (entry: JournalEntry) => Promise<void>,
  options: LogCommandOptions,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal === undefined) {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  if (options.signal?.aborted) stop();
  try {
    await followJournal(path, onEntry, {
      ...filter,
      signal: controller.signal,
      fromStart: true,
      afterSeq,
      pollMs: options.pollMs,
    });
  } finally {
    options.signal?.removeEventListener("abort", stop);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** Writes one line, waiting when the reader (a pager, a pipe) is behind. */
function writeLine(stream: Writable, text: string): Promise<void> {
  if (stream.write(`${text}\n`)) return Promise.resolve();
  return new Promise((resolve) => stream.once("drain", resolve));
}
