import type { Clock } from "../../engine/types.js";

/**
 * Real time, plus jumps: the engine runs on real timers against the real simulator, and a jump
 * moves its clock on and runs at once the timers it passes (a refused request's retry a minute
 * later), so minutes of refusals take a test a second or two.
 */
export class JumpClock implements Clock {
  private offset = 0;
  private readonly timers = new Set<{ due: number; fn: () => void; real: NodeJS.Timeout }>();
  now = () => Date.now() + this.offset;
  mono = () => performance.now();
  setTimeout = (fn: () => void, ms: number): unknown => {
    const t = { due: this.now() + ms, fn, real: undefined as unknown as NodeJS.Timeout };
    t.real = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  };
  clearTimeout = (handle: unknown): void => {
    clearTimeout((handle as { real?: NodeJS.Timeout } | undefined)?.real);
    this.timers.delete(handle as never);
  };
  jump(ms: number): void {
    this.offset += ms;
    for (const t of [...this.timers].filter((x) => x.due <= this.now())) {
      clearTimeout(t.real);
      this.timers.delete(t);
      t.fn();
    }
  }
}
