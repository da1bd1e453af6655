import { describe, expect, it } from "vitest";
import { sparkline } from "../../src/report/sparkline.js";

describe("sparkline", () => {
  it.each<[string, number[], number, string]>([
    ["nothing to draw", [], 10, ""],
    ["no room", [1, 2, 3], 0, ""],
    ["a flat zero day stays on the floor", [0, 0, 0], 10, "▁▁▁"],
    ["a day that only made money rises from the floor", [0, 50, 100], 10, "▁▅█"],
    ["a day that only lost hangs from the top", [0, -50, -100], 10, "█▅▁"],
    ["up, then given back", [0, 100, 200, 100, -100], 10, "▃▆█▆▁"],
    ["one point above zero", [25], 10, "█"],
    ["more points than room: the last of each stretch", [1, 2, 3, 4, 5, 6, 7, 8], 4, "▃▅▇█"],
    ["a stretch of uneven length", [0, 10, 0, 10, 0], 2, "▁▁"],
  ])("%s", (_what, values, width, expected) => {
    expect(sparkline(values, width)).toBe(expected);
  });

  it("never wider than its room", () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 100);
    for (const width of [1, 7, 12, 80]) expect([...sparkline(values, width)]).toHaveLength(width);
  });
});
