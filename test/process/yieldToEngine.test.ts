import { describe, expect, it } from "vitest";
import { type PriorityCalls, yieldToEngine } from "../../src/process/yieldToEngine.js";

function calls(platform: NodeJS.Platform, nice: number, refuse = false) {
  const set: number[] = [];
  const c: PriorityCalls = {
    platform,
    get: () => nice,
    set: (n) => {
      if (refuse) throw new Error("EACCES");
      set.push(n);
    },
  };
  return { c, set };
}

describe("yieldToEngine: the main thread steps below the engine's, on Linux only", () => {
  it.each([
    ["Linux, started at 0: nice 10", "linux", 0, 10],
    ["Linux, started at 5 (mimik run under nice): 15", "linux", 5, 15],
    ["Linux, started at 15: as low as it goes, 19", "linux", 15, 19],
    ["Linux, already at 19: unchanged", "linux", 19, undefined],
    ["macOS, where it would lower the engine too: unchanged", "darwin", 0, undefined],
    ["Windows, the same: unchanged", "win32", 0, undefined],
  ] as const)("%s", (_, platform, nice, expected) => {
    const { c, set } = calls(platform, nice);
    expect(yieldToEngine(c)).toBe(expected);
    expect(set).toEqual(expected === undefined ? [] : [expected]);
  });

  it("a refusal leaves the thread as it was and throws nothing", () => {
    expect(yieldToEngine(calls("linux", 0, true).c)).toBeUndefined();
  });
});
