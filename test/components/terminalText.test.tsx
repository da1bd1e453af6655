import { render } from "ink-testing-library";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { AlertsPane } from "../../components/AlertsPane.js";
import { FillsPane } from "../../components/FillsPane.js";
import { FollowersPane } from "../../components/FollowersPane.js";
import { GroupsPane } from "../../components/GroupsPane.js";
import { HintBar } from "../../components/HintBar.js";
import { padTo, textWidth, truncate, truncateMiddle, truncateStart } from "../../components/text.js";
import { plainTheme } from "../../components/theme.js";
import { displayWidth, printable } from "../../src/text/terminal.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function frameOf(node: React.ReactElement): string {
  const r = render(node);
  unmount = r.unmount;
  return r.lastFrame() ?? "";
}

const ESC = "\u001b";

describe("printable", () => {
  it.each([
    ["plain text stays", "Index Scalps", "Index Scalps"],
    ["CSI: blink and colour", `${ESC}[5mEvil${ESC}[0m`, "Evil"],
    ["CSI: cursor moves and clears", `a${ESC}[2J${ESC}[10;1Hb`, "ab"],
    ["OSC: retitle the pane, BEL-terminated", `${ESC}]0;pwned\u0007Evil`, "Evil"],
    ["OSC: hyperlink, ST-terminated", `${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\`, "link"],
    ["OSC with no end swallows the rest, as a terminal would", `ok${ESC}]2;title`, "ok"],
    ["DCS string", `${ESC}Pq#0;2;0;0;0${ESC}\\x`, "x"],
    ["8-bit CSI", "\u009b5mEvil", "Evil"],
    ["8-bit OSC up to ST", "\u009d0;t\u009cEvil", "Evil"],
    ["two-character ESC (reset terminal)", `${ESC}cEvil`, "Evil"],
    ["lone ESC at the end", `Evil${ESC}`, "Evil"],
    ["line breaks and tabs become one space", "insufficient\r\nmargin\there", "insufficient margin here"],
    ["other C0, DEL and C1 go", "a\u0000b\u0007c\u007fd\u0085e", "abcde"],
    ["wide and accented text stays", "指数 🚀 café", "指数 🚀 café"],
  ])("%s", (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });
});

describe("widths", () => {
  it.each([
    ["ASCII", "abc", 3],
    ["CJK takes two columns each", "指数", 4],
    ["emoji takes two", "🚀", 2],
    ["a combining accent takes none", "e\u0301", 1],
    ["the screen's own symbols take one", "▶‖✓✗⚠›…●◌○├└▏‹→×—│»", 19],
  ])("%s", (_what, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it("cuts by columns, never through a wide character, and pads to exactly the width", () => {
    expect(truncate("指数スキャルプ", 7)).toBe("指数ス…");
    expect(truncate("指数スキャルプ", 6)).toBe("指数…");
    expect(textWidth(padTo("指数スキャルプ", 6))).toBe(6);
    expect(padTo("指数", 6)).toBe("指数  ");
    expect(padTo("🚀", 4, "right")).toBe("  🚀");
    expect(truncate(`${ESC}[5m${"x".repeat(10)}`, 4)).toBe("xxx…");
    expect(textWidth(`${ESC}]0;t\u0007ab`)).toBe(2);
  });

  it("keeps the end when cut from the start, by columns too", () => {
    expect(truncateStart("ES, NQ, 6J▏", 6)).toBe("…, 6J▏");
    expect(truncateStart("ES, NQ, 6J", 5)).toBe("…, 6J");
    expect(truncateStart("ES, NQ", 6)).toBe("ES, NQ");
    expect(truncateStart("指数スキャルプ", 7)).toBe("…ャルプ");
    expect(truncateStart("指数スキャルプ", 6)).toBe("…ルプ");
  });

  it("keeps both ends when cut in the middle, the end a little more", () => {
    expect(truncateMiddle("APEX-2468100-0000003", 12)).toBe("APEX-…000003");
    expect(truncateMiddle("FOLL1", 12)).toBe("FOLL1");
    expect(truncateMiddle("指数スキャルプ", 9)).toBe("指数…ルプ");
    expect(textWidth(truncateMiddle("指数スキャルプ", 8))).toBeLessThanOrEqual(8);
    expect(truncateMiddle("APEX", 1)).toBe("…");
  });
});

describe("outside text on the screen", () => {
  it("keeps escape sequences in names, labels, alerts, reject reasons and flash text out of the frame", () => {
    const vm = screenFixture();
    const evil = `${ESC}]0;pwned\u0007Evil${ESC}[5m\u009b2J`;
    const frames = [
      frameOf(
        <GroupsPane
          groups={[{ ...vm.groups[0]!, name: evil, leader: `L${ESC}[31m1` }]}
          selected={0}
          focused
          width={40}
          height={5}
          theme={plainTheme}
        />,
      ),
      frameOf(
        <AlertsPane
          alerts={[{ ...vm.alerts[0]!, text: `broker says ${evil}` }]}
          selected={0}
          focused={false}
          width={44}
          height={5}
          theme={plainTheme}
        />,
      ),
      frameOf(
        <FillsPane
          fills={[
            {
              ...vm.fills[0]!,
              results: [{ follower: `F${ESC}[8m1`, outcome: "rejected", reason: `bad\n${evil}` }],
            },
          ]}
          selected={0}
          focused={false}
          width={80}
          height={5}
          theme={plainTheme}
        />,
      ),
      frameOf(
        // The title line of a pane carries the group name next to the selected follower's info.
        <FollowersPane
          followers={vm.followers}
          groupName={evil}
          selected={1}
          focused
          width={80}
          height={6}
          theme={plainTheme}
        />,
      ),
      frameOf(<HintBar hints={[]} width={80} theme={plainTheme} message={`FAILED ${evil}`} />),
    ];
    for (const f of frames) {
      expect(f).toContain("Evil");
      expect(f).not.toContain(`${ESC}]`);
      expect(f).not.toContain(`${ESC}[5m`);
      expect(f).not.toContain(`${ESC}[31m`);
      expect(f).not.toContain(`${ESC}[8m`);
      expect(f).not.toContain("\u009b");
      expect(f).not.toContain("\u0007");
      expect(f).not.toContain("pwned");
    }
    expect(frames[2]).toContain("bad Evil");
  });

  it("keeps a table's columns aligned with wide characters in names", () => {
    const base = screenFixture().groups[0]!;
    const groups = [
      { ...base, name: "Index Scalps", leader: "LEADA" },
      { ...base, name: "指数スキャルプ", leader: "LEADB" },
      { ...base, name: "🚀 Rockets", leader: "LEADC" },
      { ...base, name: "指数スキャルプ指数スキャルプ", leader: "LEADD" },
    ];
    const f = frameOf(
      <GroupsPane groups={groups} selected={0} focused={false} width={40} height={7} theme={plainTheme} />,
    );
    const rows = plainLines(f).filter((l) => l.includes("LEAD"));
    expect(rows).toHaveLength(4);
    const leaderColumn = rows.map((l) => stringWidth(l.slice(0, l.indexOf("LEAD"))));
    const countColumn = rows.map((l) => stringWidth(l.trimEnd()));
    expect(new Set(leaderColumn).size, rows.join("\n")).toBe(1);
    expect(new Set(countColumn).size, rows.join("\n")).toBe(1);
    for (const l of plainLines(f)) expect(stringWidth(l)).toBeLessThanOrEqual(40);
  });
});
