import { basename, dirname } from "node:path";
import { Low } from "lowdb";
import { z } from "zod";
import type { ActedOnRecord, FollowerRiskRecord, RiskStateStore, RuntimeState } from "../engine/types.js";
import { ActedOnFile, actedOnPathFor, type OpenedActedOn } from "./actedOnFile.js";
import { type ActedOnRecords, actedOnRecordSchema } from "./actedOnSlots.js";
import { freeAsideName } from "./asideFile.js";
import { serialised } from "./atomicWrite.js";
import { explainWriteError } from "./fileAccess.js";
import { deepFreeze, FileChangedError, GuardedJsonFile, NO_FILE } from "./guardedJsonFile.js";
import { parseJson } from "./jsonText.js";
import {
  friendlyErrors,
  newerVersionProblem,
  problemsFromZod,
  syntaxProblem,
  unreadableProblem,
} from "./problems.js";
import { removeStaleTemps } from "./staleTemps.js";
import { StateError } from "./stateError.js";

export { StateError };

export const STATE_VERSION = 1;

const followerRiskRecordSchema = z.object({
  state: z.enum(["ACTIVE", "LIQUIDATE_ONLY", "LOCKED"]),
  lockKind: z
    .enum(["daily", "weekly", "giveback", "trailing", "profit", "trades", "manual", "broker", "window"])
    .optional(),
  lockReason: z.string().optional(),
  lockedAt: z.number().optional(),
  highWaterMark: z.number().optional(),
  // Absent in older files: their mark is kept for a limit configured now (it may be its own).
  trailingWatched: z.boolean().optional(),
  startOfDayBalance: z.number().optional(),
  tradingDay: z.string().optional(),
  tradesToday: z.number().int().nonnegative().optional(),
  // Absent in older files: a later fill of an order counted before the restart then counts again.
  tradeOrders: z.array(z.number().int()).optional(),
  // Issue 16: absent in older files, which load as they are (the week starts at the next valuation).
  dayPeak: z.number().optional(),
  weekStartBalance: z.number().optional(),
  tradingWeek: z.string().optional(),
  // A forced unlock's waiver must outlive a restart, or the restart re-locks what the trader unlocked.
  waivedDay: z.string().optional(),
  // Issue 16: marks taken of a shadow's would-be P&L are no measure of its account's, nor the reverse.
  shadow: z.literal(true).optional(),
  live: z
    .object({
      tradingDay: z.string().optional(),
      tradingWeek: z.string().optional(),
      startOfDayBalance: z.number().optional(),
      weekStartBalance: z.number().optional(),
      highWaterMark: z.number().optional(),
      dayPeak: z.number().optional(),
    })
    .optional(),
  // Absent in older files: a flatten's fills in a snapshot then read as trades by hand.
  flattenOrders: z
    .array(
      z.object({
        contract: z.string(),
        orderId: z.number().int().optional(),
        sentAt: z.number(),
        answeredAt: z.number().optional(),
      }),
    )
    .optional(),
});

/**
 * Files from before issue 18 have no `actedOn` and load as they are. Files written before the
 * acted-on file existed hold it here: it moves to that file (actedOnFile.ts) when opened.
 */
export const runtimeStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  followers: z.record(z.string(), followerRiskRecordSchema).default({}),
  lastRollAt: z.number().optional(),
  // The config it belongs to (stateOwner.ts); absent in older files, which the first claim adopts.
  config: z.string().optional(),
  actedOn: z.record(z.string(), actedOnRecordSchema).optional(),
});

export function emptyState(): RuntimeState {
  return { version: STATE_VERSION, followers: {} };
}

/**
 * One record, checked as the whole file would be: a bad one is refused before it is written. The
 * error map only words what is wrong, and a parse given one took twice to five times as long (zod
 * 4: 1.1 against 0.23 µs an acted-on record, 3.0 against 1.4 a risk one), at 200 records a save at
 * 200 followers: it is given one only to explain a record the plain parse refused.
 */
function checked<T>(schema: z.ZodType<T>, record: unknown, at: string, file: string): T {
  const plain = schema.safeParse(record);
  if (plain.success) return plain.data;
  const result = schema.safeParse(record, { error: friendlyErrors });
  if (result.success) return result.data;
  throw new StateError(
    problemsFromZod(result.error.issues, file, record, schema).map((p) => ({
      ...p,
      path: p.path ? `${at}.${p.path}` : at,
    })),
  );
}

function decodeState(text: string, file: string): RuntimeState {
  // Named only for a file that is refused: it looks at the folder.
  const asideFix = () =>
    `inspect it; to start with no locks, move it aside (mv ${file} ${freeAsideName(file, "bad")})`;
  const parsed = parseJson(text);
  if (!parsed.ok) throw new StateError([{ ...syntaxProblem(file, parsed.error), fix: asideFix() }]);
  const version = (parsed.value as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > STATE_VERSION)
    throw new StateError([newerVersionProblem(file, version, STATE_VERSION)]);
  const result = runtimeStateSchema.safeParse(parsed.value, { error: friendlyErrors });
  if (!result.success)
    throw new StateError(
      problemsFromZod(result.error.issues, file, parsed.value, runtimeStateSchema).map((p) => ({
        ...p,
        fix: p.fix ?? asideFix(),
      })),
    );
  return result.data as RuntimeState;
}

/**
 * Locks, start-of-day balances and high-water marks, in their own file (mode 0600) with the
 * config's guarantees: atomic, serialised saves that resolve only once the data is on disk. A
 * missing file is an empty state. mimik is the only writer; a foreign change is reloaded before
 * the next save rather than overwritten. What followers acted on is read and saved through here
 * too, but lives in a file of its own, written far more often (actedOnFile.ts).
 */
export class RuntimeStateRepository implements RiskStateStore {
  /** The state file's content, as last written or read. */
  private snapshot: RuntimeState;

  private constructor(
    readonly path: string,
    private readonly db: Low<RuntimeState>,
    private readonly file: GuardedJsonFile<RuntimeState>,
    private readonly acted: ActedOnFile,
    /** What open() found wrong and set right, one sentence each (the host logs them). */
    readonly notes: readonly string[],
    private readonly notice: (message: string) => void,
  ) {
    this.snapshot = deepFreeze(structuredClone(db.data));
  }

  /** Throws StateError when the file exists but is corrupt, unreadable or from a newer mimik. */
  /**
   * `notice` hears what it sets right while mimik runs, once each time (this file or the acted-on
   * file removed or emptied under it, and written again).
   */
  static async open(
    path: string,
    options: { notice?: (message: string) => void } = {},
  ): Promise<RuntimeStateRepository> {
    await removeStaleTemps(path);
    const file = new GuardedJsonFile<RuntimeState>(path, {
      decode: (text) => decodeState(text, path),
      mode: 0o600,
    });
    const db = new Low<RuntimeState>(file, emptyState());
    try {
      await db.read();
    } catch (error) {
      if (error instanceof StateError) throw error;
      throw new StateError([unreadableProblem(path, error)]);
    }
    const actedPath = actedOnPathFor(path);
    let opened: OpenedActedOn;
    try {
      await removeStaleTemps(actedPath);
      opened = await ActedOnFile.open(actedPath, options.notice);
    } catch (error) {
      throw new StateError([unreadableProblem(actedPath, error)]);
    }
    const inState = db.data.actedOn;
    delete db.data.actedOn;
    if (opened.file.records === undefined && inState !== undefined && opened.problem === undefined) {
      // Kept in the state file by an older mimik: written to their own file before the state
      // file, which no longer carries them, is written again.
      try {
        await opened.file.save(inState);
      } catch (error) {
        throw explainWriteError(error, dirname(actedPath), `the acted-on file ${basename(actedPath)}`);
      }
    }
    return new RuntimeStateRepository(
      path,
      db,
      file,
      opened.file,
      opened.problem ? [opened.problem] : [],
      options.notice ?? (() => {}),
    );
  }

  /** The current state with what followers acted on, deeply frozen (read when the engine starts). */
  read(): RuntimeState {
    const acted: ActedOnRecords | undefined = this.acted.records;
    return acted === undefined ? this.snapshot : deepFreeze({ ...this.snapshot, actedOn: acted });
  }

  saveFollower(follower: string, record: FollowerRiskRecord): Promise<void> {
    return this.saveFollowers({ [follower]: record });
  }

  /** Several followers in one atomic write (the risk engine's batched high-water marks and trade counts). */
  saveFollowers(records: Readonly<Record<string, FollowerRiskRecord>>): Promise<void> {
    return this.replace((state) => {
      const followers = { ...state.followers };
      for (const [follower, record] of Object.entries(records))
        followers[follower] = checked(followerRiskRecordSchema, record, `followers.${follower}`, this.path);
      return { ...state, followers };
    });
  }

  /** The leader positions followers last acted on (undefined removes one), in their own file. */
  async saveActedOn(records: Readonly<Record<string, ActedOnRecord | undefined>>): Promise<void> {
    const changes: Record<string, ActedOnRecord | undefined> = {};
    for (const [follower, record] of Object.entries(records))
      changes[follower] =
        record === undefined
          ? undefined
          : checked(actedOnRecordSchema, record, `actedOn.${follower}`, this.acted.path);
    await this.acted.save(changes);
  }

  /**
   * The saves made while copying: `next` builds the new state from the current one, sharing every
   * record it does not change (they are frozen) and checking each one it does. Several times a
   * second under load, so no whole-state copy or check: those are for `update`.
   */
  private replace(next: (state: RuntimeState) => RuntimeState): Promise<void> {
    return this.commit(
      () => deepFreeze(next(this.snapshot)),
      (written) => written,
    );
  }

  /** Change the state with a mutator on a draft; resolves once the result is durably on disk. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a mutator edits the draft (returns nothing) or returns a replacement
  update(mutator: (draft: RuntimeState) => RuntimeState | undefined | void): Promise<void> {
    return this.commit(
      () => {
        const draft = structuredClone(this.db.data);
        const next = mutator(draft) ?? draft;
        const result = runtimeStateSchema.safeParse(next, { error: friendlyErrors });
        if (!result.success)
          throw new StateError(problemsFromZod(result.error.issues, this.path, next, runtimeStateSchema));
        return result.data as RuntimeState;
      },
      (written) => deepFreeze(structuredClone(written)),
    );
  }

  /**
   * One save, after the saves queued before it: `build` makes the new state from what is on disk
   * (reloaded first if someone else changed the file), it is written, and `snapshot` makes what
   * read() hands out from it. A file changed under the write is reloaded and the state built again,
   * three times at most; any other failure leaves the state as it was and is explained.
   */
  private commit(
    build: () => RuntimeState,
    snapshot: (written: RuntimeState) => RuntimeState,
  ): Promise<void> {
    return serialised(this.path, async () => {
      for (let attempt = 0; ; attempt++) {
        const setRight = await this.reloadIfChanged();
        const previous = this.db.data;
        this.db.data = build();
        try {
          await this.db.write();
        } catch (error) {
          this.db.data = previous;
          if (error instanceof FileChangedError && attempt < 3) continue;
          throw explainWriteError(error, dirname(this.path), `the runtime state ${basename(this.path)}`);
        }
        this.snapshot = snapshot(this.db.data);
        // Said once it is so: a save that keeps failing is told by the saves' own failure.
        if (setRight)
          this.notice(
            `${this.path} ${setRight} while mimik ran; written again with the locks and marks mimik holds`,
          );
        return;
      }
    });
  }

  /** Waits for queued saves. */
  async close(): Promise<void> {
    await serialised(this.path, async () => undefined);
    await this.acted.close();
  }

  /**
   * Takes in a change made to the file by someone else before a save. Returns what it set right,
   * when the file was removed or emptied under mimik: the save then writes what mimik holds.
   */
  private async reloadIfChanged(): Promise<string | undefined> {
    if (await this.file.unchanged()) return undefined;
    const found = await this.file.readText();
    if (!found) {
      // Deleted under us: write what we hold again (forgetting locks is the worse outcome).
      const had = this.file.lastHash !== undefined && this.file.lastHash !== NO_FILE;
      this.file.adopt(NO_FILE);
      return had ? "was gone" : undefined;
    }
    if (found.hash === this.file.lastHash) return undefined;
    if (found.text.trim() === "") {
      // Emptied under us (`: > file`, a cleanup tool): mimik never writes it empty, and it holds no
      // lock to respect. Refused as corrupt, every save failed and the next start refused the file,
      // whose only way out (moving it aside) forgot every lock mimik held.
      this.file.adopt(found.hash);
      return `was emptied (${Buffer.byteLength(found.text)} bytes)`;
    }
    // A corrupt foreign write throws StateError here: the save is refused and the file kept.
    const data = decodeState(found.text, this.path);
    // The acted-on file is the one record of those; an old copy in a restored state file is not.
    delete data.actedOn;
    this.db.data = data;
    this.file.adopt(found.hash);
    this.snapshot = deepFreeze(structuredClone(this.db.data));
    return undefined;
  }
}
