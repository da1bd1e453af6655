/** Time as the engine reads it: injected, so tests run it on a fake clock. */

/** Milliseconds on the engine's clock (Date.now() in production, fake in tests). */
export type EpochMs = number;

/** High-resolution monotonic milliseconds (performance.now()), for latency only. */
export type MonoMs = number;

export interface Clock {
  now(): EpochMs;
  mono(): MonoMs;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  mono: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
