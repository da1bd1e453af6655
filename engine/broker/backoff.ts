/** Reconnect delay: exponential from initialMs, capped at maxMs, with "full jitter" on the upper half. */
export function backoffDelay(
  attempt: number,
  opts: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  // Half fixed, half random: spreads a fleet of clients without ever collapsing to zero.
  return Math.round(exp / 2 + (exp / 2) * random());
}
