import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { acquireAccountLocks } from "./accountLocks.js";
import type { ConfigFiles } from "./configIdentity.js";
import { ensureWritableFolder } from "./fileAccess.js";
import { acquireInstanceLock } from "./instanceLock.js";
import { journalFiles, journalPathFor } from "./journal/paths.js";
import { statePathFor } from "./paths.js";
import type { ProcessProbe } from "./processIdentity.js";
import type { Config } from "./schema.js";
import { shellQuote } from "./shellQuote.js";
import { claimStateFile } from "./stateOwner.js";
import { UserError } from "./userError.js";

/** A config this process may run: its files are writable and locked to us, and so are its broker accounts. */
export interface ConfigClaim {
  readonly files: ConfigFiles;
  /** What the trader should hear at the start (the runtime state gone though the journal is not). */
  readonly notes: readonly string[];
  /** Takes the account locks a changed config needs, or refuses it (AccountLockedError) and takes none. */
  admit(config: Config): Promise<void>;
  /** Releases the locks of accounts the config in force no longer names. */
  settle(config: Config): Promise<void>;
  /** Releases the account locks and the instance lock. */
  release(): Promise<void>;
}

export interface ClaimOptions {
  /** The config path as the trader gave it, to find state and journal a symlinked config kept beside the link. */
  typedPath?: string | undefined;
  /** The control socket this instance will serve, recorded in its instance lock. */
  control?: string | undefined;
  /** Where account locks live (tests); default accountLockDir(). */
  accountLockDir?: string | undefined;
  probe?: ProcessProbe | undefined;
}

/**
 * Everything a running instance must own before it starts, in one place: the config's folder and
 * journal folder are writable (refused now with a clear message, not at the first save), the
 * instance lock is ours, no state or journal was left beside a symlink the config used to be
 * opened through, its state and journal are not another config's (stateOwner.ts), and no other
 * running mimik uses any of its broker accounts.
 */
export async function claimConfig(
  files: ConfigFiles,
  config: Config,
  options: ClaimOptions = {},
): Promise<ConfigClaim> {
  await ensureWritableFolder(
    dirname(files.config),
    `its instance lock, runtime state (${basename(files.state)}) and config saves`,
  );
  await ensureWritableFolder(dirname(files.journal), `its journal (${basename(files.journal)})`);
  const lock = await acquireInstanceLock(files.lock, {
    config: files.config,
    control: options.control,
    probe: options.probe,
  });
  try {
    if (options.typedPath !== undefined) await refuseFilesLeftBehind(resolve(options.typedPath), files);
    // Only once files left beside a link are refused: claiming creates the state file if missing.
    const notes = (await stateGone(files)) ? [stateGoneNote(files)] : [];
    await claimStateFile(files);
    const accounts = await acquireAccountLocks(config, files.config, {
      dir: options.accountLockDir,
      probe: options.probe,
    });
    return {
      files,
      notes,
      admit: (next) => accounts.admit(next),
      settle: (now) => accounts.settle(now),
      async release() {
        await accounts.release();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * No runtime state, though the journal shows this config has run: the file was deleted or moved
 * away, and every lock and high-water mark with it. The start goes on (the panic button and a
 * trader who cleared it on purpose must not be stopped) but says so, loudly, once.
 */
async function stateGone(files: ConfigFiles): Promise<boolean> {
  return !existsSync(files.state) && (await journalFiles(files.journal)).length > 0;
}

function stateGoneNote(files: ConfigFiles): string {
  return (
    `no runtime state at ${files.state}, though this config's journal shows it has run before: every ` +
    "follower starts ACTIVE (any lock it had is gone) and its high-water mark and day balances start " +
    "afresh. If the file was moved or deleted by mistake, stop mimik, put it back and start again; " +
    "mimik log shows the locks it had"
  );
}

/**
 * An older mimik kept state and journal beside the path as typed, so a config opened through a
 * symlink had them beside the link. Now they sit beside the real file. Starting without them would
 * forget locks and high-water marks, so refuse and give the exact commands that move them.
 */
async function refuseFilesLeftBehind(typed: string, files: ConfigFiles): Promise<void> {
  const oldState = statePathFor(typed);
  if (oldState !== files.state && existsSync(oldState) && !existsSync(files.state)) {
    throw new UserError(
      `the runtime state of this config (locks, high-water marks) is at ${oldState}, beside the link ${typed}, ` +
        `but mimik now keeps it beside the config's real file ${files.config}. Move it there, then start again: ` +
        `mv ${shellQuote(oldState)} ${shellQuote(files.state)}`,
    );
  }
  const oldJournal = journalPathFor(typed);
  if (oldJournal === files.journal) return;
  const left = await journalFiles(oldJournal);
  if (left.length === 0 || (await journalFiles(files.journal)).length > 0) return;
  throw new UserError(
    `the journal of this config is in ${dirname(oldJournal)}, beside the link ${typed}, but mimik now keeps it ` +
      `beside the config's real file ${files.config}. Move it there, then start again: ` +
      `mkdir -p ${shellQuote(dirname(files.journal))} && mv ${left.map(shellQuote).join(" ")} ${shellQuote(dirname(files.journal))}/`,
  );
}
