import { describe, expect, it } from "vitest";
import type { Group } from "../../data/schema.js";
import { type FormState, initForm, reduceForm } from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues, saveQuestion } from "../../src/screen/forms/groupForm.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

/**
 * Issue 14's settings in the group form: what followers get of the leader's working orders
 * (copy "fills", protect, copy "orders"). Turning a mirror on places orders on every follower at
 * once, so the console asks first, as it does for reconcile "full".
 */

const base: Group = {
  name: "NQ Scalps",
  leader: "LEAD1",
  active: true,
  whitelist: { enabled: false, symbols: [] },
  followers: [],
};

describe("saveQuestion: what is asked before a save", () => {
  it.each([
    ["fills → orders", {}, { copy: "orders" }, /^Mirror the leader's working orders for NQ Scalps\?/],
    ["fills → protect", {}, { protect: true }, /^Turn on protect for NQ Scalps\?/],
    ["orders → protect", { copy: "orders" }, { protect: true }, /^Turn on protect/],
    [
      "orders → orders (another field changed)",
      { copy: "orders" },
      { copy: "orders", active: false },
      undefined,
    ],
    ["orders → fills (taking mirrors away)", { copy: "orders" }, { copy: "fills" }, undefined],
    ["protect → fills", { protect: true }, {}, undefined],
    ["nothing new", {}, {}, undefined],
    [
      'reconcile "full" and a mirror together: one question naming both',
      {},
      { copy: "orders", reconcile: "full" },
      /^Turn on reconcile "full" .*\. Mirror the leader's working orders/,
    ],
  ] as const)("%s", (_, before, after, question) => {
    const asked = saveQuestion({ ...base, ...after } as Group, { ...base, ...before } as Group);
    if (question === undefined) expect(asked).toBeUndefined();
    else expect(asked).toMatch(question);
  });

  it("a new group that mirrors is asked about too", () => {
    expect(saveQuestion({ ...base, copy: "orders" }, undefined)).toMatch(/^Mirror/);
  });
});

/** Saves the form for `existing` with the working-orders choice moved `steps` to the right. */
function saveWith(existing: Group, steps: number): Group | undefined {
  const ctx = { freeAccounts: [], existingGroupNames: [existing.name], existing };
  const spec = groupFormSpec(ctx);
  let s: FormState<Group> = initForm(spec, groupFormValues(ctx));
  s = reduceForm(spec, s, { type: "focus", field: "working" });
  for (let i = 0; i < steps; i++) s = reduceForm(spec, s, { type: "choose", delta: 1 });
  return reduceForm(spec, s, { type: "save" }).saved;
}

describe("group form: working orders", () => {
  it("keeps the file's settings when nothing is chosen, and writes no default the file did not have", () => {
    const late = { afterSeconds: 3, entries: "cancel" as const };
    expect(saveWith({ ...base, copy: "orders", late }, 0)).toEqual({ ...base, copy: "orders", late });
    expect(saveWith(base, 0)).toEqual(base);
  });

  it.each([
    ["fills → protect", base, 1, { protect: true }],
    ["fills → orders", base, 2, { copy: "orders" }],
    [
      "protect → orders (protect written off, as the file had it)",
      { ...base, protect: true },
      1,
      { copy: "orders", protect: false },
    ],
    ["orders → fills (wraps round)", { ...base, copy: "orders" as const }, 1, { copy: "fills" }],
  ] as const)("%s", (_, existing, steps, fields) => {
    expect(saveWith(existing, steps)).toEqual({ ...base, ...fields });
  });
});

describe("console: turning a mirror on is asked first", () => {
  const config = () =>
    testConfig({
      accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
      groups: [{ name: "NQ Scalps", leader: "LEAD1", followers: ["FOLL1"] }],
    });

  it("n keeps the config as it was, y saves it", async () => {
    const d = screenDriver(config());
    const chooseOrders = () => d.press(text("e"), ...Array(5).fill(KEY.tab), KEY.right, KEY.right);
    chooseOrders();
    expect(d.frame()).toContain("orders: mirror working orders");
    d.press(KEY.enter);
    expect(d.state().confirm?.message).toMatch(/^Mirror the leader's working orders for NQ Scalps\?/);
    d.press(text("n"));
    await d.settle();
    expect(d.calls.filter((c) => c.method === "saveGroup")).toEqual([]);
    expect(d.holder.get().groups[0]?.copy).toBeUndefined();

    chooseOrders();
    d.press(KEY.enter, text("y"));
    await d.settle();
    expect(d.holder.get().groups[0]?.copy).toBe("orders");
  });
});
