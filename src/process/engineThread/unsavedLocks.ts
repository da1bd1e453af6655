import type { JournalEntry } from "../../../data/journal/index.js";
import type { RuntimeStateRepository } from "../../../data/state.js";
import { UserError } from "../../../data/userError.js";
import { type FollowerRiskRecord, SKIP_REASONS } from "../../../engine/index.js";

/**
 * Locks the last run held in memory only: their save to the state file kept failing (a folder or
 * a directory in the file's place, a full disk) until mimik stopped, so the file still has the
 * follower as it was before. The journal has the lock, written as `followerState` with `unsaved`,
 * and no later line saying it reached the disk. Starting from the file alone would copy to a
 * follower the trader saw locked; it is locked again instead, and said. Returns one note each.
 *
 * The journal does not carry the lock's kind, so it comes back as a lock by hand: a daily lock
 * restored as one could be lifted by a 17:00 roll the last run never saw it through.
 */
export async function restoreUnsavedLocks(
  state: RuntimeStateRepository,
  lastStates: ReadonlyMap<string, JournalEntry>,
): Promise<string[]> {
  const notes: string[] = [];
  const onDisk = state.read().followers;
  for (const [follower, entry] of lastStates) {
    if (entry.unsaved !== true || (entry.state !== "LOCKED" && entry.state !== "LIQUIDATE_ONLY")) continue;
    // The broker's own lock shows as LOCKED over an ACTIVE record: no lock of mimik's to bring back.
    if (entry.reason === SKIP_REASONS.brokerLocked) continue;
    const record = onDisk[follower];
    if (record?.state === "LOCKED" || record?.state === "LIQUIDATE_ONLY") continue;
    const reason = typeof entry.reason === "string" ? entry.reason : "locked";
    const at = Date.parse(entry.at);
    const restored: FollowerRiskRecord = {
      ...record,
      state: entry.state,
      lockKind: "manual",
      lockReason: reason,
      ...(Number.isFinite(at) ? { lockedAt: at } : {}),
    };
    try {
      await state.saveFollower(follower, restored);
    } catch (error) {
      throw new UserError(
        `${follower} was locked (${reason}) when mimik last stopped, but the lock never reached ${state.path}, ` +
          `and it cannot be written now either (${error instanceof Error ? error.message : String(error)}); ` +
          "mimik does not start without it. Fix the state file's folder, then start again",
      );
    }
    notes.push(
      `${follower} was locked (${reason}) when mimik last stopped, but the lock never reached the state file ` +
        `(its save kept failing); the journal has it, so ${follower} is locked again, by hand: ` +
        "unlock it (u, or mimik unlock) once you are sure",
    );
  }
  return notes;
}
