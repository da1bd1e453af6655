import { stat } from "node:fs/promises";
import {
  CalendarError,
  calendarFiles,
  calendarPath,
  readCalendar,
  readCalendars,
} from "../../data/calendar.js";
import { formatProblems } from "../../data/problems.js";
import type { Config } from "../../data/schema.js";
import { UserError } from "../../data/userError.js";
import type { Blackout } from "../../engine/index.js";

export interface CalendarWatchDeps {
  /** The config file (relative calendar paths are from its folder); undefined: from the working directory. */
  configPath: string | undefined;
  /** The blackouts of every calendar the config names, by the file as it names it. */
  apply(calendars: Record<string, Blackout[]>): void;
  /** A calendar that could not be read again: said on screen; the last good one stays in force. */
  problem(message: string): void;
  /** A calendar read again after an edit (or fixed after a problem): said, so the trader knows it took. */
  read?(message: string): void;
  /** How often the files are looked at for a change (default 5 s). */
  pollMs?: number | undefined;
}

interface Loaded {
  blackouts: Blackout[];
  /** What the file looked like when read: a change of either reads it again. */
  mtimeMs: number;
  size: number;
}

/**
 * The trader's calendar files (issue 16 blackouts), kept current in the engine's thread: read at
 * start (a bad one stops the start with its line, like a bad config), read again when the config
 * names another file or a file changes on disk. A file that goes bad later is said once and its
 * last good blackouts stay in force: an edit in progress never drops the FOMC the file held.
 */
export class CalendarWatch {
  private readonly loaded = new Map<string, Loaded>();
  private readonly said = new Map<string, string>();
  private config: Config | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly deps: CalendarWatchDeps) {}

  /** The first read: every calendar must be readable, else the start is refused with each problem. */
  async open(config: Config, display?: string): Promise<void> {
    this.config = config;
    const { calendars, problems } = await readCalendars(config, this.deps.configPath, display);
    if (problems.length > 0) throw new UserError(formatProblems(problems));
    for (const file of Object.keys(calendars)) {
      const seen = await this.look(file);
      this.loaded.set(file, { blackouts: calendars[file] ?? [], ...(seen ?? { mtimeMs: 0, size: -1 }) });
    }
    this.deps.apply(calendars);
  }

  /** The blackouts in force, by file. */
  current(): Record<string, Blackout[]> {
    return Object.fromEntries([...this.loaded].map(([file, l]) => [file, l.blackouts]));
  }

  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.deps.pollMs ?? 5000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A new config: files it names now are read (or kept), files it no longer names dropped. */
  setConfig(config: Config): Promise<void> {
    this.config = config;
    return this.refresh();
  }

  /** Reads what changed; one refresh at a time (a slow disk never stacks them). */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshNow().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshNow(): Promise<void> {
    const config = this.config;
    if (!config) return;
    const files = calendarFiles(config);
    let changed = false;
    for (const file of [...this.loaded.keys()]) {
      if (files.includes(file)) continue;
      this.loaded.delete(file);
      this.said.delete(file);
      changed = true;
    }
    for (const file of files) {
      const was = this.loaded.get(file);
      const seen = await this.look(file);
      if (was && seen && seen.mtimeMs === was.mtimeMs && seen.size === was.size) continue;
      try {
        const blackouts = await readCalendar(calendarPath(file, this.deps.configPath), file);
        this.loaded.set(file, { blackouts, ...(seen ?? { mtimeMs: 0, size: -1 }) });
        const fixed = this.said.delete(file);
        changed = true;
        const count = `${blackouts.length} blackout${blackouts.length === 1 ? "" : "s"} in force`;
        this.deps.read?.(`${file} ${fixed ? "is readable again" : "read again"}: ${count}`);
      } catch (error) {
        if (!(error instanceof CalendarError)) throw error;
        // Said once per distinct problem, not every poll; `was` (if any) stays in force.
        if (this.said.get(file) !== error.message) {
          this.said.set(file, error.message);
          this.deps.problem(
            `${error.message}; ${was ? "its last good blackouts stay in force" : "no blackouts from it until it is fixed"}`,
          );
        }
      }
    }
    if (changed) this.deps.apply(this.current());
  }

  private async look(file: string): Promise<{ mtimeMs: number; size: number } | undefined> {
    try {
      const s = await stat(calendarPath(file, this.deps.configPath));
      return { mtimeMs: s.mtimeMs, size: s.size };
    } catch {
      return undefined;
    }
  }
}
