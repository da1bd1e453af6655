/**
 * How soon an account is read again after a lost order answer (accountReread.ts, for both brokers):
 * `delayMs` later, or longer while reads follow one another. Each snapshot met by another lost
 * answer (a broker failing every order: each snapshot has the copier send its exit again, lost
 * again), or each read thrown away as the account kept sending, doubles the wait up to
 * REREAD_MAX_MS: read every second, the reads and the exits they let go spent the login's
 * budget, exit reserve included (they go as exits), and nothing, a flatten neither, could go
 * when the broker came back.
 */

/**
 * The longest wait between reads that follow one another: within the copier's 30 s wait for a
 * snapshot after a lost answer (EXIT_BACKOFF.maxMs), so a read still settles the exit.
 */
export const REREAD_MAX_MS = 15_000;
/** A read this long after the last one is a new story: it goes after `delayMs` again. */
const QUIET_MS = 60_000;

export class ReadPace {
  private streak = 0;
  private lastAt: number | undefined;

  constructor(private readonly delayMs: number) {}

  /** The wait before the next read, asked at `now`: 1, 2, 4, 8, 15 s for reads one after another. */
  next(now: number): number {
    if (this.lastAt === undefined || now - this.lastAt >= QUIET_MS) this.streak = 0;
    return Math.min(REREAD_MAX_MS, this.delayMs * 2 ** Math.min(this.streak, 16));
  }

  /** A read ended at `now` (applied, thrown away or failed). */
  took(now: number): void {
    this.streak += 1;
    this.lastAt = now;
  }
}
