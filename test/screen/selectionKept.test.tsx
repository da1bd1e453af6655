import { describe, expect, it } from "vitest";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

// The group and the follower under the cursor stay under it when a config edit made elsewhere
// (the file edited by hand, re-read while the console runs) adds or removes rows above them. Kept
// by index, the cursor moved onto another follower without a key, and the next space switched
// that one off.

const config = testConfig({
  accounts: ["LEAD1", "LEAD2", "LEAD3", "FOLL1", "FOLL2", "FOLL3", "FOLL4", "FOLL5"].map((name) => ({
    name,
  })),
  groups: [
    { name: "Alpha", leader: "LEAD1", followers: ["FOLL1", "FOLL2", "FOLL3"] },
    { name: "Beta", leader: "LEAD2", followers: ["FOLL4"] },
  ],
});

const cursorRow = (frame: string, what: RegExp) =>
  frame.split("\n").find((l) => l.startsWith("›") && what.test(l));

describe("the groups and followers cursors after a config edit made elsewhere", () => {
  it("stay on the follower selected when a follower above it is removed, and space acts on it", async () => {
    const d = screenDriver(config);
    d.press(KEY.tab, KEY.down); // Followers of Alpha: FOLL2
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL2");

    await d.holder.update((draft) => {
      draft.groups[0]!.followers.shift();
    });
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL2");
    expect(cursorRow(d.frame(), /FOLL/)).toContain("FOLL2");

    d.press(KEY.space);
    expect(d.calls.filter((c) => c.method === "setFollowerEnabled").map((c) => c.args)).toEqual([
      ["Alpha", "FOLL2", false],
    ]);
  });

  it("stay on the group selected when a group is added above it, its followers shown", async () => {
    const d = screenDriver(config);
    d.press(KEY.down); // Beta
    expect(d.view().ctx.selectedGroup?.name).toBe("Beta");

    await d.holder.update((draft) => {
      draft.groups.unshift({
        ...structuredClone(draft.groups[1]!),
        name: "Aaa",
        leader: "LEAD3",
        followers: [],
      });
      draft.groups[0]!.followers = [{ ...structuredClone(draft.groups[2]!.followers[0]!), account: "FOLL5" }];
    });
    const { ctx, vm } = d.view();
    expect(ctx.selectedGroup?.name).toBe("Beta");
    expect(vm.followers.map((f) => f.account)).toEqual(["FOLL4"]);

    d.press(text("F"));
    expect(d.state().confirm?.message).toBe("Flatten and lock 1 follower of Beta?");
  });

  it("still move from where the cursor is shown, and a group moved to starts at its first follower", async () => {
    const d = screenDriver(config);
    d.press(KEY.tab, KEY.down, KEY.down); // FOLL3
    await d.holder.update((draft) => {
      draft.groups[0]!.followers.unshift({
        ...structuredClone(draft.groups[0]!.followers[0]!),
        account: "FOLL5",
      });
    });
    d.press(KEY.up);
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL2");

    d.press(KEY.shiftTab, KEY.down, KEY.up); // Beta, then back to Alpha: its first follower
    d.press(KEY.tab);
    expect(d.view().ctx.selectedFollower?.account).toBe("FOLL5");
    expect(d.view().vm.selection.follower).toBe(0);
  });
});
