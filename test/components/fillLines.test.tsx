import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { FillsPane, fillLines } from "../../components/FillsPane.js";
import { plainTheme } from "../../components/theme.js";
import type { FillResultVM, FillRowVM, Lines } from "../../src/screen/viewModel.js";
import { plainLines } from "./helpers.js";

function fill(id: number, results: Lines<FillResultVM>): FillRowVM {
  return {
    id: `G:${id}`,
    time: "09:30:00",
    leader: "LEAD",
    contract: "ESZ6",
    side: "Buy",
    qty: 1,
    price: 6800,
    results,
  };
}
const result = (follower: string): FillResultVM => ({ follower, outcome: "filled", reason: "filled" });

/** `count` results made only when read, counting the reads. */
function counted(count: number, reads: { n: number }): Lines<FillResultVM> {
  return {
    length: count,
    at: (i) => {
      if (i < 0 || i >= count) return undefined;
      reads.n += 1;
      return result(`F${i}`);
    },
  };
}

describe("the fills pane's lines", () => {
  const fills = [
    fill(1, [result("A"), result("B")]),
    fill(2, []),
    fill(3, [result("C"), result("D"), result("E")]),
  ];
  const { rows, firstLineOf } = fillLines(fills);

  it("is a line per leader fill, then one per result under it", () => {
    expect(rows.length).toBe(8);
    expect(firstLineOf).toEqual([0, 3, 4]);
  });

  it.each([
    [0, "G:1", undefined],
    [1, "G:1/0/A", "├ A"],
    [2, "G:1/1/B", "└ B"],
    [3, "G:2", undefined],
    [4, "G:3", undefined],
    [5, "G:3/0/C", "├ C"],
    [7, "G:3/2/E", "└ E"],
  ])("line %i is %s", (line, key, who) => {
    const row = rows.at(line);
    expect(row?.key).toBe(key);
    if (who !== undefined) expect(row?.cells.who).toBe(who);
  });

  it.each([-1, 8, 100])("line %i is none", (line) => {
    expect(rows.at(line)).toBeUndefined();
  });

  it("a frame reads only the results it shows, even 50 fills of 200 followers, and draws what arrays draw", () => {
    const reads = { n: 0 };
    const lazy = Array.from({ length: 50 }, (_, i) => fill(i + 1, counted(200, reads)));
    const eager = Array.from({ length: 50 }, (_, i) =>
      fill(
        i + 1,
        Array.from({ length: 200 }, (_, j) => result(`F${j}`)),
      ),
    );
    const frame = (fills: FillRowVM[]) => {
      const r = render(
        <FillsPane fills={fills} selected={30} focused width={80} height={12} theme={plainTheme} />,
      );
      const text = r.lastFrame() ?? "";
      r.unmount();
      return text;
    };
    const drawn = frame(lazy);
    expect(drawn).toBe(frame(eager));
    // The selected fill heads the rows (title and header above), its results under it.
    expect(plainLines(drawn)[2]).toMatch(/›09:30:00 LEAD\s+BUY 1/);
    expect(plainLines(drawn)[3]).toMatch(/├ F0\s/);
    expect(reads.n).toBeGreaterThan(0);
    expect(reads.n).toBeLessThan(50);
  });
});
