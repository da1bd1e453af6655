import { describe, expect, it } from "vitest";
import { plainLines } from "../components/helpers.js";
import { KEY, screenDriver, testConfig } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1"] }],
  });

const LOCK =
  "FOLL1: flat, LOCKED (trailing drawdown: net liq $48388.75 at or below floor $49100.00 (high-water mark $50000.00 − $900.00))";

describe("an alert too long for its pane at 80×24", () => {
  it("is read in full with Enter in the alerts pane, on the bottom lines", () => {
    const d = screenDriver(config());
    d.store.push({ type: "alert", at: 0, level: "warn", message: "an older alert" });
    d.store.push({ type: "alert", at: 0, level: "info", message: LOCK });
    d.store.publish();
    d.press(KEY.tab, KEY.tab, KEY.tab);
    expect(d.state().selection.focus).toBe("alerts");
    // The pane holds three lines at 80×24: the lock's floor and high-water mark are cut.
    expect(d.frame()).not.toContain("high-water mark $50000.00");
    d.press(KEY.enter);
    expect(d.state().flash).toMatch(/^\d\d:\d\d:\d\d INFO FOLL1: flat, LOCKED \(trailing drawdown/);
    const bottom = plainLines(d.frame()).join(" ").replace(/\s+/g, " ");
    expect(bottom).toContain("high-water mark $50000.00 − $900.00))");
    // The next alert, and Enter again.
    d.press(KEY.down, KEY.enter);
    expect(d.state().flash).toContain("WARN an older alert");
    d.store.dispose();
  });

  it("says there is nothing to read when there are no alerts", () => {
    const d = screenDriver(config());
    d.press(KEY.tab, KEY.tab, KEY.tab, KEY.enter);
    expect(d.state().flash).toBe("Read in full: nothing here yet");
    d.store.dispose();
  });
});
