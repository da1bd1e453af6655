/**
 * Wait for the rendered frame to satisfy a predicate instead of sleeping: Ink renders after
 * React commits, and a lone Escape is only reported once Ink's escape-sequence timer runs out.
 */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  predicate: (frame: string) => boolean,
  timeoutMs = 2000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? "";
    if (predicate(frame)) return frame;
    if (Date.now() > deadline)
      throw new Error(`frame never matched within ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Poll any condition with a deadline (e.g. "onSubmit was called"). */
export async function waitFor(condition: () => boolean, timeoutMs = 2000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lines of a frame with ANSI escapes removed. */
export function plainLines(frame: string): string[] {
  return frame.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
}

export const KEYS = {
  up: "\u001b[A",
  down: "\u001b[B",
  right: "\u001b[C",
  left: "\u001b[D",
  tab: "\t",
  shiftTab: "\u001b[Z",
  enter: "\r",
  escape: "\u001b",
  backspace: "\u007f",
  ctrlC: "\u0003",
} as const;
