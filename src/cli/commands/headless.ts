import type { EngineEvent, Logger } from "../../../engine/types.js";
import { formatEventLine } from "../../headless/format.js";
import { boot } from "../../process/boot.js";
import { untilSignal } from "../../process/signals.js";
import type { Command, CommandContext } from "../command.js";
import { parseFlags } from "../flags.js";

const HELP = `Usage: mimik headless [--config FILE] [--demo] [--pretty]

The copy engine without a screen, for tmux, systemd or a VPS: one JSON line per event on
stdout (leader fills, copy decisions, order results, state changes, connections, alerts).
Control it from another shell with mimik status / flatten / lock / unlock / pause / resume.
Stops cleanly on SIGINT or SIGTERM. Only one instance may run per config.

Options:
  --config FILE   the config file (default: MIMIK_CONFIG, then the platform config dir)
  --demo          the demo on the embedded simulator, with its demo trader
  --pretty        human-readable lines instead of JSON`;

export const headlessCommand: Command = {
  name: "headless",
  summary: "run the engine with no UI, one JSON line per event",
  help: HELP,
  async run(ctx: CommandContext): Promise<number> {
    const { flags } = parseFlags(
      ctx,
      {
        config: { type: "string" },
        demo: { type: "boolean", default: false },
        pretty: { type: "boolean", default: false },
      },
      { command: "headless" },
    );
    const write = (line: string) => ctx.stdout.write(`${line}\n`);
    const log = (level: "info" | "warn" | "error") => (message: string, data?: Record<string, unknown>) =>
      write(
        flags.pretty
          ? `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`
          : JSON.stringify({ type: "log", at: Date.now(), level, message, ...data }),
      );
    const logger: Logger = { info: log("info"), warn: log("warn"), error: log("error") };
    const running = await boot({
      env: ctx.env,
      cwd: ctx.cwd,
      configFlag: flags.config,
      demo: flags.demo,
      logger,
      listeners: [
        (event: EngineEvent) => {
          // Risk snapshots refresh several times a second per follower: the screen's business, not the log's.
          if (event.type !== "risk") write(formatEventLine(event, flags.pretty));
        },
      ],
    });
    logger.info(
      `mimik headless running (${running.mode}${running.configPath ? `, config ${running.configPath}` : ""}); control socket ${running.controlPath ?? "none"}`,
    );
    const signal = await untilSignal();
    logger.info(`${signal}: shutting down`);
    await running.stop();
    return 0;
  },
};
