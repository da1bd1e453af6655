import { basename } from "node:path";
import { ConfigError, checkConfigFile } from "../../../data/configFile.js";
import { resolveConfigPath } from "../../../data/paths.js";
import { UserError } from "../../../data/userError.js";
import { probeTargets } from "../../notify/probe.js";
import { resolveTargetSecrets, targetSecretValues } from "../../notify/secrets.js";
import { secretScrubber } from "../../text/scrub.js";
import { printableLines } from "../../text/terminal.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage
  mimik notify test [--target NAME] [--config FILE]

Sends one test message to each notification target in the config (the
"notifications" section: webhook, discord, telegram, ntfy), one try each, and
prints what each answered. No mimik needs to be running; nothing else is sent.

Options
  --target NAME   only this target
  --config FILE   the config whose targets to test (default: MIMIK_CONFIG, then
                  the platform config directory)

Exit codes: 0 every target took its message, 1 any did not (or there are no
targets), 2 usage.

Examples
  mimik notify test
  mimik notify test --target phone --config ./config.json`;

export interface NotifyTestOptions {
  fetchImpl?: typeof fetch;
}

export function createNotifyTestCommand(options: NotifyTestOptions = {}): Command {
  return {
    name: "notify test",
    summary: "send a test message to each notification target",
    help: HELP,
    run: (ctx) => runNotifyTest(ctx, options),
  };
}

export const notifyTestCommand = createNotifyTestCommand();

async function runNotifyTest(ctx: CommandContext, options: NotifyTestOptions): Promise<number> {
  const { flags } = parseFlags(
    ctx,
    { target: { type: "string" }, config: { type: "string" } },
    { command: "notify test" },
  );
  const choice = resolveConfigPath({ flag: flags.config, env: ctx.env, cwd: ctx.cwd });
  const check = await checkConfigFile(choice.path, choice.display);
  if (!check.ok) throw new ConfigError(check.kind, check.problems);
  const all = check.config.notifications?.targets ?? [];
  if (all.length === 0)
    throw new UserError(
      `mimik notify test: ${choice.display} has no notification targets; add a "notifications" section (see the README, "Notifications")`,
    );
  const targets = flags.target
    ? all.filter((t) => t.name.toUpperCase() === flags.target?.trim().toUpperCase())
    : all;
  if (targets.length === 0)
    throw new UserError(
      `mimik notify test: no target named "${flags.target}" (targets: ${all.map((t) => t.name).join(", ")})`,
      2,
    );
  const secrets = await resolveTargetSecrets(check.config, ctx.env);
  // A service's error reply could echo what it was sent: no secret value is ever printed.
  const scrub = secretScrubber(targetSecretValues(secrets));
  const results = await probeTargets(targets, secrets, {
    configName: basename(choice.path),
    fetchImpl: options.fetchImpl,
    scrub,
  });
  const width = Math.max(...results.map((r) => `${r.target.name} (${r.target.kind})`.length));
  for (const r of results) {
    const who = `${r.target.name} (${r.target.kind})`.padEnd(width);
    const line = r.ok ? `${who}  ok: ${r.detail} in ${Math.round(r.ms)} ms` : `${who}  FAILED: ${r.detail}`;
    ctx.stdout.write(`${printableLines(scrub(line))}\n`);
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0) {
    ctx.stderr.write(`mimik notify test: ${failed} of ${results.length} targets failed\n`);
    return 1;
  }
  return 0;
}
