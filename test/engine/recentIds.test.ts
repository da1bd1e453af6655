import { describe, expect, it } from "vitest";
import { RecentIds } from "../../engine/recentIds.js";

const BASE = 100_000_000_000; // broker ids are above 2^31, as the simulator's and Tradovate's are

describe("RecentIds: the most recent ids, oldest forgotten first", () => {
  it.each([
    ["an id added is held", 3, [1], [1], []],
    ["a repeat is held once", 3, [1, 1, 1], [1], []],
    ["beyond the limit the oldest goes", 3, [1, 2, 3, 4], [2, 3, 4], [1]],
    ["a repeat does not make an id younger", 3, [1, 2, 3, 1, 4], [2, 3, 4], [1]],
    ["a limit of one holds the last", 1, [1, 2, 3], [3], [1, 2]],
    ["negative ids (synthesized fills) are ids too", 2, [-5, 5], [-5, 5], []],
  ] as const)("%s", (_, limit, added, held, gone) => {
    const ids = new RecentIds(limit);
    for (const id of added) ids.add(BASE + id);
    expect(held.map((id) => ids.has(BASE + id))).toEqual(held.map(() => true));
    expect(gone.map((id) => ids.has(BASE + id))).toEqual(gone.map(() => false));
    expect(ids.size).toBe(held.length);
  });

  it("without a limit nothing is forgotten (the ledger's use)", () => {
    const ids = new RecentIds(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 10_000; i++) ids.add(BASE + i * 7);
    expect(ids.size).toBe(10_000);
    expect([0, 1, 9_999].map((i) => ids.has(BASE + i * 7))).toEqual([true, true, true]);
    expect(ids.has(BASE + 1)).toBe(false);
  });

  it("NaN is refused with a clear error, and is never held", () => {
    const ids = new RecentIds(3);
    expect(() => ids.add(Number.NaN)).toThrow(/NaN/);
    expect(ids.has(Number.NaN)).toBe(false);
  });

  it("a limit below one is refused", () => {
    expect(() => new RecentIds(0)).toThrow(/at least 1/);
  });

  it("agrees with a plain Set and list through growth, eviction and colliding ids", () => {
    // Ids 2^32 apart share their low bits; ids 1..n are sequential: both probe the same slots.
    const limit = 500;
    const ids = new RecentIds(limit);
    const held = new Set<number>();
    const order: number[] = [];
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      const id = r % 3 === 0 ? BASE + (r % 700) : r % 3 === 1 ? (r % 900) * 4294967296 + 17 : -(r % 800);
      ids.add(id);
      if (!held.has(id)) {
        held.add(id);
        order.push(id);
        if (order.length > limit) held.delete(order.shift() as number);
      }
      if (i % 97 === 0) {
        for (const probe of [id, BASE + (r % 701), (r % 901) * 4294967296 + 17, -(r % 801)])
          expect(ids.has(probe)).toBe(held.has(probe));
      }
    }
    expect(ids.size).toBe(held.size);
    for (const id of order) expect(ids.has(id)).toBe(true);
  });
});
