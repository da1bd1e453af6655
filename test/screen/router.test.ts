import { describe, expect, it } from "vitest";
import type { Outcome } from "../../engine/index.js";
import { BINDINGS } from "../../src/screen/bindings.js";
import { keyName } from "../../src/screen/keymap.js";
import { formTextAction, outcomesFlash, routeKey } from "../../src/screen/router.js";
import { KEY, type Press, screenDriver, testConfig, text } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [
      { name: "NQL" },
      { name: "FOLL1", label: "Mike" },
      { name: "FOLL2" },
      { name: "FOLL3" },
      { name: "ESL" },
      { name: "FOLL4" },
    ],
    groups: [
      { name: "NQ Scalps", leader: "NQL", followers: ["FOLL1", "FOLL2", "FOLL3"] },
      { name: "ES Swing", leader: "ESL", followers: ["FOLL4"] },
    ],
  });

/** A driver with FOLL1 out of sync (so r is enabled; `locked`: U too) and the followers pane focused. */
function onFollowers(locked = false) {
  const d = screenDriver(config());
  if (locked)
    d.store.push({ type: "followerState", at: 0, follower: "FOLL1", state: "LOCKED", reason: "manual" });
  d.store.push({
    type: "syncStatus",
    at: 0,
    follower: "FOLL1",
    contract: "NQZ6",
    has: 0,
    expects: 2,
    inSync: false,
  });
  d.store.push({ type: "positions", at: 0, account: "FOLL1", positions: [] });
  d.store.publish();
  d.press(KEY.tab);
  return d;
}

/** The key press that names a binding's first key, as Ink would report it. */
function pressOf(name: string): Press {
  const named: Record<string, Press> = { space: KEY.space, escape: KEY.escape, return: KEY.enter };
  return named[name] ?? text(name);
}

describe("the router asks before every dangerous command", () => {
  // form.saveAsked has no key: form.save asks its question (test/screen/reconcileForm.test.tsx).
  const dangerous = BINDINGS.filter(
    (b): b is Extract<(typeof BINDINGS)[number], { danger: true }> => b.danger && b.keys.length > 0,
  );

  it("has dangerous commands to guard", () => {
    expect(
      BINDINGS.filter((b) => b.danger)
        .map((b) => b.command)
        .sort(),
    ).toEqual([
      "flatten.all",
      "follower.delete",
      "follower.flatten",
      "follower.forceUnlock",
      "follower.resync",
      "form.saveAsked",
      "group.delete",
      "group.flatten",
      "quit.asked",
    ]);
  });

  it.each(dangerous.map((b) => [b.command, b] as const))(
    "%s: its key asks the binding's question and runs nothing",
    async (command, binding) => {
      const d = onFollowers(command === "follower.forceUnlock");
      if (!binding.scopes.includes("followers") && !binding.scopes.includes("global")) d.press(KEY.shiftTab); // back to the groups pane
      const ctx = d.view().ctx;
      const key = pressOf(binding.keys[0]!);
      expect(keyName(...key)).toBe(binding.keys[0]);
      const routed = routeKey(key[0], key[1], ctx);
      expect(routed.run).toBeUndefined();
      expect(routed.actions).toContainEqual({
        type: "confirm.ask",
        command: binding.command,
        message: binding.confirm(ctx),
        ctx,
      });
      d.press(key);
      await d.settle();
      expect(d.calls).toEqual([]);
      expect(d.commands).toEqual([]);
      expect(d.frame()).toContain(`⚠ ${binding.confirm(ctx)} y/N`);
    },
  );

  it("names exactly what will happen", () => {
    const d = onFollowers();
    const asked = (key: Press) => {
      d.press(key);
      const message = d.state().confirm?.message;
      d.press(text("n"));
      return message;
    };
    expect(asked(text("f"))).toBe("Flatten and lock Mike (FOLL1) in NQ Scalps?");
    expect(asked(text("F"))).toBe("Flatten and lock 3 followers of NQ Scalps?");
    expect(asked(text("!"))).toBe("Flatten and lock ALL 4 followers in 2 groups?");
    expect(asked(text("r"))).toBe("Resync Mike (FOLL1): BUY 2 NQZ6 to match the sizing rule?");
    expect(asked(text("d"))).toBe("Remove follower Mike (FOLL1) from NQ Scalps? It stops copying now.");
  });

  // A removed follower no longer follows its leader out: what it holds is left open.
  it("says what a removal or a delete leaves open at the broker", () => {
    const d = onFollowers();
    const asked = (key: Press) => {
      d.press(key);
      const message = d.state().confirm?.message;
      d.press(text("n"));
      return message;
    };
    d.store.push({
      type: "positions",
      at: 1,
      account: "FOLL1",
      positions: [
        { contract: "MNQZ6", netPos: 4 },
        { contract: "MESZ6", netPos: 2 },
      ],
    });
    d.store.push({
      type: "positions",
      at: 1,
      account: "FOLL2",
      positions: [{ contract: "NQZ6", netPos: -1 }],
    });
    d.store.push({ type: "positions", at: 1, account: "FOLL3", positions: [] });
    d.store.publish();
    expect(asked(text("d"))).toBe(
      "Remove follower Mike (FOLL1) from NQ Scalps? It stops copying now. Its MNQZ6 +4, MESZ6 +2 stay open at the broker, following no leader (f flattens first).",
    );
    d.press(KEY.shiftTab);
    expect(asked(text("d"))).toBe(
      "Delete group NQ Scalps and its 3 followers? Copying stops now. 2 of them hold positions that stay open at the broker, following no leader (F flattens first).",
    );
    d.press(KEY.tab);
    d.store.push({ type: "positions", at: 2, account: "FOLL1", positions: [] });
    d.store.push({ type: "positions", at: 2, account: "FOLL2", positions: [] });
    d.store.publish();
    expect(asked(text("d"))).toBe("Remove follower Mike (FOLL1) from NQ Scalps? It stops copying now.");
  });

  it("runs the command on y, on what the question named even if the list moved meanwhile", async () => {
    const d = onFollowers();
    d.press(text("F"));
    // A hand edit puts another group first while the question is on screen.
    await d.holder.update((draft) => {
      const moved = draft.groups.pop();
      if (moved) draft.groups.unshift(moved);
    });
    expect(d.view().vm.groups[0]?.name).toBe("ES Swing");
    d.press(text("y"));
    expect(d.commands).toEqual([{ cmd: "flatten", target: { group: "NQ Scalps" } }]);
    expect(d.frame()).toContain("» flattening NQ Scalps…");
    await d.settle();
    expect(d.frame()).toContain("» FOLL1: flat; locked (1 sent)");
  });

  it.each<[string, Press]>([
    ["n", text("n")],
    ["Esc", KEY.escape],
    ["Enter", KEY.enter],
    ["any other key", text("x")],
    ["a key that means something elsewhere", text("!")],
  ])("takes %s as no", async (_what, key) => {
    const d = onFollowers();
    d.press(text("f"), key);
    await d.settle();
    expect(d.state().confirm).toBeUndefined();
    expect(d.commands).toEqual([]);
    expect(d.frame()).toContain("» cancelled");
  });
});

describe("the router runs the other commands from their bindings", () => {
  it("toggles the selected follower at once and shows what happened", async () => {
    const d = onFollowers();
    d.press(KEY.down, KEY.space);
    expect(d.calls).toEqual([{ method: "setFollowerEnabled", args: ["NQ Scalps", "FOLL2", false] }]);
    await d.settle();
    expect(d.frame()).toContain("» FOLL2: disabled");
    expect(d.holder.get().groups[0]?.followers[1]?.enabled).toBe(false);
  });

  it("says why a key does nothing, and the next key that acts clears it", () => {
    const d = onFollowers();
    d.press(text("u"));
    expect(d.frame()).toContain("» Unlock: follower is not locked");
    expect(d.calls).toEqual([]);
    d.press(KEY.down);
    expect(d.state().flash).toBeUndefined();
    expect(d.frame()).toContain("? Help"); // the hints are back
  });

  it("a follower's key pressed on the Groups pane says where it works, and does nothing", () => {
    const d = onFollowers();
    d.press(KEY.shiftTab, text("r"));
    expect(d.frame()).toContain("» Resync: in the Followers pane (Tab moves there)");
    expect(d.calls).toEqual([]);
    expect(d.state().confirm).toBeUndefined();
  });

  it("moves cursors within the rows there are", () => {
    const d = onFollowers();
    d.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.up);
    expect(d.view().vm.selection.follower).toBe(1);
    d.press(KEY.shiftTab, KEY.pageDown);
    expect(d.view().vm.selection.group).toBe(1);
    expect(d.frame()).toContain("Followers of ES Swing");
  });

  it("keeps the cursor on the row shown after the last row is removed, when another is added", async () => {
    const d = onFollowers();
    d.press(KEY.down, KEY.down, text("d"), text("y"));
    await d.settle();
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL2");
    d.press(text("n"), KEY.enter); // a new follower: FOLL3 again, the first free account
    await d.settle();
    expect(d.view().vm.followers.map((f) => f.account)).toEqual(["FOLL1", "FOLL2", "FOLL3"]);
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL2");
  });

  it("keeps the help's keys to itself: q closes it, j scrolls only as far as there is more", () => {
    const d = screenDriver(config(), { columns: 80, rows: 24 });
    d.press(text("?"));
    expect(d.frame()).toContain("Esc/?/q close");
    const max = d.view().ctx.helpMax;
    for (let i = 0; i < max + 5; i++) d.press(text("j"));
    expect(d.state().help).toBe(max);
    d.press(text("q"));
    expect(d.state().help).toBeUndefined();
    expect(d.quits()).toBe(0);
    d.press(text("q"));
    expect(d.quits()).toBe(1);
  });

  it("below the minimum size acts on nothing it cannot show: only quit works", async () => {
    const d = screenDriver(config(), { columns: 60, rows: 20 });
    expect(d.frame()).toContain("mimik needs at least 80×24");
    // Blind: the question and the followers pane are not on screen to check what a y would do.
    d.press(text("!"), text("y"), KEY.tab, text("f"), text("y"), KEY.space, text("n"));
    await d.settle();
    expect(d.calls).toEqual([]);
    expect(d.commands).toEqual([]);
    expect(d.state().confirm).toBeUndefined();
    expect(d.state().form).toBeUndefined();
    d.press(text("q"));
    expect(d.quits()).toBe(1);
  });

  it("says FAILED when a command fails instead of answering", async () => {
    const d = screenDriver(config(), undefined, async () => {
      throw new Error("engine thread stopped");
    });
    d.store.push({ type: "followerState", at: 0, follower: "FOLL1", state: "LOCKED", reason: "manual" });
    d.store.publish();
    d.press(KEY.tab, text("u"));
    await d.settle();
    expect(d.frame()).toContain("» FAILED: engine thread stopped");
  });
});

describe("forms take text first", () => {
  const textField = { id: "name", label: "Name", kind: "text" as const };
  const choice = { id: "leader", label: "Leader", kind: "choice" as const };

  it.each<[string, typeof textField | typeof choice, Press, ReturnType<typeof formTextAction>]>([
    ["a letter is text", textField, text("q"), { type: "type", text: "q" }],
    ["? is text", textField, text("?"), { type: "type", text: "?" }],
    ["space is text", textField, KEY.space, { type: "type", text: " " }],
    ["pasted text is text", textField, text("ES, NQ"), { type: "type", text: "ES, NQ" }],
    ["Backspace deletes", textField, KEY.backspace, { type: "backspace" }],
    ["Ctrl+U clears", textField, KEY.ctrlU, { type: "clear" }],
    ["Tab is a command", textField, KEY.tab, undefined],
    ["Enter is a command", textField, KEY.enter, undefined],
    ["Ctrl+C is a command", textField, KEY.ctrlC, undefined],
    ["in a choice field a letter is not text", choice, text("q"), undefined],
  ])("%s", (_what, field, [input, key], action) => {
    expect(formTextAction(field, input, key)).toEqual(action);
  });
});

describe("outcomesFlash", () => {
  const ok: Outcome = { target: "FOLL1", status: "locked", sent: 1 };
  const bad: Outcome = { target: "FOLL2", status: "failed", reason: "rejected" };
  it.each<[string, Outcome[], string]>([
    ["no outcome at all", [], "no followers"],
    [
      "every one succeeded",
      [ok, { target: "FOLL3", status: "locked", sent: 0 }],
      "FOLL1: flat; locked (1 sent); FOLL3: flat; locked",
    ],
    ["one failed: only the failures, loudly", [ok, bad], "FAILED FOLL2: rejected"],
  ])("%s", (_what, outcomes, text) => {
    expect(outcomesFlash(outcomes)).toBe(text);
  });
});
