import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../src/screen/bindings.js";
import { openGroupForm } from "../../src/screen/forms/openForm.js";
import {
  createScreenStore,
  INITIAL_SCREEN,
  type ScreenAction,
  type ScreenState,
  scopeOf,
  screenReducer,
} from "../../src/screen/screenState.js";
import type { PaneId, SelectionVM } from "../../src/screen/viewModel.js";
import { testConfig } from "./driver.js";

const counts: Record<PaneId, number> = { groups: 3, followers: 4, fills: 10, alerts: 0 };
const at = (selection: Partial<SelectionVM>): ScreenState => ({
  ...INITIAL_SCREEN,
  selection: { ...INITIAL_SCREEN.selection, ...selection },
});
const cursor = (step: number): ScreenAction => ({ type: "cursor", step, counts });

describe("screenReducer: the selection", () => {
  it.each<[string, Partial<SelectionVM>, ScreenAction, Partial<SelectionVM>]>([
    ["down moves the focused pane's cursor", { group: 0 }, cursor(1), { group: 1 }],
    ["down stops at the last row", { group: 2 }, cursor(1), { group: 2 }],
    ["up stops at the first row", { group: 0 }, cursor(-1), { group: 0 }],
    ["a page stops at the last row", { focus: "fills", fill: 7 }, cursor(5), { fill: 9 }],
    ["a page up stops at the first row", { focus: "fills", fill: 3 }, cursor(-5), { fill: 0 }],
    [
      "another group starts at its first follower",
      { group: 0, follower: 3 },
      cursor(1),
      { group: 1, follower: 0 },
    ],
    [
      "the followers cursor leaves the group alone",
      { focus: "followers", group: 2 },
      cursor(1),
      { follower: 1 },
    ],
    ["an empty pane keeps its cursor at 0", { focus: "alerts" }, cursor(1), { alert: 0 }],
    [
      "from a list that shrank, one press moves from the row shown",
      { focus: "followers", follower: 9 },
      cursor(-1),
      { follower: 2 },
    ],
    ["Tab goes to the next pane", { focus: "groups" }, { type: "focus", step: 1 }, { focus: "followers" }],
    ["Tab wraps around", { focus: "alerts" }, { type: "focus", step: 1 }, { focus: "groups" }],
    ["Shift+Tab wraps back", { focus: "groups" }, { type: "focus", step: -1 }, { focus: "alerts" }],
  ])("%s", (_what, before, action, after) => {
    const next = screenReducer(at(before), action);
    expect(next.selection).toEqual({ ...at(before).selection, ...after });
  });

  it("returns the same state when nothing moves, so nothing redraws", () => {
    const s = at({ group: 2 });
    expect(screenReducer(s, cursor(1))).toBe(s);
  });
});

describe("screenReducer: help, questions, forms and the flash line", () => {
  const ctx = { screen: INITIAL_SCREEN } as CommandContext;
  const form = openGroupForm(testConfig({ accounts: [{ name: "L1" }], groups: [] }));

  it.each<[string, Partial<ScreenState>, ScreenAction, Partial<ScreenState>]>([
    ["? opens the help at the top", {}, { type: "help.open" }, { help: 0 }],
    ["help scrolls down", { help: 0 }, { type: "help.scroll", step: 1, max: 3 }, { help: 1 }],
    ["help stops at its last line", { help: 3 }, { type: "help.scroll", step: 1, max: 3 }, { help: 3 }],
    ["help stops at its first line", { help: 0 }, { type: "help.scroll", step: -1, max: 3 }, { help: 0 }],
    ["a closed help does not scroll", {}, { type: "help.scroll", step: 1, max: 3 }, { help: undefined }],
    ["help closes", { help: 2 }, { type: "help.close" }, { help: undefined }],
    [
      "a question is kept with the command and context it is about",
      {},
      { type: "confirm.ask", command: "flatten.all", message: "Flatten?", ctx },
      { confirm: { command: "flatten.all", message: "Flatten?", ctx } },
    ],
    [
      "an answer closes the question",
      { confirm: { command: "flatten.all", message: "Flatten?", ctx } },
      { type: "confirm.close" },
      { confirm: undefined },
    ],
    ["a form opens", {}, { type: "form.open", form }, { form }],
    ["a form closes", { form }, { type: "form.close" }, { form: undefined }],
    ["a form edit with no form open does nothing", {}, { type: "form.edit", action: { type: "next" } }, {}],
    ["the flash line shows a message", {}, { type: "flash", text: "cancelled" }, { flash: "cancelled" }],
    [
      "the flash line clears",
      { flash: "cancelled" },
      { type: "flash", text: undefined },
      { flash: undefined },
    ],
  ])("%s", (_what, before, action, after) => {
    const state = { ...INITIAL_SCREEN, ...before };
    expect(screenReducer(state, action)).toEqual({ ...state, ...after });
  });

  it("edits the open form with the form's own reducer", () => {
    const open = screenReducer(INITIAL_SCREEN, { type: "form.open", form });
    const typed = screenReducer(open, { type: "form.edit", action: { type: "type", text: "NQ" } });
    expect(typed.form?.state.values.name).toBe("NQ");
    expect(typed.form?.state.touched).toEqual({ name: true });
  });

  it.each<[string, Partial<ScreenState>, ReturnType<typeof scopeOf>]>([
    ["the focused pane", { selection: { ...INITIAL_SCREEN.selection, focus: "fills" } }, "fills"],
    ["the help", { help: 0 }, "help"],
    [
      "a question, over the help",
      { help: 0, confirm: { command: "flatten.all", message: "?", ctx } },
      "confirm",
    ],
    ["a form, over everything", { help: 0, form }, "form"],
  ])("keys go to %s", (_what, state, scope) => {
    expect(scopeOf({ ...INITIAL_SCREEN, ...state })).toBe(scope);
  });
});

describe("the screen store", () => {
  it("applies each action at once, tells its listeners, and stays quiet when nothing changed", () => {
    const store = createScreenStore();
    let told = 0;
    store.subscribe(() => {
      told += 1;
    });
    expect(store.dispatch({ type: "focus", step: 1 }).selection.focus).toBe("followers");
    expect(store.get().selection.focus).toBe("followers");
    store.dispatch({ type: "flash", text: undefined });
    expect(told).toBe(1);
  });
});
