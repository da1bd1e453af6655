import { describe, expect, it } from "vitest";
import { plainLines } from "../components/helpers.js";
import { KEY, screenDriver, testConfig } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }, { name: "FOLL2" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1", "FOLL2"] }],
  });

/** The hint bar: the frame's last line (the root is one line shorter than the terminal). */
const hintBar = (frame: string) =>
  plainLines(frame)
    .filter((l) => l.trim() !== "")
    .at(-1) ?? "";

describe("followers pane hint bar at 80 columns", () => {
  it("hints the pane's own keys before the group keys it shares", () => {
    const d = screenDriver(config());
    d.press(KEY.tab);
    expect(d.state().selection.focus).toBe("followers");
    const bar = hintBar(d.frame());
    expect(bar).toContain("space Follower on/off");
    expect(bar).toContain("f Flatten+lock");
    expect(bar).toContain("? Help");
    d.store.dispose();
  });

  it("shows unlock and resync when the selected follower is locked and out of sync", () => {
    const d = screenDriver(config());
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
    d.store.publish();
    d.press(KEY.tab);
    const bar = hintBar(d.frame());
    expect(bar).toContain("f Flatten+lock");
    expect(bar).toContain("u Unlock");
    expect(bar).toMatch(/r Resync/);
    expect(bar).toContain("q Quit");
    d.store.dispose();
  });
});
