import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layout, MIN_COLUMNS, MIN_ROWS, type ScreenLayout } from "../../src/screen/layout.js";

function fits(l: ScreenLayout): void {
  expect(l.rootHeight).toBe(l.rows - 1);
  expect(l.header.height + l.body.height + l.hint.height).toBe(l.rootHeight);
  expect(l.groups.height + l.followers.height + l.fills.height).toBe(l.body.height);
  expect(l.groups.height).toBe(l.alerts.height);
  expect(l.groups.width + l.gap + l.alerts.width).toBe(l.columns);
  for (const pane of [l.groups, l.alerts, l.followers, l.fills]) {
    expect(pane.height).toBeGreaterThanOrEqual(5);
    expect(pane.width).toBeGreaterThan(20);
    expect(pane.width).toBeLessThanOrEqual(l.columns);
  }
}

describe("layout", () => {
  it("fits 80×24 with a root one line shorter than the terminal", () => {
    const l = layout(80, 24);
    if (l.tooSmall) throw new Error("80×24 must fit");
    fits(l);
    expect(l.rootHeight).toBe(23);
    expect(l.followers.height - 2).toBeGreaterThanOrEqual(5);
  });

  it("asks for a bigger terminal below 80×24", () => {
    for (const [c, r] of [
      [79, 24],
      [80, 23],
      [40, 10],
      [0, 0],
    ] as const) {
      const l = layout(c, r);
      expect(l.tooSmall).toBe(true);
      if (l.tooSmall) {
        expect(l.message).toContain(`${MIN_COLUMNS}×${MIN_ROWS}`);
        expect(l.message).toContain(`${c}×${r}`);
      }
    }
  });

  it("treats missing sizes as too small instead of crashing", () => {
    expect(layout(Number.NaN, Number.POSITIVE_INFINITY).tooSmall).toBe(true);
  });

  it("fits every size from the minimum up", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_COLUMNS, max: 400 }),
        fc.integer({ min: MIN_ROWS, max: 150 }),
        (c, r) => {
          const l = layout(c, r);
          if (l.tooSmall) throw new Error(`${c}×${r} must fit`);
          fits(l);
        },
      ),
    );
  });

  it("gives extra rows to the panes", () => {
    const small = layout(80, 24);
    const big = layout(200, 60);
    if (small.tooSmall || big.tooSmall) throw new Error("must fit");
    expect(big.fills.height).toBeGreaterThan(small.fills.height);
    expect(big.followers.height).toBeGreaterThan(small.followers.height);
  });
});

describe("layout with a bottom bar of more lines (a long question or message)", () => {
  it("takes them from the Live fills alone, up to three, and still fits", () => {
    const one = layout(80, 24);
    if (one.tooSmall) throw new Error("80×24 must fit");
    for (const n of [2, 3, 9]) {
      const l = layout(80, 24, n);
      if (l.tooSmall) throw new Error("80×24 must fit");
      fits(l);
      expect(l.hint.height).toBe(Math.min(n, 3));
      expect(l.groups).toEqual(one.groups);
      expect(l.followers).toEqual(one.followers);
      expect(l.fills.height).toBe(one.fills.height - l.hint.height + 1);
    }
  });
});
