import { describe, expect, it } from "vitest";
import { RETRY_MAX_MS, RETRY_MIN_MS, retryDelay } from "../../engine/risk/backoff.js";
import { SaveQueue } from "../../engine/risk/saveQueue.js";

describe("retry backoff (flattens, saves)", () => {
  it("doubles from 1 s and caps at 30 s, never below 1 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(retryDelay)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    for (const bad of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(retryDelay(bad)).toBeGreaterThanOrEqual(RETRY_MIN_MS);
      expect(retryDelay(bad)).toBeLessThanOrEqual(RETRY_MAX_MS);
    }
  });
});

describe("SaveQueue", () => {
  it("runs one write at a time, coalesces a burst and writes the latest value", async () => {
    let value = 0;
    const written: number[] = [];
    let release: (() => void) | undefined;
    const queue = new SaveQueue(async () => {
      const v = value;
      await new Promise<void>((r) => {
        release = r;
      });
      written.push(v);
    });
    value = 1;
    const first = queue.save();
    await Promise.resolve();
    value = 2;
    const second = queue.save();
    value = 3;
    const third = queue.save();
    expect(third).toBe(second);
    await new Promise((r) => setImmediate(r));
    release?.();
    await first;
    await new Promise((r) => setImmediate(r));
    release?.();
    await second;
    expect(written).toEqual([1, 3]);
  });

  it("a failed write rejects its caller but does not block the next one", async () => {
    let fail = true;
    const queue = new SaveQueue(async () => {
      if (fail) throw new Error("disk full");
    });
    await expect(queue.save()).rejects.toThrow("disk full");
    fail = false;
    await expect(queue.save()).resolves.toBeUndefined();
  });
});
