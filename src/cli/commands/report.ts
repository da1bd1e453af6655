import { ConfigError, checkConfigFile } from "../../../data/configFile.js";
import { journalFiles, journalPathFor } from "../../../data/journal/index.js";
import { resolveConfigPath } from "../../../data/paths.js";
import { type Config, secretSourcesOf } from "../../../data/schema.js";
import { resolveSecret } from "../../../data/secrets.js";
import { UserError } from "../../../data/userError.js";
import { NoInstanceError } from "../../control/index.js";
import type { BrokerChoice } from "../../report/load.js";
import { reportRange } from "../../report/range.js";
import { terminalColumns } from "../../text/fold.js";
import { secretScrubber } from "../../text/scrub.js";
import { jsonLine, printableLines } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { askInstance, NotRunningError } from "../control-commands.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage
  mimik report [--date YYYY-MM-DD | --from YYYY-MM-DD [--to YYYY-MM-DD]]
               [--group NAME] [--follower NAME] [--json | --csv]
               [--offline | --broker] [--config FILE]

The trading day (or days) per follower and per group: copies made, skips by
reason, rejects, copy latency p50/p99 (from the journal), round-trip trades and
P&L as the broker confirms them, fees included where the broker charges them,
and copy slippage: each follower fill's price against the leader fill it copied,
in ticks and dollars per contract.

A trading day runs from 17:00 Chicago time the day before to 17:00 on that date
(the same roll as the risk limits). Default: today's trading day.

The broker's fills are read with the config's logins (a few REST reads, no
orders). While a mimik runs for the config they are not read unless --broker
says so: Tradovate keeps two sessions per user and one more login ends the
oldest, which could be the copier's own. Without them the report still has
everything the journal knows, and says what it left out.

Options
  --date D          one trading day
  --from D, --to D  a range of trading days (--to defaults to today)
  --group NAME      only this group
  --follower NAME   only this follower (account name or label)
  --json            the report as one JSON object
  --csv             one CSV row per account (leader, followers, followers
                    total per group)
  --offline         never log in to the broker: journal only
  --broker          read the broker even while a mimik runs for this config
  --config FILE     whose journal and logins (default: MIMIK_CONFIG, then the
                    platform config directory)

Examples
  mimik report
  mimik report --date 2026-11-27 --csv > 2026-11-27.csv
  mimik report --from 2026-11-23 --to 2026-11-27 --group main --json |
    jq '.groups[].total'`;

export interface ReportCommandOptions {
  now?: () => number;
  fetchImpl?: typeof fetch;
}

export function createReportCommand(options: ReportCommandOptions = {}): Command {
  return {
    name: "report",
    summary: "the trading day per follower: copies, skips, latency, P&L",
    help: HELP,
    run: (ctx) => runReport(ctx, options),
  };
}

export const reportCommand = createReportCommand();

async function runReport(ctx: CommandContext, options: ReportCommandOptions): Promise<number> {
  const { flags } = parseFlags(
    ctx,
    {
      date: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      group: { type: "string" },
      follower: { type: "string" },
      json: { type: "boolean" },
      csv: { type: "boolean" },
      offline: { type: "boolean" },
      broker: { type: "boolean" },
      config: { type: "string" },
    },
    { command: "report" },
  );
  if (flags.json && flags.csv) throw new UserError("mimik report: choose --json or --csv, not both", 2);
  if (flags.offline && flags.broker)
    throw new UserError("mimik report: choose --offline or --broker, not both", 2);
  const range = reportRange(flags, (options.now ?? Date.now)());
  const choice = resolveConfigPath({ flag: flags.config, env: ctx.env, cwd: ctx.cwd });
  const check = await checkConfigFile(choice.path, choice.display);
  if (!check.ok) throw new ConfigError(check.kind, check.problems);
  const config = check.config;

  // The report's code (and the broker clients it may log in with) loads only for this command.
  const [{ buildReport }, { BROKER_LOOKBACK_MS, readBroker, readJournalAround }, { renderCsv, renderText }] =
    await Promise.all([
      import("../../report/build.js"),
      import("../../report/load.js"),
      import("../../report/render.js"),
    ]);
  const notes: string[] = [];
  if ((await journalFiles(journalPathFor(choice.path))).length === 0)
    notes.push(`no journal yet at ${journalPathFor(choice.path)}: nothing was copied with this config`);
  const journal = await readJournalAround(choice.path, range);
  const brokerChoice: BrokerChoice = flags.offline ? "never" : flags.broker ? "always" : "auto";
  const read = await readBroker({
    config,
    accounts: accountsOf(config, flags.group),
    env: ctx.env,
    choice: brokerChoice,
    instanceRunning: brokerChoice === "auto" && (await instanceRunning(ctx, flags.config)),
    since: range.start - BROKER_LOOKBACK_MS,
    fetchImpl: options.fetchImpl,
  });
  const report = buildReport({
    range,
    config,
    journal,
    broker: read.broker,
    notes: [...notes, ...read.notes],
    only: { group: flags.group, follower: flags.follower },
  });
  if (flags.follower !== undefined && report.groups.length === 0)
    throw new UserError(
      `mimik report: no follower named "${flags.follower}" in the config or the journal`,
      2,
    );
  if (flags.group !== undefined && report.groups.length === 0)
    throw new UserError(
      `mimik report: no group named "${flags.group}" (groups: ${config.groups.map((g) => g.name).join(", ") || "none"})`,
      2,
    );
  // A broker's error words could echo a login: no password or API secret is ever printed.
  const scrub = secretScrubber(await loginSecrets(config, ctx.env));
  const text = flags.json
    ? jsonLine(report)
    : flags.csv
      ? renderCsv(report)
      : // Fitted only to a terminal: a pipe (grep, a file) keeps one line per thing.
        printableLines(renderText(report, terminalColumns(ctx.stdout, ctx.isTTY)));
  ctx.stdout.write(`${scrub(text)}\n`);
  return 0;
}

/** The accounts whose fills matter: the (chosen) groups' leaders and followers. */
function accountsOf(config: Config, group: string | undefined): string[] {
  return config.groups
    .filter((g) => group === undefined || g.name.toUpperCase() === group.toUpperCase())
    .flatMap((g) => [g.leader, ...g.followers.map((f) => f.account)]);
}

/** Is a mimik serving this config? Anything but a clear "nobody" counts as yes: then we do not log in. */
async function instanceRunning(ctx: CommandContext, configFlag: string | undefined): Promise<boolean> {
  try {
    await askInstance(ctx, configFlag, { cmd: "status" }, { timeoutMs: 3000 });
    return true;
  } catch (error) {
    return !(error instanceof NotRunningError || error instanceof NoInstanceError);
  }
}

/** The logins' secrets that can be read, to cut out of anything printed. */
async function loginSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<string[]> {
  const sources = config.connections.flatMap((c) => secretSourcesOf(c).map(([, source]) => source));
  const values = await Promise.all(sources.map((s) => resolveSecret(s, { env }).catch(() => undefined)));
  return values.filter((v): v is string => v !== undefined);
}
