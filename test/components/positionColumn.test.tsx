import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { FollowersPane, followerInfo } from "../../components/FollowersPane.js";
import { infoWidth, titleLine } from "../../components/Pane.js";
import { plainTheme } from "../../components/theme.js";
import type { FollowerRowVM } from "../../src/screen/viewModel.js";
import { plainLines } from "./helpers.js";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const row = (account: string, position: string, patch: Partial<FollowerRowVM> = {}): FollowerRowVM => ({
  account,
  label: "half",
  broker: "Tradovate",
  connection: "connected",
  sizing: "×1",
  enabled: true,
  state: "ACTIVE",
  position,
  dayPnl: -20,
  roomDaily: 2481,
  roomTrailing: 3973,
  ...patch,
});

function pane(followers: FollowerRowVM[], width: number, selected = 0): string[] {
  const r = render(
    <FollowersPane
      followers={followers}
      groupName="Index Scalps"
      selected={selected}
      focused
      width={width}
      height={8}
      theme={plainTheme}
    />,
  );
  unmount = r.unmount;
  return plainLines(r.lastFrame() ?? "");
}

/** The position cell of the row naming account: between the state and the day P&L. */
function positionCell(lines: string[], account: string): string {
  // The account may be cut in the middle ("half…O2001"): its end names it.
  const line = lines.find((l) => l.includes(account.slice(-4)) && /ACTIVE|LOCKED/.test(l)) ?? "";
  return line.replace(/^.*?(ACTIVE|LOCKED|EXIT PENDING) +/, "").replace(/ +-20 .*$/, "");
}

describe("the followers' position column", () => {
  it("never cuts a quantity: -120 does not read -12 at 80 columns", () => {
    const lines = pane(
      [row("DEMO2001", "MNQZ6 -120, MESZ6 +3"), row("DEMO2002", "MNQZ6 -1200"), row("DEMO2003", "flat")],
      80,
    );
    expect(positionCell(lines, "DEMO2001")).toBe("MNQZ6 -120, …");
    expect(positionCell(lines, "DEMO2002")).toBe("MNQZ6 -1200");
    expect(positionCell(lines, "DEMO2003")).toBe("flat");
    // Whatever the row leaves out, the selected follower's title line says in full.
    expect(lines[0]).toContain("MNQZ6 -120, MESZ6 +3");
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it("widens to show every position where the terminal has room, the account keeping its name", () => {
    const lines = pane([row("DEMO2001", "NQZ6 +1, ESZ6 -1"), row("DEMO2002", "MNQZ6 +2, MESZ6 -1")], 100);
    expect(positionCell(lines, "DEMO2001")).toBe("NQZ6 +1, ESZ6 -1");
    expect(positionCell(lines, "DEMO2002")).toBe("MNQZ6 +2, MESZ6 -1");
    expect(lines.find((l) => l.includes("DEMO2002"))).toContain("half DEMO2002");
    // Shown whole, it is not repeated on the title line.
    expect(lines[0]).not.toContain("ESZ6 -1");
  });

  it("at 80 columns takes no more of the account than leaves it readable", () => {
    const lines = pane([row("DEMO2001", "NQZ6 +1, ESZ6 -1"), row("DEMO2002", "MNQZ6 +12, MESZ6 -1")], 80, 1);
    expect(positionCell(lines, "DEMO2001")).toBe("NQZ6 +1, …");
    expect(positionCell(lines, "DEMO2002")).toBe("MNQZ6 +12, …");
    expect(lines.find((l) => l.includes("2002") && l.includes("ACTIVE"))).toMatch(/half ?…\S*2002 /);
    expect(lines[0]).toContain("MNQZ6 +12, MESZ6 -1");
  });

  it("a row that shows one position of several says more follow, even with the account at its narrowest", () => {
    // At 80 columns an EXIT PENDING state and a wide OUT leave the account little: the row read
    // "MNQZ6 -120" alone, as if that were all DEMO2001 held, with MESZ6 +3 said nowhere.
    const pending: Partial<FollowerRowVM> = {
      exitPending: { contract: "MNQZ6", has: -117, goal: -120, reason: "waiting for our orders in flight" },
      sync: { contract: "MNQZ6", has: -117, expects: -120 },
    };
    const lines = pane([row("DEMO2001", "MNQZ6 -120, MESZ6 +3", pending), row("DEMO2002", "flat")], 80, 1);
    expect(lines.find((l) => l.includes("EXIT PENDING"))).toContain("MNQZ6 -120, …");
    // A first position too long for what the account leaves (-12000) keeps its marker too.
    const big = pane([row("DEMO2001", "MNQZ6 -12000, MESZ6 +3"), row("DEMO2002", "flat")], 80, 1);
    expect(positionCell(big, "DEMO2001")).toBe("MNQZ6 -12000, …");
    for (const l of [...lines, ...big]) expect([...l].length).toBeLessThanOrEqual(80);
  });
});

describe("the selected follower's title line with a long lock reason", () => {
  // At 80 columns: tight locked on its trailing drawdown, "NQZ6 +3, …" in its row, and the title
  // read "LOCKED: trailing drawdown: net liq $3850.25 at or …": the positions it is there to say
  // in full were cut off.
  const reason =
    "trailing drawdown: net liq $3850.25 at or below floor $3900.00 (high-water mark $4900.00 − $1000.00)";
  const locked = (position: string) =>
    row("DEMO2003", position, { label: "tight", state: "LOCKED", stateReason: reason });

  it("keeps the positions whole and cuts the reason (80 columns)", () => {
    const lines = pane([locked("NQZ6 +3, ESZ6 +2"), row("DEMO2001", "flat")], 80);
    expect(lines[0]).toMatch(/LOCKED: trailing.*… · NQZ6 \+3, ESZ6 \+2$/);
    expect([...(lines[0] ?? "")].length).toBeLessThanOrEqual(80);
  });

  it("words itself to the room given: the broker goes, then the name, then the status is cut", () => {
    const f = locked("MNQZ6 +12, MESZ6 -3");
    const whole = followerInfo(f, 10) ?? "";
    expect(whole).toBe(`LOCKED: ${reason} · tight DEMO2003 at Tradovate · MNQZ6 +12, MESZ6 -3`);
    expect(followerInfo(f, 10, [...whole].length)).toBe(whole);
    const short = { ...f, stateReason: "manual" };
    expect(followerInfo(short, 10, 55)).toBe("LOCKED: manual · tight DEMO2003 · MNQZ6 +12, MESZ6 -3");
    expect(followerInfo(short, 10, 40)).toBe("LOCKED: manual · MNQZ6 +12, MESZ6 -3");
    expect(followerInfo(f, 10, 60)).toBe("LOCKED: trailing drawdown: net liq $3… · MNQZ6 +12, MESZ6 -3");
    expect(followerInfo(f, 10, 40)).toBe("LOCKED: trailing… · MNQZ6 +12, MESZ6 -3");
    expect(followerInfo(f, 10, 30)).toBe("LOCKED… · MNQZ6 +12, MESZ6 -3");
    expect(followerInfo(f, 10, 20)).toBe("MNQZ6 +12, MESZ6 -3");
    for (let room = 19; room <= 160; room++) {
      const info = followerInfo(f, 10, room) ?? "";
      expect(info.endsWith("MNQZ6 +12, MESZ6 -3"), `${room}: ${info}`).toBe(true);
      expect([...info].length, `${room}: ${info}`).toBeLessThanOrEqual(room);
    }
  });

  it("is given the room the title line leaves it, beside a short or a long group name", () => {
    for (let n = 1; n <= 70; n += 3) {
      const title = `Followers of ${"G".repeat(n)}`;
      const info = "i".repeat(infoWidth(title, true, 80));
      const line = titleLine(title, info, true, 80);
      expect(line.endsWith(` ${info}`), line).toBe(true);
      expect(titleLine(title, `${info}j`, true, 80).endsWith("j"), title).toBe(false);
    }
  });

  it("with every position in its row, is what it was: the pane cuts its end", () => {
    const f = locked("flat");
    expect(followerInfo(f, 10, 40)).toBe(`LOCKED: ${reason} · tight DEMO2003 at Tradovate`);
  });
});
