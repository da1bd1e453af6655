/**
 * Delay before flatten attempt n+1 after attempt n (n ≥ 1) failed or left the account not flat:
 * 1 s, 2 s, 4 s, … capped at 30 s. Never below 1 s, so a broker that keeps rejecting cannot make
 * us hammer it faster than its rate limiter would tolerate.
 */
export const FLATTEN_RETRY_MIN_MS = 1_000;
export const FLATTEN_RETRY_MAX_MS = 30_000;

export function flattenRetryDelay(attempt: number): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  return Math.min(FLATTEN_RETRY_MAX_MS, FLATTEN_RETRY_MIN_MS * 2 ** Math.min(n - 1, 30));
}
