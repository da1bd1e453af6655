import { readCalendars } from "../../../data/calendar.js";
import { checkConfigFile } from "../../../data/configFile.js";
import { whitelistWarnings } from "../../../data/knownRoots.js";
import { mirrorBudgetWarnings } from "../../../data/mirrorBudget.js";
import { resolveConfigPath } from "../../../data/paths.js";
import { formatProblems, jsonPath, type Problem } from "../../../data/problems.js";
import { type Config, secretSourcesOf } from "../../../data/schema.js";
import { resolveSecret, SecretError } from "../../../data/secrets.js";
import { targetSecretProblems } from "../../notify/secrets.js";
import { printableLines } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Every connection's secrets (password, API secret, ProjectX API key) must resolve before mimik can start; report the ones that do not. */
export async function secretProblems(
  config: Config,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const [i, connection] of config.connections.entries()) {
    for (const [field, source] of secretSourcesOf(connection)) {
      try {
        await resolveSecret(source, { env });
      } catch (error) {
        if (!(error instanceof SecretError)) throw error;
        problems.push({
          file,
          path: jsonPath(["connections", i, field]),
          message: `connection "${connection.name}": ${error.message}`,
          fix: error.fix,
        });
      }
    }
  }
  return problems;
}

export function configSummary(config: Config): string {
  const followers = config.groups.reduce((n, g) => n + g.followers.length, 0);
  return [
    plural(config.connections.length, "connection"),
    plural(config.accounts.length, "account"),
    plural(config.groups.length, "group"),
    plural(followers, "follower"),
    ...(config.notifications?.targets.length
      ? [plural(config.notifications.targets.length, "notification target")]
      : []),
  ].join(", ");
}

export const configCheckCommand: Command = {
  name: "config check",
  summary: "validate the config file and print every problem",
  help: `Usage
  mimik config check [--config FILE]

Reads the config file, checks every field and the group rules (one leader per
group; an account in at most one group, in one role), that every Tradovate demo
or live connection has a Tradovate API key ("cid" and a "secret" source; "appId"
must be the name you gave the key), that every ProjectX connection ("broker":
"projectx") has a user name and an "apiKey" source, a "url" only for the
simulator and "hosts" only for a live one, and that each connection's password,
API secret or API key, and each notification target's token or secret URL, can
be found (environment variable set, credentials file present with mode 0600),
and that each group's blackout calendar ("windows": {"blackouts": {"file": …}},
JSON or iCalendar) can be read, every event in it with a start and an end.

Warns (and still exits 0) when a group that mirrors working orders ("copy":
"orders" or "protect": true) would spend more of a login's request budget than
it may: followers on that login × the group's expectedOrdersPerHour × 2
requests.

Prints every problem as "file:line: json.path: what is wrong (how to fix it)"
(broken JSON: "file:line:column: ...") and exits 1, or one summary line and
exits 0.

Options
  --config FILE   the config to check (default: MIMIK_CONFIG, then the platform
                  config directory)

Examples
  mimik config check
  mimik config check --config ./config.json`,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(ctx, { config: { type: "string" } }, { command: "config check" });
    const choice = resolveConfigPath({ flag: flags.config, env: ctx.env, cwd: ctx.cwd });
    const check = await checkConfigFile(choice.path, choice.display);
    const problems = check.ok
      ? [
          ...(await secretProblems(check.config, choice.display, ctx.env)),
          ...(await targetSecretProblems(check.config, choice.display, ctx.env)),
          ...(await readCalendars(check.config, choice.path, choice.display)).problems,
        ]
      : check.problems;
    if (problems.length > 0) {
      ctx.stdout.write(`${printableLines(formatProblems(problems))}\n`);
      ctx.stderr.write(`${choice.display}: ${plural(problems.length, "problem")}\n`);
      return 1;
    }
    if (!check.ok) return 1; // unreachable: a failed check always has problems
    // Warnings, not problems: the config is valid; the trader decides whether the traffic fits,
    // or whether a whitelist entry mimik does not know is what they meant.
    const warnings = [
      ...mirrorBudgetWarnings(check.config, choice.display),
      ...whitelistWarnings(check.config, choice.display),
    ];
    for (const warning of warnings)
      ctx.stdout.write(`${printableLines(`warning: ${formatProblems([warning])}`)}\n`);
    ctx.stdout.write(`${printableLines(`${choice.display} OK: ${configSummary(check.config)}`)}\n`);
    return 0;
  },
};
