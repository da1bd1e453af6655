import { type FSWatcher, watch as fsWatch } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { Low } from "lowdb";
import type { Logger } from "../engine/types.js";
import { silentLogger } from "../engine/types.js";
import { serialised } from "./atomicWrite.js";
import { ConfigError, MISSING_CONFIG_FIX, validateConfigText, validateConfigValue } from "./configFile.js";
import { type ConfigProblemEvent, placed } from "./configProblemEvent.js";
import { explainWriteError, readOnlyReason } from "./fileAccess.js";
import { deepFreeze, FileChangedError, GuardedJsonFile, NO_FILE, serialise } from "./guardedJsonFile.js";
import { missingFileProblem, type Problem } from "./problems.js";
import { type Config, emptyConfig } from "./schema.js";
import { removeStaleTemps } from "./staleTemps.js";

export type ConfigChangeCause = "update" | "reload";

export { type ConfigProblemEvent, problemEventLine } from "./configProblemEvent.js";

export type UpdateResult = { ok: true; config: Config } | { ok: false; problems: Problem[] };

export interface ConfigRepositoryOptions {
  /** How to name the file in messages (default: its path). */
  display?: string | undefined;
  /** Quiet time after a file system event before the file is re-read. */
  debounceMs?: number | undefined;
  /** Fallback stat poll for file systems where fs.watch is silent; 0 disables it. */
  pollMs?: number | undefined;
  logger?: Logger | undefined;
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * The config file: validated on load and on every change, saved atomically and one save at a
 * time, watched for hand edits. Every read-check-write runs in the per-path queue shared with
 * atomicWrite, and a save first compares the file's hash with the one last read or written, so
 * an edit made by hand is reloaded (or, when invalid, protected) and never silently overwritten.
 */
export class ConfigRepository {
  private snapshot: Config;
  private readonly listeners = new Set<(config: Config, cause: ConfigChangeCause) => void>();
  private readonly problemListeners = new Set<(event: ConfigProblemEvent) => void>();
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private lastStat = "";
  /** Hash of the invalid content last reported, so one bad save is announced once. */
  private reportedHash: string | undefined;
  /** Why the file could not be read, when that was last said. */
  private reportedUnreadable: string | undefined;
  private admit: ((next: Config) => Promise<void>) | undefined;
  private closed = false;
  readonly display: string;
  private readonly logger: Logger;

  private constructor(
    readonly path: string,
    private readonly db: Low<Config>,
    private readonly file: GuardedJsonFile<Config>,
    private readonly options: ConfigRepositoryOptions,
  ) {
    this.display = options.display ?? path;
    this.logger = options.logger ?? silentLogger;
    this.snapshot = deepFreeze(structuredClone(db.data));
  }

  /** Open an existing config. Throws ConfigError (kind "missing", "syntax", "newer", "invalid", …). */
  static async open(path: string, options: ConfigRepositoryOptions = {}): Promise<ConfigRepository> {
    const display = options.display ?? path;
    await removeStaleTemps(path);
    const file = new GuardedJsonFile<Config>(path, { decode: (text) => decodeConfig(text, display) });
    // Built by hand, not JSONFilePreset: the preset swaps in memory storage when NODE_ENV=test.
    // The default is never used: a missing file is refused below.
    const db = new Low<Config>(file, emptyConfig());
    try {
      await db.read();
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError("unreadable", [{ file: display, path: "", message: describeIoError(error) }]);
    }
    if (file.lastHash === NO_FILE)
      throw new ConfigError("missing", [missingFileProblem(display, MISSING_CONFIG_FIX)]);
    return new ConfigRepository(path, db, file, options);
  }

  /** Write a new config file (refusing an invalid one, or an existing file) and open it. */
  static async create(
    path: string,
    config: Config,
    options: ConfigRepositoryOptions = {},
  ): Promise<ConfigRepository> {
    const display = options.display ?? path;
    const check = validateConfigValue(config, display);
    if (!check.ok) throw new ConfigError(check.kind, check.problems);
    const file = new GuardedJsonFile<Config>(path, { decode: (text) => decodeConfig(text, display) });
    file.adopt(NO_FILE);
    try {
      await serialised(path, () => file.write(check.config));
    } catch (error) {
      if (error instanceof FileChangedError)
        throw new ConfigError("invalid", [
          {
            file: display,
            path: "",
            message: "already exists",
            fix: "open it instead, or choose another path",
          },
        ]);
      throw error;
    }
    return ConfigRepository.open(path, options);
  }

  /** The current valid config, deeply frozen: copy before changing (update() hands you a draft). */
  get(): Config {
    return this.snapshot;
  }

  /**
   * Change the config: `mutator` edits a draft (or returns a replacement). The result is validated
   * with the same rules as the file; an invalid result is refused with problems and nothing is
   * written. If the file was edited by hand since it was last read, the edit is loaded first and
   * the mutator runs against it; if that edit is invalid, the update is refused and the file kept.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a mutator edits the draft (returns nothing) or returns a replacement
  update(mutator: (draft: Config) => Config | undefined | void): Promise<UpdateResult> {
    if (this.closed) return Promise.reject(new Error("config repository is closed"));
    return serialised(this.path, async () => {
      for (let attempt = 0; ; attempt++) {
        const fresh = await this.syncFromDisk();
        if (!fresh.ok) {
          // The first problem is all a console line or a CLI answer shows: it says what is wrong.
          const [first] = fresh.problems;
          const refusal =
            fresh.unreadable !== undefined
              ? {
                  message: `the file cannot be read (${fresh.unreadable}), so this change was not saved`,
                  fix: "make it a readable file again, then make the change",
                }
              : {
                  message: `the file was edited by hand and is not valid now${first ? ` (${placed(first)})` : ""}, so this change was not saved`,
                  fix: "fix or undo the edit first",
                };
          return { ok: false, problems: [{ file: this.display, path: "", ...refusal }, ...fresh.problems] };
        }
        const draft = structuredClone(this.db.data);
        let next: Config;
        try {
          next = mutator(draft) ?? draft;
        } catch (error) {
          return { ok: false, problems: [{ file: this.display, path: "", message: errorText(error) }] };
        }
        const check = validateConfigValue(next, this.display);
        if (!check.ok) return { ok: false, problems: check.problems };
        if (serialise(check.config) === serialise(this.db.data)) return { ok: true, config: this.snapshot };
        const refused = await this.refusal(check.config);
        if (refused) return { ok: false, problems: refused };
        // A file made read-only is the trader's "do not change this": a rename would replace it.
        const readOnly = await readOnlyReason(this.path);
        if (readOnly)
          return {
            ok: false,
            problems: [
              {
                file: this.display,
                path: "",
                message: `${readOnly}, so this change was not saved`,
                fix: "make the change by hand, or make the file writable (chmod u+w) to let mimik save it",
              },
            ],
          };
        const previous = this.db.data;
        this.db.data = check.config;
        try {
          await this.db.write();
        } catch (error) {
          this.db.data = previous;
          if (error instanceof FileChangedError && attempt < MAX_CONFLICT_RETRIES) continue;
          const explained = explainWriteError(error, dirname(this.path), "the config's temp file");
          return {
            ok: false,
            problems: [{ file: this.display, path: "", message: `could not save: ${errorText(explained)}` }],
          };
        }
        this.reportedHash = undefined;
        this.adoptSnapshot("update");
        return { ok: true, config: this.snapshot };
      }
    });
  }

  /** Re-read the file now (what the watcher does after a change). */
  reload(): Promise<{ ok: true; changed: boolean } | { ok: false; problems: Problem[] }> {
    return serialised(this.path, () => this.syncFromDisk());
  }

  /**
   * Checks each new config before it is taken (a hand edit) or written (a change from the console)
   * for what no rule of the file can see: the account locks (another running mimik may hold an
   * account the edit names). A throw keeps the config in force, said like an invalid edit.
   */
  admitWith(check: (next: Config) => Promise<void>): void {
    this.admit = check;
  }

  /** Called after every successful update or reload with the new frozen config. Returns unsubscribe. */
  subscribe(listener: (config: Config, cause: ConfigChangeCause) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when a hand edit is invalid or the file disappears; the previous config stays in force. */
  onProblem(listener: (event: ConfigProblemEvent) => void): () => void {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  /** Start noticing hand edits: fs.watch on the directory (editors replace files) plus a slow stat poll. */
  watch(): void {
    if (this.watcher || this.closed) return;
    const name = basename(this.path);
    try {
      this.watcher = fsWatch(dirname(this.path), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.schedule();
      });
      this.watcher.on("error", (error) =>
        this.logger.warn("config watcher failed", { error: errorText(error) }),
      );
    } catch (error) {
      this.logger.warn("cannot watch the config directory; relying on polling", { error: errorText(error) });
    }
    const pollMs = this.options.pollMs ?? 2000;
    if (pollMs > 0) {
      this.poll = setInterval(() => void this.pollStat(), pollMs);
      this.poll.unref();
    }
    // An edit saved since open() (while the logins connected) raised no event for a watcher not
    // yet there, and the poll takes its first stat as the baseline: read the file once now.
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.poll) clearInterval(this.poll);
    // Let a queued save finish before the caller goes on (e.g. exits the process).
    await serialised(this.path, async () => undefined);
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (!this.closed)
        void this.reload().catch((error) => this.logger.warn("config reload failed", { error }));
    }, this.options.debounceMs ?? 75);
    this.debounce.unref();
  }

  private async pollStat(): Promise<void> {
    const now = await stat(this.path).then(
      (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
      () => "missing",
    );
    if (this.lastStat && now !== this.lastStat) this.schedule();
    this.lastStat = now;
  }

  /**
   * Bring memory in line with the disk (caller holds the queue). Same content: nothing to do.
   * Valid new content: adopt and notify. Invalid or missing: keep the old config, report once.
   */
  private async syncFromDisk(): Promise<
    { ok: true; changed: boolean } | { ok: false; problems: Problem[]; unreadable?: string }
  > {
    let found: { text: string; hash: string } | undefined;
    const problemSaid = this.reportedHash !== undefined || this.reportedUnreadable !== undefined;
    try {
      found = await this.file.readText();
    } catch (error) {
      const problems = [{ file: this.display, path: "", message: describeIoError(error) }];
      const unreadable = ioReason(error);
      // Said once while it stays unreadable the same way, not at every re-read.
      if (this.reportedUnreadable !== problems[0]!.message) {
        this.reportedUnreadable = problems[0]!.message;
        this.report(
          "unreadable",
          `${this.display} cannot be read; keeping the config loaded before`,
          problems,
        );
      }
      return { ok: false, problems, unreadable };
    }
    this.reportedUnreadable = undefined;
    if (!found) {
      if (this.file.lastHash !== NO_FILE) {
        this.file.adopt(NO_FILE);
        this.report(
          "removed",
          `${this.display} was removed; keeping the config loaded before (the next change writes it again)`,
          [],
        );
      }
      // No file means no hand edit to protect: a later update may write it again.
      return { ok: true, changed: false };
    }
    if (found.hash === this.file.lastHash) {
      if (problemSaid) {
        this.reportedHash = undefined;
        this.report("restored", `${this.display} is back to the config in force; nothing changed`, []);
      }
      return { ok: true, changed: false };
    }
    const check = validateConfigText(found.text, this.display);
    if (!check.ok) {
      if (this.reportedHash !== found.hash) {
        this.reportedHash = found.hash;
        this.report(
          "invalid-edit",
          `${this.display} was edited and is not valid; keeping the config loaded before until it is fixed`,
          check.problems,
        );
      }
      return { ok: false, problems: check.problems };
    }
    const refused = await this.refusal(check.config);
    if (refused) {
      if (this.reportedHash !== found.hash) {
        this.reportedHash = found.hash;
        this.report(
          "refused-edit",
          `${this.display} was edited but cannot be used while this holds; keeping the config loaded before (save the file again once it is fixed)`,
          refused,
        );
      }
      return { ok: false, problems: refused };
    }
    this.reportedHash = undefined;
    this.db.data = check.config;
    this.file.adopt(found.hash);
    this.adoptSnapshot("reload");
    return { ok: true, changed: true };
  }

  private async refusal(next: Config): Promise<Problem[] | undefined> {
    if (!this.admit) return undefined;
    try {
      await this.admit(next);
      return undefined;
    } catch (error) {
      return [{ file: this.display, path: "", message: errorText(error) }];
    }
  }

  private adoptSnapshot(cause: ConfigChangeCause): void {
    this.snapshot = deepFreeze(structuredClone(this.db.data));
    for (const listener of this.listeners) {
      try {
        listener(this.snapshot, cause);
      } catch (error) {
        this.logger.error("config listener failed", { error: errorText(error) });
      }
    }
  }

  private report(kind: ConfigProblemEvent["kind"], message: string, problems: Problem[]): void {
    for (const listener of this.problemListeners) {
      try {
        listener({ kind, message, problems });
      } catch (error) {
        this.logger.error("config problem listener failed", { error: errorText(error) });
      }
    }
  }
}

function decodeConfig(text: string, display: string): Config {
  const check = validateConfigText(text, display);
  if (!check.ok) throw new ConfigError(check.kind, check.problems);
  return check.config;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeIoError(error: unknown): string {
  return `cannot read the file: ${ioReason(error)}`;
}

function ioReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return errorText(error);
}
