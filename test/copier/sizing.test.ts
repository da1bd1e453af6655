import { describe, expect, it } from "vitest";
import type { Sizing } from "../../data/schema.js";
import {
  agreesWithRule,
  capOpening,
  exitsOnly,
  expectedPosition,
  multiplierDelta,
  openingSize,
  positionAfterReduce,
  reducedPosition,
  roundDiv,
  target,
} from "../../engine/copier/sizing.js";

describe("roundDiv rounds half away from zero", () => {
  it.each([
    [5, 2, 3],
    [-5, 2, -3],
    [3, 2, 2],
    [1, 2, 1],
    [-1, 2, -1],
    [1, 3, 0],
    [2, 3, 1],
    [0, 7, 0],
    [2500, 1000, 3],
    [2499, 1000, 2],
    [-2500, 1000, -3],
  ])("%i / %i → %i", (num, den, expected) => {
    expect(roundDiv(num, den)).toBe(expected);
  });

  it("refuses a non-positive divisor or fractions", () => {
    expect(() => roundDiv(1, 0)).toThrow(/positive divisor/);
    expect(() => roundDiv(1.5, 2)).toThrow(/integers/);
  });
});

describe("target T(x) = sign(x)·max(1, round(|x|·m))", () => {
  it.each([
    // [x, m thousandths, T]
    [0, 500, 0],
    [1, 500, 1], // 0.5 rounds half away → 1
    [3, 500, 2], // 1.5 → 2
    [-3, 500, -2],
    [5, 500, 3], // 2.5 → 3
    [1, 100, 1], // floor of 1
    [10, 100, 1],
    [15, 100, 2], // 1.5 → 2
    [-1, 100, -1],
    [50, 1100, 55], // exactly 55, not 55.00000000000001
    [3, 333, 1],
    [2, 1250, 3], // 2.5 → 3
    [-2, 1250, -3],
    [7, 1000, 7],
    [4, 2000, 8],
  ])("T(%i) at m=%i/1000 is %i", (x, m, expected) => {
    expect(target(x, m)).toBe(expected);
  });

  it("50 × 1.1 is 55 exactly where floating point is not", () => {
    expect(50 * 1.1).not.toBe(55);
    expect(target(50, 1100)).toBe(55);
    expect(multiplierDelta(0, 50, 1100)).toBe(55);
  });
});

describe("multiplier steps never drift from the rule", () => {
  it("m=0.5, leader buys 5 in fills 1+3+1 → follower +1, +1, +1 = 3", () => {
    const steps = [
      [0, 1],
      [1, 4],
      [4, 5],
    ].map(([b, a]) => multiplierDelta(b!, a!, 500));
    expect(steps).toEqual([1, 1, 1]);
    expect(steps.reduce((s, x) => s + x, 0)).toBe(target(5, 500));
  });

  it("m=0.1, leader scales in 1 lot ten times → follower 1", () => {
    const steps = Array.from({ length: 10 }, (_, i) => multiplierDelta(i, i + 1, 100));
    expect(steps).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("shorts mirror longs", () => {
    expect(multiplierDelta(0, -1, 500)).toBe(-1);
    expect(multiplierDelta(-1, -4, 500)).toBe(-1);
    expect(multiplierDelta(-4, -5, 500)).toBe(-1);
  });

  it("any partition of an opening sums to T(total)", () => {
    const fills = [2, 1, 4, 3, 1, 1, 7];
    for (const m of [100, 250, 333, 500, 1000, 1100, 1250, 3000]) {
      let l = 0;
      let f = 0;
      for (const q of fills) {
        f += multiplierDelta(l, l + q, m);
        l += q;
      }
      expect(f).toBe(target(l, m));
    }
  });
});

describe("reducedPosition keeps the same fraction, never flips or over-closes", () => {
  it.each([
    // [F, L_before, L_after, F_new]
    [3, 4, 2, 2], // design example: 1.5 rounds up
    [-3, -4, -2, -2],
    [2, 4, 1, 1], // 0.5 → 1
    [1, 4, 1, 0], // 0.25 → 0
    [5, 10, 9, 5], // 4.5 → 5
    [4, 4, 3, 3],
    [0, 4, 2, 0],
    [2, 2, 1, 1],
    [-7, 10, 5, -4], // follower opposite side (manual): its own fraction, its own side
  ])("F=%i, L %i→%i → F %i", (f, b, a, expected) => {
    expect(reducedPosition(f, b, a)).toBe(expected);
  });

  it("stays within [0, |F|] on F's side for many cases", () => {
    const bad: string[] = [];
    for (let f = -12; f <= 12; f += 1)
      for (let b = 1; b <= 12; b += 1)
        for (let a = 1; a < b; a += 1) {
          const n = reducedPosition(f, b, a);
          const ok = Math.abs(n) <= Math.abs(f) && (n === 0 || Math.sign(n) === Math.sign(f));
          if (!ok) bad.push(`F=${f} L ${b}→${a} gave ${n}`);
        }
    expect(bad).toEqual([]);
  });
});

describe("positionAfterReduce: a follower on its multiplier rule stays on it, any other keeps its fraction", () => {
  const m = (value: number): Sizing => ({ mode: "multiplier", value });
  const rows: Array<[Sizing, number, number, number, number, string]> = [
    // [sizing, F, L_before, L_after, F_new, why]
    [m(1.25), -3, -2, -1, -1, "on rule: T(-2) = -3 → T(-1) = -1 (its own -1.5 would round to -2)"],
    [m(1.25), 3, 2, 1, 1, "the same, long"],
    [m(0.25), 2, 6, 3, 1, "on rule: T(6) = 2 → T(3) = 1"],
    [m(0.1), 1, 10, 4, 1, "on rule: T(4) = 1 while the leader holds any (its own 0.4 would round to 0)"],
    [m(0.75), 3, 4, 2, 2, "design example, on rule: T(4) = 3 → T(2) = 2"],
    [m(1), 3, 4, 2, 2, "design example, off rule (T(4) = 4): its own fraction, 1.5 rounds to 2"],
    [m(1.25), -4, -2, -1, -2, "off rule (a manual extra): its own fraction"],
    [m(2), 3, 4, 2, 2, "held below its rule by max contracts (T(4) = 8), no cap given: its own fraction"],
    [{ mode: "fixed", contracts: 1 }, 3, 4, 2, 2, "fixed sizing: its own fraction"],
    [m(1.25), 0, -2, -1, 0, "flat stays flat"],
  ];
  it.each(rows)("%o F=%i, L %i→%i → F %i: %s", (sizing, f, b, a, expected) => {
    expect(positionAfterReduce(sizing, f, b, a)).toBe(expected);
  });
});

describe("positionAfterReduce with a cap: a follower on its capped rule stays on it", () => {
  const m = (value: number): Sizing => ({ mode: "multiplier", value });
  const rows: Array<[Sizing, number, number, number, number, number, string]> = [
    // [sizing, cap, F, L_before, L_after, F_new, why]
    [m(2), 3, 3, 3, 2, 3, "min(T(2) = 4, 3): still capped, nothing sold (its own fraction was 2)"],
    [m(2), 3, 3, 4, 2, 3, "min(T(2) = 4, 3): the leader halves, the rule still gives more than the cap"],
    [m(2), 3, 3, 3, 1, 2, "min(T(1) = 2, 3): below the cap now, the rule's 2"],
    [m(2), 3, -3, -4, -1, -2, "short alike"],
    [m(2), 3, 2, 3, 2, 1, "below its capped rule (a missed copy): its own fraction, 1.33 → 1"],
    [m(0.5), 3, 2, 4, 2, 1, "under the cap, on its rule: T(2) = 1 as without a cap"],
    [{ mode: "fixed", contracts: 3 }, 3, 3, 4, 2, 2, "fixed sizing: its own fraction, the cap aside"],
  ];
  it.each(rows)("%o cap %i F=%i, L %i→%i → F %i: %s", (sizing, cap, f, b, a, expected) => {
    expect(positionAfterReduce(sizing, f, b, a, cap)).toBe(expected);
  });

  it("never adds, never flips, and ends on min(rule, cap) from anywhere on it", () => {
    const bad: string[] = [];
    for (const value of [0.5, 1, 1.5, 2, 3])
      for (const cap of [1, 2, 3, 5])
        for (let b = 1; b <= 8; b++)
          for (let a = 1; a < b; a++) {
            const sizing = m(value);
            const f = expectedPosition(sizing, b, cap);
            const n = positionAfterReduce(sizing, f, b, a, cap);
            if (n > f || n < 1 || n !== expectedPosition(sizing, a, cap))
              bad.push(`m=${value} cap ${cap} F=${f} L ${b}→${a} gave ${n}`);
          }
    expect(bad).toEqual([]);
  });
});

describe("openingSize", () => {
  it("fixed: N on the first opening fill of an order, nothing on its later fills", () => {
    const fixed = { mode: "fixed", contracts: 2 } as const;
    expect(openingSize(fixed, 0, 1, true)).toBe(2);
    expect(openingSize(fixed, 1, 3, false)).toBe(0);
    expect(openingSize(fixed, 0, -1, true)).toBe(-2);
  });

  it("multiplier uses exact thousandths", () => {
    expect(openingSize({ mode: "multiplier", value: 1.1 }, 0, 50, true)).toBe(55);
    expect(openingSize({ mode: "multiplier", value: 0.5 }, 1, 4, false)).toBe(1);
  });
});

describe("capOpening caps |F| after an opening", () => {
  it.each([
    // [F, delta, cap, allowed]
    [2, 2, 3, 1], // design example: cap 3, follower 2, leader adds → +1
    [3, 1, 3, 0],
    [0, 5, 3, 3],
    [-2, -2, 3, -1],
    [-1, 5, 3, 4], // from -1: up to +3
    [5, 1, 3, 0], // already above the cap (manual trades): nothing more
    [2, 2, undefined, 2],
  ])("F=%i, delta %i, cap %s → %i", (f, d, cap, expected) => {
    expect(capOpening(f, d, cap)).toBe(expected);
  });
});

describe("expectedPosition (what OUT OF SYNC compares with)", () => {
  it.each([
    [{ mode: "multiplier", value: 0.5 } as const, 5, undefined, 3],
    [{ mode: "multiplier", value: 0.5 } as const, -5, 2, -2],
    [{ mode: "fixed", contracts: 2 } as const, -4, undefined, -2],
    [{ mode: "fixed", contracts: 2 } as const, 0, undefined, 0],
    [{ mode: "multiplier", value: 0.1 } as const, 3, undefined, 1],
  ])("%o with leader %i, cap %s → %i", (sizing, leader, cap, expected) => {
    expect(expectedPosition(sizing, leader, cap)).toBe(expected);
  });
});

describe("agreesWithRule: in sync, or OUT OF SYNC", () => {
  const half = { mode: "multiplier", value: 0.5 } as const;
  const two = { mode: "fixed", contracts: 2 } as const;
  it.each([
    ["multiplier: exactly what the rule gives", half, 3, 3, true],
    ["multiplier: one more is out of sync", half, 4, 3, false],
    ["multiplier: flat with the leader flat", half, 0, 0, true],
    ["fixed: N from one leader order", two, 2, 2, true],
    ["fixed: 2N from two leader orders", two, 4, 2, true],
    ["fixed: what a reduce left", two, 1, 2, true],
    ["fixed: flat with the leader long", two, 0, 2, false],
    ["fixed: on the other side", two, -2, 2, false],
    ["fixed: holding with the leader flat", two, 2, 0, false],
    ["fixed: flat with the leader flat", two, 0, 0, true],
  ] as const)("%s", (_, sizing, has, expects, agrees) => {
    expect(agreesWithRule(sizing, has, expects)).toBe(agrees);
  });
});

describe("exitsOnly: what a follower that takes no openings is still expected to hold", () => {
  it.each([
    [0, 2, 0],
    [1, 3, 1],
    [3, 1, 1],
    [2, 0, 0],
    [2, -2, 0],
    [-3, -1, -1],
    [-1, -3, -1],
    [0, 0, 0],
  ])("has %i, rule %i → %i", (has, rule, expected) => {
    expect(exitsOnly(has, rule)).toBe(expected);
  });
});
