import { getPriority, setPriority } from "node:os";

/** How far below the engine's thread the main thread runs: nice +10 weighs about a tenth as much. */
export const MAIN_THREAD_NICE_STEP = 10;
const LOWEST = 19;

export interface PriorityCalls {
  platform: NodeJS.Platform;
  get: () => number;
  set: (nice: number) => void;
}

const real: PriorityCalls = {
  platform: process.platform,
  get: () => getPriority(0),
  set: (nice) => setPriority(0, nice),
};

/**
 * Lowers the scheduling priority of the calling thread, the main one (the screen, headless output,
 * the control socket), once the engine's thread runs: when both want the one free core, the copy
 * path gets it and a frame waits. Only on Linux, where a nice value belongs to each thread and
 * setpriority on "the calling process" moves the calling thread alone; elsewhere it is the whole
 * process's, engine included, and nothing is changed. Raising one's own nice value needs no
 * privilege; it is never lowered. Returns the main thread's nice value, or undefined if unchanged.
 */
export function yieldToEngine(calls: PriorityCalls = real): number | undefined {
  if (calls.platform !== "linux") return undefined;
  try {
    const now = calls.get();
    const next = Math.min(LOWEST, now + MAIN_THREAD_NICE_STEP);
    if (next <= now) return undefined;
    calls.set(next);
    return next;
  } catch {
    // A sandbox that refuses it leaves the thread as it was; copying does not depend on it.
    return undefined;
  }
}
