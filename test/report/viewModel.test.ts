import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/build.js";
import { reportViewModel } from "../../src/report/viewModel.js";
import { broker, config, journal, range } from "./fixture.js";

describe("the report view's model", () => {
  it("one row per follower, then the group's total; the P&L curve starts at 0", () => {
    const view = reportViewModel(buildReport({ range, config, journal, broker }));
    expect(view.title).toBe("Report 2026-11-27");
    expect(view.source).toBe("P&L from the broker, fees included");
    expect(
      view.rows.map((r) => [
        r.name,
        r.total,
        r.trades,
        r.netPnl,
        r.slipTicks,
        r.copies,
        r.skipped,
        r.rejected,
        r.locks,
        r.curve,
      ]),
    ).toEqual([
      ["half DEMO2001", false, 1, 222.42, 1, 2, 1, 0, 0, [0, -1.29, 222.42]],
      ["micro DEMO2002", false, 0, -0.5, 4, 2, 1, 1, 1, [0, -0.5]],
      ["DEMO2009", false, undefined, undefined, undefined, 0, 1, 0, 0, []],
      ["main: all followers", true, undefined, undefined, 2, 4, 3, 1, 1, []],
    ]);
  });

  it("without the broker: no P&L, no curve, and the reason in the notes", () => {
    const view = reportViewModel(
      buildReport({
        range,
        config,
        journal,
        broker: undefined,
        notes: ["the broker was not read (--offline)"],
      }),
    );
    expect(view.source).toBe("journal only: no P&L");
    expect(view.rows[0]).toMatchObject({ netPnl: undefined, trades: undefined, curve: [], copies: 2 });
    expect(view.notes).toEqual(["the broker was not read (--offline)"]);
  });

  it("a range says so in its title", () => {
    const report = buildReport({ range: { ...range, from: "2026-11-23" }, config, journal, broker });
    expect(reportViewModel(report).title).toBe("Report 2026-11-23 → 2026-11-27");
  });
});
