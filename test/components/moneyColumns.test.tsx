import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { FollowersPane } from "../../components/FollowersPane.js";
import { money } from "../../components/text.js";
import { plainTheme } from "../../components/theme.js";
import type { FollowerRowVM } from "../../src/screen/viewModel.js";
import { plainLines } from "./helpers.js";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const row = (account: string, patch: Partial<FollowerRowVM>): FollowerRowVM => ({
  account,
  broker: "Tradovate",
  connection: "connected",
  sizing: "×1",
  enabled: true,
  state: "ACTIVE",
  position: "flat",
  ...patch,
});

/** The followers pane at 80 columns, each follower's row by account: its P&L and two rooms last. */
function rowsAt80(followers: FollowerRowVM[]): Map<string, string[]> {
  const r = render(
    <FollowersPane
      followers={followers}
      groupName="G"
      selected={0}
      focused={false}
      width={80}
      height={9}
      theme={plainTheme}
    />,
  );
  unmount = r.unmount;
  const out = new Map<string, string[]>();
  for (const f of followers) {
    const line = plainLines(r.lastFrame() ?? "").find((l) => l.includes(`● ${f.account}`)) ?? "";
    // day P&L (7), room/d (6), room/t (6), then the sync column (9): what sits before "ok".
    out.set(
      f.account,
      line
        .replace(/\s+ok\s*$/, "")
        .trim()
        .split(/\s+/)
        .slice(-3),
    );
  }
  return out;
}

describe("money in the followers pane at 80 columns", () => {
  it("past ±$999 950 reads compactly, its sign kept, never cut in half", () => {
    const cells = rowsAt80([
      row("UP1", { dayPnl: 999_950, roomDaily: 999_950, roomTrailing: 1_234_567 }),
      row("DOWN1", { dayPnl: -999_950, roomDaily: -123_456, roomTrailing: -999_960 }),
      row("HUGE1", { dayPnl: -2_500_000_000, roomDaily: -456_789_012, roomTrailing: 999_999_999 }),
    ]);
    expect(cells.get("UP1")).toEqual(["+1.0M", "1.0M", "1.2M"]);
    expect(cells.get("DOWN1")).toEqual(["-1.0M", "-123k", "-1.0M"]);
    expect(cells.get("HUGE1")).toEqual(["-2.5B", "-457M", "1.0B"]);
  });

  it("below that, keeps what it showed: dollars to $9 999, then tenths of a thousand", () => {
    const cells = rowsAt80([
      row("SMALL1", { dayPnl: 9_999.4, roomDaily: -9_999.4, roomTrailing: 12_345 }),
      row("MID1", { dayPnl: -123_456, roomDaily: 99_949, roomTrailing: 999_949 }),
    ]);
    expect(cells.get("SMALL1")).toEqual(["+9999", "-9999", "12.3k"]);
    expect(cells.get("MID1")).toEqual(["-123.5k", "99.9k", "999.9k"]);
  });

  it("under half a dollar either way is 0, never -0 or +0", () => {
    expect([money(-0.4, true), money(0.4, true), money(-0.4), money(-0.6, true)]).toEqual([
      "0",
      "0",
      "0",
      "-1",
    ]);
  });

  it("fits any width it is given from 5 columns up, its sign first", () => {
    for (const n of [9_999.6, 99_950, 999_499, 999_500, 999_950, 12_345_678, 999_950_000, 7.5e12]) {
      for (const width of [5, 6, 7]) {
        expect(money(n, true, width).length, `${n} in ${width}`).toBeLessThanOrEqual(width);
        expect(money(-n, false, width).length, `${-n} in ${width}`).toBeLessThanOrEqual(width);
        expect(money(n, true, width)).toMatch(/^\+\d/);
        expect(money(-n, false, width)).toMatch(/^-\d/);
      }
    }
  });
});
