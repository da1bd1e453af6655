import { describe, expect, it } from "vitest";
import { UNPOSTED_WAIT_MS, UnpostedFills } from "../../engine/mirror/unposted.js";

const now = 1_000_000;

describe("UnpostedFills: a mirror's fill holds its exits back only until its position is told", () => {
  it("a fill its position already counted holds nothing; one told before its position waits", () => {
    const u = new UnpostedFills();
    // Tradovate: fill and position in one frame, the order's update after them
    u.fill("F", "ESZ6", 7, 1);
    u.posted("F", "ESZ6");
    u.filled("F", "ESZ6", 7, 1, now);
    expect(u.waitUntil("F", "ESZ6", now)).toBeUndefined();
    // the next piece of the same order told before its position
    u.fill("F", "ESZ6", 7, 1);
    u.filled("F", "ESZ6", 7, 2, now);
    expect(u.waitUntil("F", "ESZ6", now)).toBe(now + UNPOSTED_WAIT_MS);
    u.posted("F", "ESZ6");
    expect(u.waitUntil("F", "ESZ6", now)).toBeUndefined();
  });

  it("a position of another contract counts nothing of this one's fills", () => {
    const u = new UnpostedFills();
    u.fill("F", "ESZ6", 7, 1);
    u.posted("F", "NQZ6");
    u.filled("F", "ESZ6", 7, 1, now);
    expect(u.waitUntil("F", "ESZ6", now)).toBe(now + UNPOSTED_WAIT_MS);
  });

  it("a position costs the fills since the last one, not the follower's whole history", () => {
    const u = new UnpostedFills();
    for (let id = 1; id <= 400; id++) {
      u.fill("F", "ESZ6", id, 1);
      u.posted("F", "ESZ6");
      u.filled("F", "ESZ6", id, 1, now);
    }
    // A position comes with every fill of each of 200 followers: walking their 400 orders there
    // is 80 000 steps per leader fill. Every Map, Set and array step is counted by hand (a spy
    // records its calls in arrays and maps itself).
    const walked = countSteps(() => {
      u.fill("F", "ESZ6", 401, 1);
      u.posted("F", "ESZ6");
      u.filled("F", "ESZ6", 401, 1, now);
    });
    expect(u.waitUntil("F", "ESZ6", now)).toBeUndefined();
    expect(walked).toBeLessThan(10);
  });
});

function countSteps(run: () => void): number {
  const protos = [new Map().values(), new Set().values(), [].values()].map(
    (i) => Object.getPrototypeOf(i) as { next: (...a: unknown[]) => unknown },
  );
  const originals = protos.map((p) => p.next);
  let steps = 0;
  protos.forEach((p, i) => {
    const next = originals[i] as (...a: unknown[]) => unknown;
    p.next = function (this: unknown, ...a: unknown[]) {
      steps++;
      return next.apply(this, a);
    };
  });
  try {
    run();
  } finally {
    protos.forEach((p, i) => {
      p.next = originals[i] as (...a: unknown[]) => unknown;
    });
  }
  return steps;
}
