import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { Screen } from "../../components/Screen.js";
import { plainTheme, type Theme, themeFromEnv } from "../../components/theme.js";
import { demoConfig } from "../../src/demo/demoConfig.js";
import type { KeyContext } from "../../src/screen/bindings.js";
import { openGroupForm } from "../../src/screen/forms/openForm.js";
import { hintsFor } from "../../src/screen/keymap.js";
import { layout } from "../../src/screen/layout.js";
import type { ScreenVM } from "../../src/screen/viewModel.js";
import { screenFixture } from "./fixtures.js";
import { plainLines } from "./helpers.js";

const ctx: KeyContext = {
  selectedGroup: { name: "NQ Scalps", active: true, followerCount: 3 },
  selectedFollower: { account: "FOLL1", enabled: true, state: "ACTIVE", outOfSync: false },
  totalFollowers: 4,
  groupCount: 2,
};

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function screen(vm: ScreenVM, columns = 80, rows = 24, theme: Theme = plainTheme): string {
  const r = render(
    <Screen vm={vm} layout={layout(columns, rows)} hints={hintsFor(vm.selection.focus, ctx)} theme={theme} />,
  );
  unmount = r.unmount;
  return r.lastFrame() ?? "";
}

describe("Screen", () => {
  it("fits 80×24: no line longer than 80 and at most 23 lines", () => {
    const lines = plainLines(screen(screenFixture()));
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines.length).toBe(23);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
  });

  it("shows every pane, the header and the hint bar", () => {
    const f = screen(screenFixture());
    for (const s of [
      "DEMO",
      "Groups",
      "Locks & alerts",
      "Followers of NQ Scalps",
      "Live fills",
      "? Help",
      "q Quit",
    ])
      expect(f).toContain(s);
    expect(f).toContain("✗ REJECTED");
  });

  it("still fits with long names and many rows", () => {
    const vm = screenFixture();
    const long = "X".repeat(120);
    const many: ScreenVM = {
      ...vm,
      groups: Array.from({ length: 30 }, (_, i) => ({ ...vm.groups[0]!, name: `${long}${i}`, leader: long })),
      followers: Array.from({ length: 30 }, (_, i) => ({
        ...vm.followers[1]!,
        account: `${long}${i}`,
        stateReason: long,
      })),
      fills: Array.from({ length: 30 }, (_, i) => ({ ...vm.fills[0]!, id: String(i), leader: long })),
      alerts: Array.from({ length: 30 }, (_, i) => ({ ...vm.alerts[0]!, id: String(i), text: long })),
      flash: long,
    };
    for (const [c, r] of [
      [80, 24],
      [133, 41],
    ] as const) {
      const lines = plainLines(screen(many, c, r));
      expect(lines).toHaveLength(r - 1);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(c);
      unmount?.();
    }
  });

  it("marks the focused pane with ▶", () => {
    const onFills = screenFixture({
      selection: { focus: "fills", group: 0, follower: 0, fill: 0, alert: 0 },
    });
    const lines = plainLines(screen(onFills));
    expect(lines.find((l) => l.includes("Live fills"))).toMatch(/^▶ Live fills/);
    expect(lines.find((l) => l.includes("Followers of"))).toMatch(/^ {2}Followers of/);
  });

  it("asks for a bigger terminal on one line below 80×24", () => {
    const lines = plainLines(screen(screenFixture(), 79, 30));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("needs at least 80×24");
  });

  it("shows a confirm question in place of the hint bar, panes still visible", () => {
    const f = screen(
      screenFixture({ overlay: { kind: "confirm", message: "Flatten and lock 3 followers of NQ Scalps?" } }),
    );
    const lines = plainLines(f);
    expect(lines.at(-1)).toContain("⚠ Flatten and lock 3 followers of NQ Scalps? y/N");
    expect(f).toContain("Followers of NQ Scalps");
    expect(lines).toHaveLength(23);
  });

  it("shows help in place of the panes", () => {
    const f = screen(screenFixture({ overlay: { kind: "help" } }));
    expect(f).toContain("Esc/?/q close");
    expect(f).not.toContain("Live fills");
    expect(plainLines(f)).toHaveLength(23);
  });

  it("shows the open form in place of the panes", () => {
    const form = openGroupForm(demoConfig());
    const f = screen(screenFixture({ overlay: { kind: "form", spec: form.spec, state: form.state } }));
    expect(f).toContain("New group");
    expect(f).toMatch(/› Name\s+▏/);
    expect(f).not.toContain("Live fills");
    expect(plainLines(f)).toHaveLength(23);
  });

  it("honours NO_COLOR", () => {
    expect(themeFromEnv({ NO_COLOR: "1" }).color).toBe(false);
    expect(themeFromEnv({ NO_COLOR: "" }).color).toBe(true);
    expect(themeFromEnv({}).color).toBe(true);
  });
});
