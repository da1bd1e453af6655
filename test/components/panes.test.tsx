import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { AlertsPane } from "../../components/AlertsPane.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { FillsPane } from "../../components/FillsPane.js";
import { FollowersPane } from "../../components/FollowersPane.js";
import { GroupsPane } from "../../components/GroupsPane.js";
import { Header } from "../../components/Header.js";
import { HelpOverlay } from "../../components/HelpOverlay.js";
import { HintBar } from "../../components/HintBar.js";
import { TooSmall } from "../../components/TooSmall.js";
import { colorTheme, plainTheme } from "../../components/theme.js";
import { helpRows, hintsFor } from "../../src/screen/keymap.js";
import { layout } from "../../src/screen/layout.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

const vm = screenFixture();
let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function frameOf(node: React.ReactElement): string {
  const r = render(node);
  unmount = r.unmount;
  return r.lastFrame() ?? "";
}

function maxWidth(frame: string): number {
  return Math.max(...plainLines(frame).map((l) => [...l].length));
}

describe("GroupsPane", () => {
  it("lists groups with leader, copy state in words and follower count", () => {
    const f = frameOf(
      <GroupsPane groups={vm.groups} selected={1} focused width={40} height={5} theme={plainTheme} />,
    );
    const lines = plainLines(f);
    expect(lines[0]).toMatch(/^▶ Groups/);
    expect(f).toContain("NQ Scalps");
    expect(lines.find((l) => l.includes("ES Swing"))).toMatch(/^›ES Swing\s+LEAD2\s+‖ off\s+1$/);
    expect(lines).toHaveLength(5);
    expect(maxWidth(f)).toBeLessThanOrEqual(40);
  });

  it.each([
    [true, "press n to add one"],
    [false, "in Groups, n adds one"],
  ])("says how to add the first group (focused: %s)", (focused, words) => {
    expect(
      frameOf(
        <GroupsPane groups={[]} selected={0} focused={focused} width={40} height={5} theme={plainTheme} />,
      ),
    ).toContain(words);
  });
});

describe("FollowersPane", () => {
  // Right after adding a group the trader stands in the Groups pane, where n adds another group.
  it.each([
    [true, "no followers: press n to add one"],
    [false, "no followers: Tab here, then n adds one"],
  ])("says how to add the first follower where n does it (focused: %s)", (focused, words) => {
    const f = frameOf(
      <FollowersPane
        followers={[]}
        groupName="ES scalps"
        selected={0}
        focused={focused}
        width={80}
        height={5}
        theme={plainTheme}
      />,
    );
    expect(f).toContain(words);
  });

  it("shows connection, sizing, enabled, state, position, P&L, room and sync for each follower", () => {
    const f = frameOf(
      <FollowersPane
        followers={vm.followers}
        groupName="NQ Scalps"
        selected={1}
        focused
        width={80}
        height={7}
        theme={plainTheme}
      />,
    );
    const lines = plainLines(f);
    expect(lines[0]).toContain("Followers of NQ Scalps");
    expect(lines[0]).toContain("LOCKED: daily loss 500 reached");
    const foll1 = lines.find((l) => l.includes("FOLL1")) ?? "";
    expect(foll1).toMatch(/● Mike FOLL1\s+×0\.5\s+on\s+ACTIVE\s+NQZ6 \+2\s+\+1250\s+1750\s+2400 ok/);
    const foll2 = lines.find((l) => l.includes("◌ FOLL2")) ?? "";
    expect(foll2).toMatch(/^›◌ FOLL2\s+2 fixed off LOCKED/);
    expect(foll2).toContain("-513");
    expect(lines.find((l) => l.includes("FOLL3"))).toContain("OUT +0/+2");
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it.each([
    [0, "↓1"],
    [2, "↑1"],
  ])("followers out of view are counted on the header line (selected %i: %s)", (selected, marks) => {
    // Three followers, room for two rows under the title and the header.
    const f = frameOf(
      <FollowersPane
        followers={vm.followers}
        groupName="NQ Scalps"
        selected={selected}
        focused
        width={80}
        height={4}
        theme={plainTheme}
      />,
    );
    const header = plainLines(f)[1] ?? "";
    expect(header).toMatch(/^ +account/);
    // Beside the last title, never over it.
    expect(header.trimEnd()).toMatch(new RegExp(`sync +${marks}$`));
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it("spells out an out-of-sync follower in the title when selected", () => {
    const f = frameOf(
      <FollowersPane
        followers={vm.followers}
        groupName="NQ Scalps"
        selected={2}
        focused
        width={120}
        height={7}
        theme={plainTheme}
      />,
    );
    expect(f).toContain("OUT OF SYNC: has +0, expects +2 on MNQZ6");
    expect(f).toContain("trailing drawdown"); // the why column appears when wide enough
  });

  it("names each follower's broker: in a column when wide, in the title for the selected one", () => {
    const wide = plainLines(
      frameOf(
        <FollowersPane
          followers={vm.followers}
          groupName="NQ Scalps"
          selected={0}
          focused
          width={120}
          height={7}
          theme={plainTheme}
        />,
      ),
    );
    expect(wide[1]).toMatch(/sync\s+broker/);
    expect(wide[0]).toContain("Mike FOLL1 at Tradovate");
    expect(wide.find((l) => l.includes("● Mike FOLL1"))).toMatch(/ok\s+Tradovate/);
    expect(wide.find((l) => l.includes("◌ FOLL2"))).toMatch(/ProjectX/);
    const narrow = plainLines(
      frameOf(
        <FollowersPane
          followers={vm.followers}
          groupName="NQ Scalps"
          selected={1}
          focused
          width={80}
          height={7}
          theme={plainTheme}
        />,
      ),
    );
    expect(narrow[0]).toContain("LOCKED: daily loss 500 reached · FOLL2 at ProjectX");
  });

  it("shows EXIT PENDING with the reason and the next try while an exit is retried (80 columns)", () => {
    const followers = vm.followers.map((f, i) =>
      i === 0
        ? {
            ...f,
            exitPending: {
              contract: "NQZ6",
              has: 2,
              goal: 0,
              reason: "RiskRejected: no",
              nextTry: "14:03:25",
            },
          }
        : f,
    );
    const f = frameOf(
      <FollowersPane
        followers={followers}
        groupName="NQ Scalps"
        selected={0}
        focused
        width={80}
        height={7}
        theme={plainTheme}
      />,
    );
    const lines = plainLines(f);
    expect(lines[0]).toContain("EXIT PENDING NQZ6 +2 → +0, next try 14:03:25");
    expect(lines.find((l) => l.includes("Mike"))).toMatch(/on\s+EXIT PENDING\s+NQZ6 \+2/);
    // a lock says more: LOCKED stays in its row
    expect(lines.find((l) => l.includes("FOLL2"))).toMatch(/off LOCKED/);
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it.each([
    [{ has: 0, expects: 10 }, "OUT +0/+10"],
    [{ has: -12, expects: 12 }, "OUT -12/+12"],
  ])("writes an unselected follower's sync %o whole in its row at 80 columns (%s)", (sync, text) => {
    // A ×10 micro follower of a mini leader: "OUT +0/+…" hid what it expects.
    const followers = vm.followers.map((f, i) =>
      i === 2 ? { ...f, sync: { contract: "MESZ6", ...sync } } : f,
    );
    const f = frameOf(
      <FollowersPane
        followers={followers}
        groupName="NQ Scalps"
        selected={0}
        focused
        width={80}
        height={7}
        theme={plainTheme}
      />,
    );
    const lines = plainLines(f);
    expect(lines.find((l) => l.includes("FOLL3"))).toContain(text);
    expect(lines.find((l) => l.includes("● Mike FOLL1"))).toMatch(/ ok\s*$/);
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it("keeps the selected follower's lock in the title beside a long group name (80 columns)", () => {
    // A 60-character group name took the whole title line, and "LOCKED: daily loss 500 reached"
    // (the only place its reason shows at 80 columns) was dropped without a mark.
    const f = frameOf(
      <FollowersPane
        followers={vm.followers}
        groupName={"Topstep 150K Combine NQ Morning Session Scalps Copy Group One"}
        selected={1}
        focused
        width={80}
        height={7}
        theme={plainTheme}
      />,
    );
    const title = plainLines(f)[0] ?? "";
    expect(title).toMatch(/^▶ Followers of Topstep 150K/);
    expect(title).toContain("…");
    expect(title).toContain("LOCKED: daily loss 500");
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it("keeps the selected follower in view when the list is longer than the pane", () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      ...vm.followers[0]!,
      account: `ACC${i}`,
      label: undefined,
    }));
    const f = frameOf(
      <FollowersPane followers={many} selected={17} focused width={80} height={6} theme={plainTheme} />,
    );
    expect(f).toContain("›● ACC17");
    expect(f).not.toContain("ACC0 ");
    expect(plainLines(f)).toHaveLength(6);
  });
});

describe("account names too long for their column (80 columns)", () => {
  // Prop firms name accounts alike but for their last digits: the end is what tells them apart.
  const accounts = ["APEX-2468100-0000001", "APEX-2468100-0000002", "APEX-2468100-0000003"];

  it("keep their end in the followers pane, so every row names its own follower", () => {
    const followers = accounts.map((account) => ({ ...vm.followers[0]!, account, label: undefined }));
    const lines = plainLines(
      frameOf(
        <FollowersPane followers={followers} selected={0} focused width={80} height={6} theme={plainTheme} />,
      ),
    );
    const rows = lines.slice(2, 5);
    for (const [i, row] of rows.entries()) expect(row).toContain(`00${i + 1} `);
    expect(new Set(rows).size).toBe(3);
  });

  it("keep their end under a fill, so a REJECTED names its follower", () => {
    const fill = {
      ...vm.fills[0]!,
      results: accounts.map((follower) => ({ follower, outcome: "rejected" as const, reason: "margin" })),
    };
    const lines = plainLines(
      frameOf(<FillsPane fills={[fill]} selected={0} focused width={80} height={6} theme={plainTheme} />),
    );
    const rows = lines.slice(3, 6);
    for (const [i, row] of rows.entries()) expect(row).toMatch(new RegExp(`00${i + 1}\\s+✗ REJECTED`));
  });
});

describe("FillsPane", () => {
  it("shows each leader fill with every follower's outcome, reason and latency under it", () => {
    const f = frameOf(
      <FillsPane fills={vm.fills} selected={0} focused={false} width={80} height={10} theme={plainTheme} />,
    );
    const lines = plainLines(f);
    expect(lines.find((l) => l.includes("14:03:21"))).toMatch(/LEAD1\s+BUY 2\s+NQZ6 @ 21000\.25/);
    expect(lines.find((l) => l.includes("├ FOLL1"))).toMatch(/✓ filled\s+open \+1\s+0\.8ms$/);
    expect(lines.find((l) => l.includes("├ FOLL2"))).toMatch(/- skipped\s+locked/);
    expect(lines.find((l) => l.includes("└ FOLL3"))).toMatch(/✗ REJECTED\s+insufficient margin\s+12ms$/);
    expect(f).toContain("not whitelisted");
  });

  it("shows a re-sync as a header row with the exits it made up under it", () => {
    const resync = {
      id: "g:-1",
      time: "14:05:00",
      leader: "LEAD1",
      contract: "",
      side: "Buy" as const,
      qty: 0,
      price: 0,
      resync: "FOLL1 synced; leader flat; missed exits made up",
      results: [{ follower: "FOLL1", outcome: "filled" as const, reason: "reconcile", latencyMs: 0.5 }],
    };
    const f = frameOf(
      <FillsPane
        fills={[resync, ...vm.fills]}
        selected={0}
        focused={false}
        width={80}
        height={10}
        theme={plainTheme}
      />,
    );
    const lines = plainLines(f);
    expect(lines.find((l) => l.includes("14:05:00"))).toMatch(
      /LEAD1\s+↻ RE-SYNC\s+FOLL1 synced; leader flat/,
    );
    expect(lines.find((l) => l.includes("└ FOLL1"))).toMatch(/✓ filled\s+reconcile/);
  });

  it("waits politely before the first fill", () => {
    expect(
      frameOf(<FillsPane fills={[]} selected={0} focused width={80} height={5} theme={plainTheme} />),
    ).toContain("waiting for the leader's first fill");
  });
});

describe("AlertsPane", () => {
  it("shows level in words, newest first", () => {
    const f = frameOf(
      <AlertsPane alerts={vm.alerts} selected={0} focused={false} width={44} height={5} theme={plainTheme} />,
    );
    const lines = plainLines(f);
    expect(lines[2]).toMatch(/14:01:00 ERR! FOLL2 LOCKED/);
    expect(lines[3]).toMatch(/13:59:30 WARN followers-login/);
    expect(maxWidth(f)).toBeLessThanOrEqual(44);
  });
});

describe("Header", () => {
  it("shows mode, connections, latency, request budget and the CT clock on one line", () => {
    const f = frameOf(<Header header={vm.header} width={100} theme={plainTheme} />);
    expect(plainLines(f)).toHaveLength(1);
    for (const s of [" DEMO ", "conn 2/2 up", "p50 0.4ms p99 1.3ms", "budget 4990/h", "14:03:22 CT"])
      expect(f).toContain(s);
    expect(f).not.toContain("lasts");
  });

  it("says how long the budget lasts when the current pace would spend it", () => {
    const header = { ...vm.header, rateBudget: { left: 3100, windowMs: 3_600_000, lastsMs: 42 * 60_000 } };
    expect(frameOf(<Header header={header} width={100} theme={plainTheme} />)).toContain(
      "budget 3100/h lasts 42m",
    );
  });

  it("drops the least important parts first when narrow, and names a connection that is down", () => {
    const header = {
      ...vm.header,
      mode: "LIVE" as const,
      connections: [{ name: "main", state: "down" as const }],
      rateBudget: { left: 10, windowMs: 3_600_000, blocked: true },
    };
    const f = frameOf(<Header header={header} width={80} theme={plainTheme} />);
    expect(f).toContain(" LIVE ");
    expect(f).toContain("main down");
    expect(f).toContain("BLOCKED");
    expect(f).toContain("14:03:22 CT");
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });
});

describe("HintBar", () => {
  it("shows the scope's hints and a flash message instead when there is one", () => {
    const hints = hintsFor("groups", {
      totalFollowers: 1,
      groupCount: 1,
      selectedGroup: { name: "G", active: true, followerCount: 1 },
    });
    expect(frameOf(<HintBar hints={hints} width={120} theme={plainTheme} />)).toContain("a Group on/off");
    unmount?.();
    expect(
      frameOf(<HintBar hints={hints} width={80} theme={plainTheme} message="f: no follower selected" />),
    ).toContain("» f: no follower selected");
  });

  it("leaves disabled hints out when room is short", () => {
    const hints = hintsFor("followers", { totalFollowers: 0, groupCount: 0 });
    const f = frameOf(<HintBar hints={hints} width={40} theme={plainTheme} />);
    expect(f).not.toContain("Flatten");
    expect(f).toContain("? Help");
    expect(maxWidth(f)).toBeLessThanOrEqual(40);
  });
});

describe("HelpOverlay", () => {
  it("lists the keys by section, marking the ones that ask first", () => {
    const f = frameOf(<HelpOverlay rows={helpRows()} width={80} height={21} theme={plainTheme} />);
    expect(f).toContain("Followers pane");
    expect(f).toMatch(/f\s+Flatten\+lock \(y\/N\)/);
    expect(f).toMatch(/space\s+Follower on\/off/);
    expect(plainLines(f).length).toBeLessThanOrEqual(21);
    expect(f).not.toContain("more below"); // the whole list fits the 80×24 body
    expect(f).toMatch(/q\/\^C\s+Quit/);
    expect(maxWidth(f)).toBeLessThanOrEqual(80);
  });

  it("says every question's (y/N) in full at 80×24", () => {
    const f = frameOf(<HelpOverlay rows={helpRows()} width={80} height={21} theme={plainTheme} />);
    const dangerous = helpRows().filter((r) => r.danger);
    expect(dangerous.length).toBeGreaterThan(3);
    for (const r of dangerous) expect(f).toContain(`${r.label} (y/N)`);
    expect(f).toMatch(/n\/N\/Esc\/Enter No \(default\)/);
  });

  it("scrolls when the list is longer than the overlay", () => {
    const f = frameOf(
      <HelpOverlay rows={helpRows()} width={60} height={8} offset={100} theme={plainTheme} />,
    );
    expect(f).toContain("↑/↓ scroll");
    expect(f).toContain("Cancel");
  });
});

describe("ConfirmDialog and TooSmall", () => {
  it("asks y/N naming the action", () => {
    expect(
      frameOf(
        <ConfirmDialog message="Flatten and lock 3 followers of NQ Scalps?" width={80} theme={colorTheme} />,
      ),
    ).toContain("Flatten and lock 3 followers of NQ Scalps? y/N");
  });

  it("a question too long for the line wraps, whole, y/N at its end", () => {
    const long = "Mirror the leader's working orders for Index Scalps? Each follower gets its own at once";
    const lines = plainLines(frameOf(<ConfirmDialog message={long} width={80} theme={colorTheme} />));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.trim()).join(" ")).toBe(`⚠ ${long} y/N`);
    expect(maxWidth(lines.join("\n"))).toBeLessThanOrEqual(80);
  });

  it("a question longer than three lines is cut on the third, its y/N never", () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const lines = plainLines(frameOf(<ConfirmDialog message={long} width={80} theme={colorTheme} />));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/… y\/N\s*$/);
    expect(maxWidth(lines.join("\n"))).toBeLessThanOrEqual(80);
  });

  it("fits the too-small message on one line", () => {
    const f = frameOf(<TooSmall message="Terminal is 60×20; mimik needs at least 80×24." width={60} />);
    expect(plainLines(f)).toHaveLength(1);
  });

  it("says the whole too-small message, wrapped, down to a narrow terminal", () => {
    for (const [columns, rows] of [
      [79, 24],
      [60, 20],
      [40, 12],
      [20, 8],
    ] as const) {
      const l = layout(columns, rows);
      if (!l.tooSmall) throw new Error(`${columns}×${rows} is too small`);
      const lines = plainLines(frameOf(<TooSmall message={l.message} width={l.width} />));
      unmount?.();
      expect(lines.map((line) => line.trim()).join(" ")).toBe(l.message);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
    }
  });
});
