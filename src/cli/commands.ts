import type { Command } from "./command.js";
import { configCheckCommand } from "./commands/config-check.js";
import { headlessCommand } from "./commands/headless.js";
import { logCommand } from "./commands/log.js";
import { simCommand } from "./commands/sim.js";
import { uiCommand } from "./commands/ui.js";

/**
 * Every subcommand, in the order `mimik --help` lists them. Multi-word names ("config check")
 * are matched word by word. A command named "ui" receives `mimik` with no subcommand (and
 * top-level flags such as --demo and --config).
 */
export const commands: readonly Command[] = [
  uiCommand,
  headlessCommand,
  simCommand,
  configCheckCommand,
  logCommand,
];
