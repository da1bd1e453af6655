import type { Command } from "./command.js";
import { configCheckCommand } from "./commands/config-check.js";
import { flattenCommand } from "./commands/flatten.js";
import { headlessCommand } from "./commands/headless.js";
import { lockCommand } from "./commands/lock.js";
import { logCommand } from "./commands/log.js";
import { notifyTestCommand } from "./commands/notify-test.js";
import { pauseCommand } from "./commands/pause.js";
import { reportCommand } from "./commands/report.js";
import { resumeCommand } from "./commands/resume.js";
import { resyncCommand } from "./commands/resync.js";
import { simCommand } from "./commands/sim.js";
import { statusCommand } from "./commands/status.js";
import { uiCommand } from "./commands/ui.js";
import { unlockCommand } from "./commands/unlock.js";

/**
 * Every subcommand, in the order `mimik --help` lists them. Multi-word names ("config check")
 * are matched word by word. A command named "ui" receives `mimik` with no subcommand (and
 * top-level flags such as --demo and --config).
 */
export const commands: readonly Command[] = [
  uiCommand,
  headlessCommand,
  simCommand,
  statusCommand,
  flattenCommand,
  lockCommand,
  unlockCommand,
  resyncCommand,
  pauseCommand,
  resumeCommand,
  configCheckCommand,
  logCommand,
  reportCommand,
  notifyTestCommand,
];
