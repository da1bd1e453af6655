import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { journalPathFor } from "./journal/paths.js";
import { statePathFor } from "./paths.js";

/**
 * The files of one config, all named after its real path. The same config opened through a
 * symlink, a symlinked folder or "../" must be the same instance: the same instance lock, runtime
 * state, journal and control socket. Choosing them here, and only here, keeps them from drifting
 * apart again.
 */
export interface ConfigFiles {
  /** The config's real path (symlinks resolved). */
  config: string;
  /** The instance lock, beside the config. */
  lock: string;
  /** Runtime state: locks, high-water marks. */
  state: string;
  /** The live journal file. */
  journal: string;
}

/**
 * The real path of a config file: symlinks resolved. A file that does not exist yet keeps its
 * name inside its folder's real path (or, with no folder either, the path as given, made absolute).
 */
export function realConfigPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

export function configFilesFor(path: string): ConfigFiles {
  const config = realConfigPath(path);
  return {
    config,
    lock: `${config}.lock`,
    state: statePathFor(config),
    journal: journalPathFor(config),
  };
}
