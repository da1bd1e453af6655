import { existsSync } from "node:fs";
import { configFilesFor } from "../../data/configIdentity.js";
import { judge, readOwner } from "../../data/lockFile.js";
import { resolveConfigPath, runtimeDir } from "../../data/paths.js";
import { systemProbe } from "../../data/processIdentity.js";
import { shellQuote } from "../../data/shellQuote.js";
import { UserError } from "../../data/userError.js";
import { succeeded } from "../../engine/index.js";
import {
  type ControlRequestInput,
  type ControlResponse,
  controlSocketPath,
  NoInstanceError,
  sendControl,
} from "../control/index.js";
import { outcomeLines } from "../text/outcomes.js";
import type { CommandContext } from "./command.js";
import { parseStatus } from "./statusText.js";

/**
 * What the control commands (status, flatten, lock, unlock, pause, resume) share: finding the
 * running instance's socket for a config, sending it one request, and printing what happened to
 * each account.
 */

/** The socket of the instance serving this config (--config, MIMIK_CONFIG, or the default). */
export function controlPathFor(ctx: CommandContext, configFlag: string | undefined): string {
  const choice = resolveConfigPath({ flag: configFlag, env: ctx.env, cwd: ctx.cwd });
  return controlSocketPath(choice.path, runtimeDir(ctx.env));
}

/** Sends one request; a missing instance becomes a message saying how to start one. */
export async function askInstance(
  ctx: CommandContext,
  configFlag: string | undefined,
  request: ControlRequestInput,
  options: { timeoutMs?: number } = {},
): Promise<ControlResponse> {
  const path = controlPathFor(ctx, configFlag);
  try {
    try {
      return await sendControl(path, request, options);
    } catch (error) {
      const holder = error instanceof NoInstanceError ? await holderOf(ctx, configFlag) : undefined;
      const elsewhere = holder?.control;
      if (elsewhere === undefined || elsewhere === path) throw error;
      return await sendControl(elsewhere, request, options);
    }
  } catch (error) {
    if (error instanceof NoInstanceError) {
      // A mistyped --config (or MIMIK_CONFIG) names no file at all: say so, not just "not running".
      const choice = resolveConfigPath({ flag: configFlag, env: ctx.env, cwd: ctx.cwd });
      const missing = choice.source !== "default" && !existsSync(choice.path) ? choice.display : undefined;
      throw new NotRunningError(error, configFlag, missing, await holderOf(ctx, configFlag));
    }
    throw error;
  }
}

/** A live process holding this config's instance lock, and the socket it serves (if it serves one). */
interface Holder {
  pid: number;
  control?: string | undefined;
}

/**
 * Who holds this config now, from its instance lock, while the process that wrote it runs. Its
 * socket may not be the one this shell works out: that instance had another XDG_RUNTIME_DIR (a
 * systemd user unit's, where cron, su or an SSH session may have none).
 */
async function holderOf(ctx: CommandContext, configFlag: string | undefined): Promise<Holder | undefined> {
  const choice = resolveConfigPath({ flag: configFlag, env: ctx.env, cwd: ctx.cwd });
  const owner = await readOwner(configFilesFor(choice.path).lock).catch(() => undefined);
  if (owner === undefined || judge(owner, systemProbe, false).kind !== "held") return undefined;
  return { pid: owner.pid, control: typeof owner.control === "string" ? owner.control : undefined };
}

/**
 * The running demo's journal, when there is no config of one's own: the demo answers on the
 * default config's socket while that file does not exist, and writes its journal in a scratch
 * folder only it knows. Undefined otherwise (a config chosen, a real one there, no demo running).
 */
export async function runningDemoJournal(ctx: CommandContext): Promise<string | undefined> {
  const choice = resolveConfigPath({ env: ctx.env, cwd: ctx.cwd });
  if (choice.source !== "default" || existsSync(choice.path)) return undefined;
  try {
    const path = controlSocketPath(choice.path, runtimeDir(ctx.env));
    const status = parseStatus((await sendControl(path, { cmd: "status" }, { timeoutMs: 2000 })).status);
    return status?.mode === "DEMO" ? status.journal : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Nobody serves this config's socket; the message says what to start, or, when a live mimik holds
 * the config all the same (starting, stopping, or a flatten at the broker), to try again.
 */
export class NotRunningError extends UserError {
  constructor(
    error: NoInstanceError,
    configFlag: string | undefined,
    missingConfig?: string,
    holder?: Holder,
  ) {
    const start = `mimik headless${configFlag ? ` --config ${shellQuote(configFlag)}` : ""}`;
    super(
      holder !== undefined
        ? `${error.message}, but mimik (pid ${holder.pid}) holds this config: ${
            holder.control === undefined
              ? "a mimik flatten at work at the broker"
              : "it is still starting, or stopping"
          }; try again in a moment`
        : missingConfig === undefined
          ? `${error.message}; start it with \`${start}\` (or the console: mimik)`
          : `${error.message}, and there is no config file at ${missingConfig}: check the path ` +
            `given with ${configFlag === undefined ? "MIMIK_CONFIG" : "--config"}`,
    );
    this.name = "NotRunningError";
  }
}

/**
 * Prints a control response: one line per account, or the error the instance gave. Returns the
 * exit code: 0 when everything succeeded, 1 when anything failed.
 */
export function printResponse(ctx: CommandContext, response: ControlResponse, command?: string): number {
  const results = response.results ?? [];
  for (const line of outcomeLines(results)) ctx.stdout.write(`${line}\n`);
  // Named as status and flatten name theirs: "mimik lock: …", not a bare "mimik: …".
  const who = command === undefined ? "mimik" : `mimik ${command}`;
  if (response.error) ctx.stderr.write(`${who}: the running instance refused: ${response.error}\n`);
  const failed = !response.ok || results.some((r) => !succeeded(r));
  if (failed && !response.error && results.length === 0)
    ctx.stderr.write("mimik: the running instance reported a failure without details\n");
  return failed ? 1 : 0;
}

/** Shared --config line of every control command's help, its words at `column` as its block's. */
export function configHelp(column = 18): string {
  const words = " ".repeat(column);
  return (
    `${"  --config FILE".padEnd(column)}which instance: the one running this config (default:\n` +
    `${words}MIMIK_CONFIG, then the platform config dir)`
  );
}

export const CONFIG_HELP = configHelp();

/** Sends a request the running instance must handle (lock, unlock, pause, resume) and prints the outcome. */
export async function runOnInstance(
  ctx: CommandContext,
  configFlag: string | undefined,
  request: ControlRequestInput,
): Promise<number> {
  const response = await askInstance(ctx, configFlag, request);
  return printResponse(ctx, response, request.cmd);
}

/** A required --NAME value: missing or blank is a usage error naming the flag. */
export function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value.trim() === "")
    throw new UserError(`mimik ${command}: --${flag} NAME is required (see mimik ${command} --help)`, 2);
  return value.trim();
}
