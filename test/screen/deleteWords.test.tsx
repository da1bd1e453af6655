import { describe, expect, it } from "vitest";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }, { name: "FOLL2" }, { name: "ESL" }],
    groups: [
      { name: "NQ Scalps", leader: "NQL", followers: ["FOLL1", "FOLL2"] },
      { name: "Swing", leader: "ESL" },
    ],
  });

describe("what the console says after a delete", () => {
  it("a group deleted is said deleted, not saved", async () => {
    const d = screenDriver(config());
    d.press(KEY.down, text("d"), text("y"));
    await d.settle();
    expect(d.holder.get().groups.map((g) => g.name)).toEqual(["NQ Scalps"]);
    expect(d.state().flash).toBe("Swing: deleted");
    d.store.dispose();
  });

  it("a follower removed is said removed from its group, not saved", async () => {
    const d = screenDriver(config());
    d.press(KEY.tab, KEY.down, text("d"), text("y"));
    await d.settle();
    expect(d.holder.get().groups[0]?.followers.map((f) => f.account)).toEqual(["FOLL1"]);
    expect(d.state().flash).toBe("FOLL2: removed from NQ Scalps");
    expect(d.frame()).toContain("FOLL2: removed from NQ Scalps");
    d.store.dispose();
  });
});
