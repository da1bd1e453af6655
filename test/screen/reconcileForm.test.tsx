import { describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import { type FormState, initForm, reduceForm } from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues, turnsFullOn } from "../../src/screen/forms/groupForm.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

/** Issue 18: the group's `reconcile` setting in the form; the console asks before turning "full" on. */

const config = () =>
  testConfig({
    accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
    groups: [{ name: "NQ Scalps", leader: "LEAD1", followers: ["FOLL1"] }],
  });

/** e on the selected group, then to the Re-sync field and one step right per `steps`. */
function chooseReconcile(d: ReturnType<typeof screenDriver>, steps: number) {
  d.press(text("e"), KEY.tab, KEY.tab, KEY.tab, KEY.tab);
  for (let i = 0; i < steps; i++) d.press(KEY.right);
}

describe("group form: what a re-sync makes up", () => {
  it("defaults to exits and leaves the config without the field", () => {
    const spec = groupFormSpec({ freeAccounts: [{ name: "L" }], existingGroupNames: [] });
    let s: FormState<Group> = initForm(
      spec,
      groupFormValues({ freeAccounts: [{ name: "L" }], existingGroupNames: [] }),
    );
    for (const c of "G") s = reduceForm(spec, s, { type: "type", text: c });
    s = reduceForm(spec, s, { type: "save" });
    expect(s.saved).toEqual({
      name: "G",
      leader: "L",
      active: true,
      whitelist: { enabled: false, symbols: [] },
      followers: [],
    });
    expect(turnsFullOn({ ...s.saved!, reconcile: "full" }, s.saved)).toBe(true);
    expect(turnsFullOn({ ...s.saved!, reconcile: "full" }, { ...s.saved!, reconcile: "full" })).toBe(false);
    expect(turnsFullOn({ ...s.saved!, reconcile: "off" }, s.saved)).toBe(false);
  });

  it('turning "full" on asks first: n keeps the config as it was, y saves it', async () => {
    const d = screenDriver(config());
    chooseReconcile(d, 1);
    expect(d.frame()).toContain("full: make up openings too");
    d.press(KEY.enter);
    expect(d.state().confirm?.message).toMatch(/Turn on reconcile "full" for NQ Scalps\? .*OPEN positions/);
    expect(d.frame()).toContain('Turn on reconcile "full"');
    d.press(text("n"));
    await d.settle();
    expect(d.calls.filter((c) => c.method === "saveGroup")).toEqual([]);
    expect(d.holder.get().groups[0]?.reconcile).toBeUndefined();

    // The no leaves the form as it was typed; asked again, y saves it.
    d.press(KEY.enter, text("y"));
    await d.settle();
    expect(d.holder.get().groups[0]?.reconcile).toBe("full");
  });

  it("a no to the question goes back to the form with everything typed, not to the panes", async () => {
    // Seen at 80×24: an edited group (renamed, "full" chosen) asked, "n" answered, and the form
    // was gone with every change in it; typing it all again was the only way to save the rest.
    const d = screenDriver(config());
    d.press(text("e"));
    for (const c of " ES") d.press(text(c));
    d.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.right, KEY.enter);
    expect(d.state().confirm).toBeDefined();
    d.press(text("n"));
    await d.settle();
    expect(d.state().confirm).toBeUndefined();
    expect(d.state().form?.state.values.name).toBe("NQ Scalps ES");
    expect(d.state().form?.state.values.reconcile).toBe("full");
    expect(d.frame()).toContain("NQ Scalps ES");
    expect(d.frame()).toContain("not saved: the form is as you left it");
    expect(d.calls.filter((c) => c.method === "saveGroup")).toEqual([]);

    // Esc from there cancels the form, as Esc does in any form.
    d.press(KEY.escape);
    expect(d.state().form).toBeUndefined();
    expect(d.holder.get().groups[0]?.name).toBe("NQ Scalps");
  });

  it('"off" (or back to exits) saves without a question', async () => {
    const d = screenDriver(config());
    chooseReconcile(d, 2);
    d.press(KEY.enter);
    expect(d.state().confirm).toBeUndefined();
    await d.settle();
    expect(d.holder.get().groups[0]?.reconcile).toBe("off");
  });
});
