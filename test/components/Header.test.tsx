import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { groupRows } from "../../components/GroupsPane.js";
import { count, Header, headerLine, span } from "../../components/Header.js";
import { textWidth } from "../../components/text.js";
import { plainTheme } from "../../components/theme.js";
import { countdown, windowText } from "../../src/screen/viewModel.js";
import { screenFixture } from "./fixtures.js";

describe("header budget counts", () => {
  it("shortens large budgets and keeps small ones exact", () => {
    expect([count(80), count(4999), count(99_982), count(999_982), count(1_200_000)]).toEqual([
      "80",
      "4999",
      "99k",
      "999k",
      "1.2M",
    ]);
  });
});

describe("how long the budget lasts", () => {
  it("minutes under an hour, hours and minutes above", () => {
    expect([span(59_999), span(42 * 60_000), span(125 * 60_000)]).toEqual(["0m", "42m", "2h05"]);
  });
});

describe("issue 16: the next trading-window change in the header", () => {
  const header = screenFixture().header;
  const win = "NQ Scalps: openings close 15:00 CT in 1h12m";

  it("fits 80 columns with the badge, and outlasts budget and latency", () => {
    const room = 80 - ` ${header.mode} `.length;
    const line = headerLine({ ...header, window: win }, room);
    expect(textWidth(line)).toBe(room);
    expect(line).toContain(win);
    expect(line).toContain("conn 2/2 up");
    expect(line).toContain("14:03:22 CT");
    // Wide enough, everything is there.
    const wide = headerLine({ ...header, window: win }, 160);
    expect(wide).toContain("mimik │ conn 2/2 up │ NQ Scalps");
    expect(wide).toContain("copy p50");
  });

  it("renders in the header component", () => {
    const { lastFrame } = render(
      <Header header={{ ...header, window: win }} width={80} theme={plainTheme} />,
    );
    expect(lastFrame()).toContain(win);
  });

  it.each([
    [45_000, "45s"],
    [8 * 60_000, "8m"],
    [72 * 60_000, "1h12m"],
    [(51 * 60 + 3) * 60_000, "2d03h"],
    [-5, "0s"],
  ])("countdown(%i) = %s", (ms, text) => {
    expect(countdown(ms)).toBe(text);
  });

  it("shows the group whose window changes soonest, else what holds one", () => {
    const now = 1_000_000;
    const windows = new Map([
      ["ES Swing", { next: { at: now + 3 * 3600_000, text: "openings close 15:00 CT" } }],
      [
        "A group with a very long name",
        { held: "blackout: CPI" as const, next: { at: now + 8 * 60_000, text: "openings open 07:45 CT" } },
      ],
    ]);
    expect(windowText(windows, now)).toBe("A group with a …: openings open 07:45 CT in 8m");
    expect(windowText(new Map([["G", { held: "outside trading hours" as const }]]), now)).toBe(
      "G: outside trading hours",
    );
    expect(windowText(new Map(), now)).toBeUndefined();
  });
});

describe("issue 16: the Groups pane", () => {
  it("says a group whose window holds openings back copies exits only", () => {
    const [on, off, held] = groupRows([
      { name: "A", leader: "L1", active: true, followerCount: 1 },
      { name: "B", leader: "L2", active: false, followerCount: 1, windowHeld: "blackout: CPI" },
      { name: "C", leader: "L3", active: true, followerCount: 1, windowHeld: "blackout: CPI" },
    ]);
    expect([on?.cells.active, off?.cells.active, held?.cells.active]).toEqual([
      { text: "▶ on", tone: "ok" },
      { text: "‖ off", tone: "warn" },
      { text: "◷ exit", tone: "warn" },
    ]);
  });
});
