import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { FormView } from "../../components/FormView.js";
import { plainTheme } from "../../components/theme.js";
import { KEY, screenDriver, testConfig, text } from "../screen/driver.js";
import { plainLines } from "./helpers.js";

/**
 * The group and follower forms as a trader uses them: keys go through the real router, form
 * bindings and screen reducer; every frame is FormView drawing the state that results.
 */

const groupConfig = () =>
  testConfig({
    accounts: [{ name: "LEAD1" }, { name: "ACC9", label: "spare" }, { name: "ESL" }],
    groups: [{ name: "ES Swing", leader: "ESL" }],
  });

const followerConfig = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }, { name: "FOLL2" }],
    groups: [{ name: "NQ Scalps", leader: "NQL" }],
  });

describe("the group form", () => {
  it("validates as you type, shows the message under the field, and saves with Enter", async () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"));
    expect(d.frame()).toContain("New group");
    expect(d.frame()).toMatch(/› Name\s+▏/);
    expect(d.frame()).not.toContain("‹"); // arrows show only on the focused choice
    d.press(text("E"), text("S"), KEY.space);
    expect(d.frame()).toContain("ES ▏");
    d.press(text("swing"));
    const lines = plainLines(d.frame());
    const nameLine = lines.findIndex((l) => l.includes("ES swing▏"));
    expect(lines[nameLine + 1]).toContain('✗ a group named "ES swing" already exists');

    d.press(KEY.backspace);
    expect(d.frame()).toContain("ES swin▏");
    expect(d.frame()).not.toContain("already exists");
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Leader\s+‹ LEAD1 ›/);
    d.press(KEY.right);
    expect(d.frame()).toContain("‹ ACC9 (spare) ›");
    d.press(KEY.down);
    expect(d.frame()).toMatch(/› Active\s+\[x\] yes/);
    d.press(KEY.space);
    expect(d.frame()).toMatch(/› Active\s+\[ \] no/);
    d.press(KEY.enter);
    expect(d.calls.filter((c) => c.method === "saveGroup")).toEqual([
      {
        method: "saveGroup",
        args: [
          undefined,
          {
            name: "ES swin",
            leader: "ACC9",
            active: false,
            whitelist: { enabled: false, symbols: [] },
            followers: [],
          },
        ],
      },
    ]);
    expect(d.state().form).toBeUndefined();
    await d.settle();
    expect(d.holder.get().groups.map((g) => g.name)).toEqual(["ES Swing", "ES swin"]);
    expect(d.frame()).toContain("» ES swin: saved");
  });

  it("refuses to save an invalid form and shows every error", () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"), KEY.enter);
    const f = d.frame();
    expect(f).toContain("group name must not be empty");
    expect(f).toContain("fix 1 field");
    expect(d.calls).toEqual([]);
    expect(d.state().form).toBeDefined();
  });

  it("cancels with Esc", () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"), text("X"), KEY.escape);
    expect(d.state().form).toBeUndefined();
    expect(d.frame()).toContain("Live fills");
    expect(d.calls).toEqual([]);
  });

  it("takes q and ? as text in a text field, and still quits on Ctrl+C", () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"), text("q"));
    expect(d.frame()).toContain("q▏");
    d.press(text("?"));
    expect(d.frame()).toContain("q?▏");
    expect(d.quits()).toBe(0);
    expect(d.state().help).toBeUndefined();
    d.press(KEY.ctrlC);
    expect(d.quits()).toBe(1);
  });

  it("says what is wrong with a whitelist turned off with bad symbols in it, and keeps them", () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"), text("G"), KEY.tab, KEY.tab, KEY.tab, KEY.space, KEY.tab, text("ESZ6"));
    d.press(KEY.shiftTab, KEY.space, KEY.enter);
    expect(d.calls).toEqual([]);
    const lines = plainLines(d.frame());
    const toggle = lines.findIndex((l) => /› Whitelist on\s+\[ \] no/.test(l));
    expect(toggle).toBeGreaterThan(0);
    expect(lines[toggle + 1]).toMatch(/✗ .*ESZ6: must be a root symbol/);
    d.press(KEY.space);
    expect(d.frame()).toMatch(/Whitelist\s+ESZ6/);
  });

  it("keeps the end of a text longer than the line in view while it is typed", () => {
    const d = screenDriver(groupConfig());
    d.press(text("n"), text("G"), KEY.tab, KEY.tab, KEY.tab, KEY.space, KEY.tab);
    const symbols = "ES, NQ, MES, MNQ, RTY, M2K, YM, MYM, CL, MCL, GC, MGC, ZB, ZN, 6E, 6J, 6B";
    d.press(text(symbols));
    const line = plainLines(d.frame()).find((l) => l.includes("› Whitelist "));
    // What was typed last and the cursor after it: where a typo would be.
    expect(line).toMatch(/6J, 6B▏/);
    expect([...(line ?? "")].length).toBeLessThanOrEqual(80);
    // Not focused, it reads from its start again.
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/ {2}Whitelist\s+ES, NQ, MES/);
  });

  it("keeps followers and file-only settings changed in the file while the form was open", async () => {
    const d = screenDriver(groupConfig());
    d.press(text("e"));
    // The file is edited by hand meanwhile; the repository's watcher hands the change in.
    await d.holder.update((draft) => {
      const g = draft.groups[0];
      if (!g) return;
      g.followers.push({
        account: "ACC9",
        enabled: true,
        sizing: { mode: "multiplier", value: 1 },
        mapping: "none",
        limits: {},
      });
      g.expectedOrdersPerHour = 60;
    });
    d.press(KEY.tab, KEY.tab, KEY.space, KEY.enter); // turn the group off, save
    await d.settle();
    const saved = d.holder.get().groups[0];
    expect(saved?.active).toBe(false);
    expect(saved?.followers.map((f) => f.account)).toEqual(["ACC9"]);
    expect(saved?.expectedOrdersPerHour).toBe(60);
  });

  it("edits the selected group, keeping its name free for itself", () => {
    const d = screenDriver(groupConfig());
    d.press(text("e"));
    expect(d.frame()).toContain("Edit group ES Swing");
    expect(d.frame()).toMatch(/› Name\s+ES Swing▏/);
    d.press(KEY.enter);
    expect(d.calls[0]).toMatchObject({ method: "saveGroup", args: ["ES Swing", { name: "ES Swing" }] });
  });
});

describe("the follower form", () => {
  it("offers only free accounts, switches sizing mode, validates numbers and saves", () => {
    const d = screenDriver(followerConfig());
    d.press(KEY.tab, text("n"));
    expect(d.frame()).toContain("New follower in NQ Scalps");
    d.press(KEY.right);
    expect(d.frame()).toContain("‹ FOLL2 ›");
    d.press(KEY.right);
    expect(d.frame()).toContain("‹ FOLL1 ›"); // only the free ones, cycling
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Enabled/);
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Sizing\s+‹ multiplier ›/);
    d.press(KEY.right);
    expect(d.frame()).toContain("‹ fixed contracts ›");
    expect(d.frame()).toContain("Contracts");
    expect(d.frame()).not.toContain("Multiplier");
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Contracts\s+1▏/);
    d.press(text("."));
    expect(d.frame()).toContain("1.▏");
    d.press(text("5"));
    expect(d.frame()).toContain("✗ must be a whole number");
    d.press(KEY.backspace);
    expect(d.frame()).toContain("1.▏");
    d.press(KEY.backspace);
    expect(d.frame()).toContain("1▏");
    expect(d.frame()).not.toContain("whole number");
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Max contracts/);
    d.press(text("x"));
    expect(d.frame()).toContain("✗ must be a number");
    d.press(KEY.backspace);
    expect(d.frame()).not.toContain("must be a number");
    d.press(text("4"));
    expect(d.frame()).toMatch(/› Max contracts\s+4▏/);
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Mapping/);
    d.press(KEY.left);
    expect(d.frame()).toContain("micro → mini");
    d.press(KEY.tab);
    expect(d.frame()).toMatch(/› Daily loss \$/);
    d.press(text("750"));
    expect(d.frame()).toContain("750▏");
    d.press(KEY.enter);
    expect(d.calls).toEqual([
      {
        method: "saveFollower",
        args: [
          "NQ Scalps",
          undefined,
          {
            account: "FOLL1",
            enabled: true,
            sizing: { mode: "fixed", contracts: 1 },
            maxContracts: 4,
            mapping: "toMini",
            limits: { dailyLoss: 750 },
          },
        ],
      },
    ]);
  });

  it("clears a text field with Ctrl+U", () => {
    const d = screenDriver(followerConfig());
    d.press(KEY.tab, text("n"), KEY.tab, KEY.tab, KEY.tab);
    expect(d.frame()).toMatch(/› Multiplier\s+1▏/);
    d.press(KEY.ctrlU);
    expect(d.frame()).toContain("✗ required");
  });

  it("fits its height and width", () => {
    const d = screenDriver(followerConfig());
    d.press(KEY.tab, text("n"));
    const form = d.state().form;
    if (form?.kind !== "follower") throw new Error("the follower form is not open");
    // In a short window the form scrolls: the focused field is always in view.
    const last = form.spec.fields.length - 1;
    for (const [focus, shown] of [
      [0, "Account"],
      [last, "Shadow"],
    ] as const) {
      const r = render(
        <FormView
          spec={form.spec}
          state={{ ...form.state, focus }}
          width={80}
          height={12}
          theme={plainTheme}
        />,
      );
      const f = r.lastFrame() ?? "";
      r.unmount();
      expect(f).toContain(shown);
      const lines = plainLines(f);
      expect(lines.length).toBeLessThanOrEqual(12);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    }
  });
});
