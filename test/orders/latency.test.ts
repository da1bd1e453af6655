import { describe, expect, it } from "vitest";
import { LatencyBook, LatencyRing, percentile } from "../../engine/orders/latency.js";

describe("percentile (nearest rank)", () => {
  it.each([
    [[], 50, 0],
    [[7], 50, 7],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 99, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
  ])("%o at p%i → %i", (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

describe("LatencyRing", () => {
  it("summarises what it holds", () => {
    const ring = new LatencyRing(10);
    for (const ms of [5, 1, 3, 2, 4]) ring.add(ms);
    expect(ring.summary()).toEqual({ p50: 3, p99: 5, count: 5 });
  });

  it("keeps only the most recent samples but counts them all", () => {
    const ring = new LatencyRing(4);
    for (let i = 0; i < 100; i += 1) ring.add(1000);
    for (const ms of [1, 2, 3, 4]) ring.add(ms);
    expect(ring.summary()).toEqual({ p50: 2, p99: 4, count: 104 });
  });

  it("ignores non-finite samples and clamps negatives to 0", () => {
    const ring = new LatencyRing(4);
    ring.add(Number.NaN);
    ring.add(-3);
    expect(ring.summary()).toEqual({ p50: 0, p99: 0, count: 1 });
  });

  it("refuses a silly capacity", () => {
    expect(() => new LatencyRing(0)).toThrow(/capacity/);
  });
});

describe("LatencyBook", () => {
  it("keeps the stages apart, every follower's samples in one ring each", () => {
    const book = new LatencyBook(16);
    book.record("written", 1);
    book.record("written", 3);
    book.record("ack", 10);
    expect(book.summary("written")).toEqual({ p50: 1, p99: 3, count: 2 });
    expect(book.summary("ack")).toEqual({ p50: 10, p99: 10, count: 1 });
    expect(book.summary("filled")).toEqual({ p50: 0, p99: 0, count: 0 });
  });
});
