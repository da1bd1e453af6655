import { createInterface } from "node:readline/promises";
import { checkConfigFile } from "../../../data/configFile.js";
import { resolveConfigPath } from "../../../data/paths.js";
import { formatProblems } from "../../../data/problems.js";
import type { Config } from "../../../data/schema.js";
import { UserError } from "../../../data/userError.js";
import { type FlattenTarget, type Outcome, succeeded } from "../../../engine/index.js";
import { AnswerLostError, type ControlResponse } from "../../control/index.js";
import { outcomeLines } from "../../text/outcomes.js";
import { unknownGroupText } from "../../text/unknownNames.js";
import type { Command, CommandContext } from "../command.js";
import { askInstance, configHelp, NotRunningError } from "../control-commands.js";
import { parseFlags } from "../flags.js";
import { parseStatus } from "../statusText.js";

const HELP = `Usage: mimik flatten (--follower NAME | --group NAME | --all) [--yes]
                     [--config FILE]

Flattens and locks followers: cancels their working orders, liquidates every
open position at market, and locks them so no new opening copies reach them
until \`mimik unlock\`. Never touches a leader. Prints what happened to each
account.

Asks "Flatten and lock N followers …? [y/N]" first. Without a terminal (a
script, cron, ssh without -t) it refuses unless --yes is given.

With a mimik instance running (console or headless), the instance does it.
With none running, mimik logs in to the broker with the config's credentials
and flattens directly, then records the lock in the runtime state file so the
next start keeps the followers locked. That needs a reachable broker: a "sim"
connection without a "url" (the embedded simulator) died with the process that
ran it. A config held by a mimik that does not answer yet (one starting or
stopping, or another mimik flatten at the broker) is waited for, up to 45 s.
An instance that goes away before answering (killed mid-flatten) is
followed up the same way: through a mimik that runs again, or at the broker.

Options:
  --follower NAME   one follower (account name or label)
  --group NAME      every follower of a group
  --all             every follower of every group
  --yes, -y         do not ask
${configHelp(20)}

Exit codes: 0 every follower flat and locked, 1 anything failed (see the
per-account lines), 2 usage (no target, or no terminal to confirm on and no
--yes).

Examples:
  mimik flatten --follower DEMO2001
  mimik flatten --group main --yes
  mimik flatten --all --yes`;

export interface FlattenCommandOptions {
  /** Asks a yes/no question on the terminal; the default reads a line from stdin. */
  ask?: (question: string, ctx: CommandContext) => Promise<string>;
  /** How long to wait for the running instance to report the followers LOCKED. Default 10 s. */
  confirmLockedMs?: number;
  /**
   * How long a config held by a process that does not answer (one starting or stopping, another
   * flatten at the broker) is waited for before giving up. Default 45 s: a direct flatten takes
   * up to 15 s to log in and 10 s for the broker to report flat.
   */
  heldWaitMs?: number;
}

export function createFlattenCommand(options: FlattenCommandOptions = {}): Command {
  return {
    name: "flatten",
    summary: "flatten and lock followers (even with no instance running)",
    help: HELP,
    run: (ctx) => runFlatten(ctx, options),
  };
}

export const flattenCommand: Command = createFlattenCommand();

async function runFlatten(ctx: CommandContext, options: FlattenCommandOptions): Promise<number> {
  const { flags } = parseFlags(
    ctx,
    {
      follower: { type: "string" },
      group: { type: "string" },
      all: { type: "boolean", default: false },
      yes: { type: "boolean", shortFlag: "y", default: false },
      config: { type: "string" },
    },
    { command: "flatten" },
  );
  const target = targetOf(flags);
  if (!flags.yes && !ctx.isTTY)
    throw new UserError(
      "mimik flatten: no terminal to confirm on; pass --yes to flatten without asking (see mimik flatten --help)",
      2,
    );

  const instance = await instanceFollowers(ctx, flags.config, target);
  let config: Config | undefined;
  let followers: string[];
  if (instance.running) followers = instance.followers;
  else {
    config = await loadConfig(ctx, flags.config);
    const { followersForTarget } = await directFlatten();
    const chosen = followersForTarget(config, target);
    if (!chosen.ok) throw new UserError(`mimik flatten: ${chosen.message}`);
    followers = chosen.followers;
  }
  if (followers.length === 0) {
    ctx.stdout.write(`nothing to flatten: ${describeTarget(target)} has no followers\n`);
    return 0;
  }
  if (!flags.yes) {
    const answer = await (options.ask ?? askOnTerminal)(confirmQuestion(followers, instance.running), ctx);
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.stdout.write("not flattened\n");
      return 1;
    }
  }

  return carryOut(ctx, flags.config, target, options, instance.running, config);
}

/**
 * Through the running instance, or directly at the broker when none runs. A config held by a
 * process whose socket does not answer (an instance starting or stopping, or another `mimik
 * flatten` at the broker) is waited for: the panic button goes through that instance once it
 * answers, or to the broker once the lock is let go, instead of being refused in that moment.
 */
async function carryOut(
  ctx: CommandContext,
  configFlag: string | undefined,
  target: FlattenTarget,
  options: FlattenCommandOptions,
  running: boolean,
  loaded: Config | undefined,
): Promise<number> {
  const heldWaitMs = options.heldWaitMs ?? 45_000;
  const deadline = Date.now() + heldWaitMs;
  let config = loaded;
  let askFirst = running;
  let waiting = false;
  let lost = false;
  for (;;) {
    if (askFirst) {
      try {
        return await throughInstance(ctx, configFlag, target, options);
      } catch (error) {
        // The instance died between the question and the flatten: the panic button still works.
        if (error instanceof AnswerLostError) {
          // Killed while at it: what it sent, if anything, is not known, so the flatten is done
          // again, by a mimik that runs again (a restart) or here at the broker, and what that
          // finds at the broker is what is said.
          if (!lost)
            ctx.stderr.write(
              "mimik flatten: the running instance went away before answering (it stopped or was killed); " +
                "how far its flatten got is not known: flattening again, through a mimik that runs again " +
                "or directly at the broker\n",
            );
          lost = true;
        } else if (!(error instanceof NotRunningError)) throw error;
      }
    }
    config ??= await loadConfig(ctx, configFlag);
    const { ConfigHeldError } = await directFlatten();
    try {
      return await flattenWithoutInstance(ctx, configFlag, config, target);
    } catch (error) {
      if (!(error instanceof ConfigHeldError)) throw error;
      if (Date.now() >= deadline)
        throw new UserError(`${error.message} (waited ${Math.round(heldWaitMs / 1000)} s for it)`);
      if (!waiting)
        ctx.stderr.write(
          `mimik flatten: pid ${error.pid} holds this config and does not answer yet (a mimik starting or ` +
            `stopping, or another mimik flatten at the broker); waiting up to ${Math.round(heldWaitMs / 1000)} s for it\n`,
        );
      waiting = true;
      askFirst = true;
      await new Promise((resolve) => setTimeout(resolve, HELD_POLL_MS));
    }
  }
}

/** How often a held config is looked at again. */
const HELD_POLL_MS = 250;

async function throughInstance(
  ctx: CommandContext,
  configFlag: string | undefined,
  target: FlattenTarget,
  options: FlattenCommandOptions,
): Promise<number> {
  const wait = options.confirmLockedMs ?? 10_000;
  const response = await askInstance(
    ctx,
    configFlag,
    { cmd: "flatten", target, waitLockedMs: wait },
    { timeoutMs: 30_000 + wait },
  );
  return reportFromInstance(ctx, response, wait);
}

function targetOf(flags: {
  follower?: string | undefined;
  group?: string | undefined;
  all: boolean;
}): FlattenTarget {
  const given = [flags.follower !== undefined, flags.group !== undefined, flags.all].filter(Boolean).length;
  if (given !== 1)
    throw new UserError(
      `mimik flatten: name exactly one target: --follower NAME, --group NAME or --all (see mimik flatten --help)`,
      2,
    );
  const blank = (v: string | undefined) => v !== undefined && v.trim() === "";
  if (blank(flags.follower) || blank(flags.group))
    throw new UserError("mimik flatten: the name after --follower or --group must not be empty", 2);
  if (flags.follower !== undefined) return { follower: flags.follower.trim() };
  if (flags.group !== undefined) return { group: flags.group.trim() };
  return { all: true };
}

export function confirmQuestion(followers: readonly string[], running: boolean): string {
  const n = followers.length;
  const shown = n <= 5 ? followers.join(", ") : `${followers.slice(0, 5).join(", ")} and ${n - 5} more`;
  const how = running ? "" : " directly at the broker (no mimik instance is running)";
  return `Flatten and lock ${n} follower${n === 1 ? "" : "s"} (${shown})${how}? [y/N] `;
}

type InstanceView = { running: true; followers: string[] } | { running: false };

/** Is an instance serving this config, and which followers does the target name there? */
async function instanceFollowers(
  ctx: CommandContext,
  configFlag: string | undefined,
  target: FlattenTarget,
): Promise<InstanceView> {
  let response: ControlResponse;
  try {
    response = await askInstance(ctx, configFlag, { cmd: "status" });
  } catch (error) {
    // One going away as it is asked (stopping, killed) is as good as none: the flatten then goes
    // to the broker, or through a mimik that holds the config again by then (carryOut waits for it).
    if (error instanceof NotRunningError || error instanceof AnswerLostError) return { running: false };
    throw error;
  }
  const status = response.ok ? parseStatus(response.status) : undefined;
  // An instance we cannot read still flattens by name; the count in the question is then a guess of one.
  if (!status) return { running: true, followers: [describeTarget(target)] };
  const groups = status.groups;
  if ("all" in target)
    return { running: true, followers: groups.flatMap((g) => g.followers.map((f) => f.account)) };
  if ("group" in target) {
    const group = groups.find((g) => g.name.toUpperCase() === target.group.toUpperCase());
    if (!group)
      throw new UserError(
        `mimik flatten: ${unknownGroupText(
          target.group,
          groups.map((g) => g.name),
          "in the running instance's config",
        )}`,
      );
    return { running: true, followers: group.followers.map((f) => f.account) };
  }
  return { running: true, followers: [target.follower] };
}

/** Prints the instance's per-account answer; only followers reported flat and locked count as done. */
function reportFromInstance(ctx: CommandContext, response: ControlResponse, waitedMs: number): number {
  if (response.error) {
    ctx.stderr.write(`mimik flatten: the running instance refused: ${response.error}\n`);
    return 1;
  }
  const results = (response.results ?? []).map(
    (o): Outcome =>
      o.status === "liquidating"
        ? {
            ...o,
            status: "failed",
            // Why it is not flat yet (its login away, a flatten already under way) says more than the clock.
            reason: `${o.reason ? `${o.reason}: ` : ""}not reported flat and locked within ${waitedMs / 1000} s (the instance keeps trying; see mimik status)`,
          }
        : o,
  );
  printOutcomes(ctx, results);
  return response.ok && results.every(succeeded) ? 0 : 1;
}

function printOutcomes(ctx: CommandContext, outcomes: readonly Outcome[]): void {
  for (const line of outcomeLines(outcomes)) ctx.stdout.write(`${line}\n`);
}

async function flattenWithoutInstance(
  ctx: CommandContext,
  configFlag: string | undefined,
  config: Config,
  target: FlattenTarget,
): Promise<number> {
  const choice = resolveConfigPath({ flag: configFlag, env: ctx.env, cwd: ctx.cwd });
  const { flattenDirectly } = await directFlatten();
  const results = await flattenDirectly({ config, configPath: choice.path, target, env: ctx.env });
  ctx.stdout.write(
    results.every(succeeded)
      ? "no running instance: flattened directly at the broker\n"
      : "no running instance: acted directly at the broker; not everything worked (see below)\n",
  );
  printOutcomes(ctx, results);
  return results.every(succeeded) ? 0 : 1;
}

/** The engine's code, loaded only when no instance can do the flatten. */
const directFlatten = () => import("../../process/directFlatten.js");

async function loadConfig(ctx: CommandContext, configFlag: string | undefined): Promise<Config> {
  const choice = resolveConfigPath({ flag: configFlag, env: ctx.env, cwd: ctx.cwd });
  const check = await checkConfigFile(choice.path, choice.display);
  if (check.ok) return check.config;
  if (check.kind === "missing")
    throw new UserError(
      `mimik flatten: no running instance, and no config at ${choice.display} to reach the broker with; ${
        choice.source === "default" ? "pass --config FILE" : "check the path"
      }`,
    );
  throw new UserError(
    `mimik flatten: no running instance, and the config cannot be used:\n${formatProblems(check.problems)}`,
  );
}

async function askOnTerminal(question: string, ctx: CommandContext): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: ctx.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function describeTarget(target: FlattenTarget): string {
  return "all" in target ? "all" : "group" in target ? `group ${target.group}` : target.follower;
}
