/**
 * Delay before attempt n+1 of something that must happen in the end (a flatten, a save of the
 * risk state) after attempt n (n ≥ 1) failed: 1 s, 2 s, 4 s, … capped at 30 s. Never below 1 s,
 * so a broker that keeps rejecting or a disk that stays full is not hammered.
 */
export const RETRY_MIN_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

export function retryDelay(attempt: number): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(n - 1, 30));
}
