import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { AlertsPane } from "../../components/AlertsPane.js";
import { FillsPane } from "../../components/FillsPane.js";
import { FollowersPane } from "../../components/FollowersPane.js";
import { withScrollMarks } from "../../components/Table.js";
import { windowStart } from "../../components/text.js";
import { plainTheme } from "../../components/theme.js";
import type { FillRowVM, FollowerRowVM } from "../../src/screen/viewModel.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

// Seen at 80×24 in the demo: moving the cursor down the Live fills put the selected fill on the
// pane's last line with every follower's result under it out of view, and a follower at the
// bottom of its pane showed one of its working orders of several.

const vm = screenFixture();
let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function linesOf(node: React.ReactElement): string[] {
  const r = render(node);
  unmount = r.unmount;
  return plainLines(r.lastFrame() ?? "");
}

describe("windowStart keeps the selected row's block in view", () => {
  it("scrolls so the lines through `through` show under the selected row", () => {
    // 20 lines, 5 shown, row 10 selected owning lines 11-12: window 8..12.
    expect(windowStart(20, 10, 5, 12)).toBe(8);
  });

  it("never scrolls the selected row itself out, even when its block is taller than the window", () => {
    expect(windowStart(20, 10, 3, 15)).toBe(10);
  });

  it("without a block, keeps the selected row on the last line as before", () => {
    expect(windowStart(20, 10, 5)).toBe(6);
    expect(windowStart(20, 19, 5, 25)).toBe(15);
  });
});

describe("the selected fill shows its results", () => {
  const fills: FillRowVM[] = Array.from({ length: 6 }, (_, i) => ({
    id: `f${i}`,
    time: `14:00:0${i}`,
    leader: "LEAD1",
    contract: "NQZ6",
    side: "Buy",
    qty: 1,
    price: 21000 + i,
    results: ["FOLL1", "FOLL2", "FOLL3"].map((follower) => ({
      follower,
      outcome: "filled" as const,
      reason: `copy of ${i}`,
    })),
  }));

  it("the fill lower down the pane comes with every follower's outcome, not alone on the last line", () => {
    const lines = linesOf(
      <FillsPane fills={fills} selected={3} focused width={80} height={9} theme={plainTheme} />,
    );
    const at = lines.findIndex((l) => l.startsWith("›14:00:03"));
    expect(at).toBeGreaterThan(1);
    expect(lines.slice(at + 1, at + 4).map((l) => l.trim())).toEqual([
      expect.stringMatching(/^├ FOLL1\s+✓ filled\s+copy of 3$/),
      expect.stringMatching(/^├ FOLL2\s+✓ filled\s+copy of 3$/),
      expect.stringMatching(/^└ FOLL3\s+✓ filled\s+copy of 3$/),
    ]);
  });
});

describe("the selected follower shows its working orders", () => {
  it("a follower at the bottom of its pane comes with all its orders", () => {
    const base = vm.followers[0] as FollowerRowVM;
    const followers: FollowerRowVM[] = Array.from({ length: 4 }, (_, i) => ({
      ...base,
      account: `ACC${i}`,
      label: undefined,
      orders: [
        {
          side: "Buy",
          qty: 1,
          contract: "ESZ6",
          orderType: "Stop",
          price: "6804.25",
          status: "Working",
          leaderOrderId: 106,
        },
        {
          side: "Buy",
          qty: 1,
          contract: "ESZ6",
          orderType: "Limit",
          price: "6794.25",
          status: "Working",
          leaderOrderId: 107,
        },
      ],
    }));
    const lines = linesOf(
      <FollowersPane followers={followers} selected={3} focused width={80} height={7} theme={plainTheme} />,
    );
    const text = lines.join("\n");
    expect(text).toContain("›● ACC3");
    expect(text).toContain("├ BUY 1 ESZ6 Stop 6804.25 ← leader order 106");
    expect(text).toContain("└ BUY 1 ESZ6 Limit 6794.25 ← leader order 107");
  });
});

describe("the selected follower's orders with the pane not focused", () => {
  it("do not scroll the other followers out of view (the trader is looking elsewhere)", () => {
    const base = vm.followers[0] as FollowerRowVM;
    const followers: FollowerRowVM[] = Array.from({ length: 3 }, (_, i) => ({
      ...base,
      account: `ACC${i}`,
      label: undefined,
      notMirrored: i === 1 ? [1, 2, 3, 4].map((n) => ({ leaderOrderId: n, reason: "locked" })) : undefined,
      orders: undefined,
    }));
    const unfocused = linesOf(
      <FollowersPane
        followers={followers}
        selected={1}
        focused={false}
        width={80}
        height={7}
        theme={plainTheme}
      />,
    ).join("\n");
    expect(unfocused).toContain("● ACC0");
    expect(unfocused).toContain("›● ACC1");
    const focused = linesOf(
      <FollowersPane followers={followers} selected={1} focused width={80} height={7} theme={plainTheme} />,
    ).join("\n");
    expect(focused).toContain("└ ✗ leader order 4 not mirrored: locked");
  });
});

describe("the scroll marks say every row out of view", () => {
  it("at 80 columns, a follower above the selected one's orders and one below are both said", () => {
    const base = vm.followers[0] as FollowerRowVM;
    const followers: FollowerRowVM[] = Array.from({ length: 4 }, (_, i) => ({
      ...base,
      account: `ACC${i}`,
      label: undefined,
      orders:
        i === 1
          ? Array.from({ length: 4 }, (_, j) => ({
              side: "Sell" as const,
              qty: 1,
              contract: "ESZ6",
              orderType: "Limit",
              price: `${6800 + j}`,
              status: "Working",
              leaderOrderId: 200 + j,
            }))
          : undefined,
    }));
    const lines = linesOf(
      <FollowersPane followers={followers} selected={1} focused width={80} height={7} theme={plainTheme} />,
    );
    const text = lines.join("\n");
    expect(text).not.toContain("ACC0");
    expect(lines[1]).toMatch(/ sync ↑1 ?↓2$/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it("go in the widest gap between titles rather than over one", () => {
    // The Live fills' header at 80 columns: "la… ↓13" before.
    expect(withScrollMarks(" time  detail           latency", "↓13", 31)).toBe(
      " time  detail ↓13       latency",
    );
    expect(withScrollMarks(" time  detail       latency", "↑2 ↓13", 27)).toBe(" time  detail ↑2↓13 latency");
  });

  it("stay beside the titles, apart, where they fit", () => {
    expect(withScrollMarks(" time  who", "↑2 ↓3", 20)).toBe(" time  who     ↑2 ↓3");
    expect(withScrollMarks(" time  who", "", 20)).toBe(" time  who");
  });
});

describe("a position too long for its column", () => {
  it("is said in full in the title for the selected follower (80 columns)", () => {
    // Seen in the demo: "NQZ6 -1, …" in the column, the follower's ESZ6 position nowhere.
    const base = vm.followers[0] as FollowerRowVM;
    const followers: FollowerRowVM[] = [{ ...base, position: "NQZ6 -1, ESZ6 +1", orders: undefined }];
    const lines = linesOf(
      <FollowersPane
        followers={followers}
        groupName="Index"
        selected={0}
        focused
        width={80}
        height={5}
        theme={plainTheme}
      />,
    );
    expect(lines[0]).toContain("at Tradovate · NQZ6 -1, ESZ6 +1");
    expect(lines[2]).toContain("NQZ6 -1, …");
  });
});

describe("the selected alert, the alerts pane focused", () => {
  const long = "DEMO2001: flat, LOCKED (daily loss limit: day P&L -$2669.25 reached -$2500.00)";
  const alerts = [
    { id: "a3", time: "22:05:29", level: "info" as const, text: "DEMO2002: unlocked" },
    { id: "a2", time: "22:05:06", level: "warn" as const, text: long },
    {
      id: "a1",
      time: "22:04:39",
      level: "info" as const,
      text: "DEMO2003: flat, LOCKED (trailing drawdown)",
    },
  ];

  it("is said in full, wrapped in its column (the 80-column screen's 44-wide pane)", () => {
    // Seen in the demo: "DEMO2001: flat, LOCKED (dail…", the reason for the lock nowhere on screen.
    const lines = linesOf(
      <AlertsPane alerts={alerts} selected={1} focused width={44} height={5} theme={plainTheme} />,
    );
    expect(lines[2]).toMatch(/^›22:05:06 WARN DEMO2001: flat, LOCKED/);
    const said = lines
      .slice(2)
      .map((l) => l.slice(15).trim())
      .join(" ");
    expect(said).toBe(long);
    expect(lines.every((l) => l.length <= 44)).toBe(true);
    expect(lines.slice(3).every((l) => l.startsWith(" ".repeat(15)))).toBe(true);
  });

  it("is one line, cut, while the pane is not focused", () => {
    const lines = linesOf(
      <AlertsPane alerts={alerts} selected={1} focused={false} width={44} height={5} theme={plainTheme} />,
    );
    expect(lines[3]).toMatch(/22:05:06 WARN DEMO2001: flat, LOCKED.*…$/);
    expect(lines[4]).toContain("22:04:39");
  });
});
