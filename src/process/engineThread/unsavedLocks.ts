import type { JournalEntry } from "../../../data/journal/index.js";
import type { RuntimeStateRepository } from "../../../data/state.js";
import { UserError } from "../../../data/userError.js";
import { type FollowerRiskRecord, type LockKind, SKIP_REASONS } from "../../../engine/index.js";

/** Each kind of mimik's locks as the trader knows it, and what lifts it. */
const KINDS: Readonly<Record<LockKind, string>> = {
  daily: "a daily loss lock, which the 17:00 CT roll clears",
  giveback: "a daily give-back lock, which the 17:00 CT roll clears",
  profit: "a daily profit target lock, which the 17:00 CT roll clears",
  trades: "a max trades lock, which the 17:00 CT roll clears",
  weekly: "a weekly loss lock, which the Sunday 17:00 CT roll clears",
  trailing: "a trailing drawdown lock, which stays until you unlock it",
  window: "a trading window's lock, which lifts when its window opens again",
  broker: "a broker's lock",
  manual: "a lock by hand, which stays until you unlock it",
};

const isLockKind = (value: unknown): value is LockKind =>
  typeof value === "string" && Object.hasOwn(KINDS, value);

/**
 * Locks the last run held in memory only: their save to the state file kept failing (a folder or
 * a directory in the file's place, a full disk) until mimik stopped, so the file still has the
 * follower as it was before. The journal has the lock, written as `followerState` with `unsaved`
 * and the lock's kind and time, and no later line saying it reached the disk. Starting from the
 * file alone would copy to a follower the trader saw locked; it is locked again instead, as the
 * kind of lock it was (a daily lock a roll since has cleared is then cleared as the roll would),
 * and said. A line written before the kind was kept comes back as a lock by hand, the one that
 * never lifts by itself. Returns one note each.
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
    const kind = isLockKind(entry.lockKind) ? entry.lockKind : undefined;
    const at =
      typeof entry.lockedAt === "number" && Number.isFinite(entry.lockedAt)
        ? entry.lockedAt
        : Date.parse(entry.at);
    const restored: FollowerRiskRecord = {
      ...record,
      state: entry.state,
      lockKind: kind ?? "manual",
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
    const again =
      kind === undefined
        ? `locked again, by hand (the journal line does not say what kind of lock it was: written by an older mimik): ` +
          "unlock it (u, or mimik unlock) once you are sure"
        : `locked again as it was: ${KINDS[kind]}`;
    notes.push(
      `${follower} was locked (${reason}) when mimik last stopped, but the lock never reached the state file ` +
        `(its save kept failing); the journal has it, so ${follower} is ${again}`,
    );
  }
  return notes;
}
