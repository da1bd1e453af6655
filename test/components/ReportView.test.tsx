import { vi } from "vitest";

// chalk decides its colour level when it loads: force it on so the colour test can see colour.
const previous = vi.hoisted(() => {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = "1";
  return before;
});

import { render } from "ink-testing-library";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ReportView } from "../../components/ReportView.js";
import { colorTheme, plainTheme } from "../../components/theme.js";
import { buildReport } from "../../src/report/build.js";
import { reportViewModel } from "../../src/report/viewModel.js";
import { broker, config, journal, range } from "../report/fixture.js";
import { plainLines } from "./helpers.js";

const view = reportViewModel(buildReport({ range, config, journal, broker }));
let unmount: (() => void) | undefined;
afterEach(() => unmount?.());
afterAll(() => {
  if (previous === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previous;
});

function frame(width: number, height: number, theme = plainTheme): string {
  const r = render(
    <ReportView view={view} selected={0} focused width={width} height={height} theme={theme} />,
  );
  unmount = r.unmount;
  return r.lastFrame() ?? "";
}

describe("ReportView", () => {
  it("at 80 columns: each follower's trades, P&L with its sparkline, slippage and copies, in the pane's size", () => {
    const lines = plainLines(frame(80, 8));
    expect(lines).toHaveLength(8);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(lines[0]).toMatch(/^▶ Report 2026-11-27 +P&L from the broker, fees included$/);
    expect(lines[1]).toMatch(/^ follower +trades +net P&L P&L today +slip t copies mirror skips rej$/);
    expect(lines[2]).toMatch(/^›half DEMO2001 +1 +\+222 ▁▁█ +\+1\.0 +2 +0 +1 +0$/);
    expect(lines[3]).toMatch(/^ micro DEMO2002 +0 +-1 █▁ +\+4\.0 +2 +0 +1 +1$/);
    // DEMO2009 left the config, its fills unread: the total's P&L is unknown.
    expect(lines[4]).toMatch(/^ DEMO2009 +— +— +— +0 +0 +1 +0$/);
    expect(lines[5]).toMatch(/^ main: all followers +— +— +\+2\.0 +4 +0 +3 +1$/);
    expect(lines[7]).toBe(" slip t: ticks per contract against the leader's fill (+ is a cost)");
  });

  it("wide terminals get won/lost, latency and locks too", () => {
    const lines = plainLines(frame(120, 8));
    expect(lines[1]).toMatch(/won\/lost .* p99 ms +locks$/);
    expect(lines[3]).toMatch(/0\/0 .* 0\.7 +1$/);
  });

  it("colour is a hint: gains green, losses red, and the words are the same without it", () => {
    const colored = frame(80, 8, colorTheme);
    expect(colored).toMatch(/\u001b\[32m *\+222/);
    expect(colored).toMatch(/\u001b\[31m *-1 /);
    expect(plainLines(colored).slice(1)).toEqual(plainLines(frame(80, 8)).slice(1));
  });
});

describe("ReportView without the broker", () => {
  it("shows dashes for P&L and says why on its last line", () => {
    const offline = reportViewModel(
      buildReport({
        range,
        config,
        journal,
        broker: undefined,
        notes: ["the broker was not read (--offline)"],
      }),
    );
    const r = render(
      <ReportView view={offline} selected={0} focused={false} width={80} height={8} theme={plainTheme} />,
    );
    unmount = r.unmount;
    const lines = plainLines(r.lastFrame() ?? "");
    expect(lines[0]).toMatch(/^ {2}Report 2026-11-27 +journal only: no P&L$/);
    expect(lines[2]).toMatch(/^›half DEMO2001 +— +— +— +2 +0 +1 +0$/); // selected, drawn unfocused
    expect(lines[7]).toBe(" the broker was not read (--offline)");
  });
});
