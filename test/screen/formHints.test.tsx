import { describe, expect, it } from "vitest";
import { plainLines } from "../components/helpers.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1"] }],
  });

/** The hint bar: the frame's last line that is not blank. */
const hintBar = (frame: string) =>
  plainLines(frame)
    .filter((l) => l.trim() !== "")
    .at(-1) ?? "";

describe("a form's hint bar at 80 columns", () => {
  it("keeps the keys of the field the cursor is on", async () => {
    const d = screenDriver(config());
    d.press(KEY.tab, text("e"), KEY.down); // the follower form, on Enabled
    expect(d.state().form?.spec.fields[d.state().form?.state.focus ?? 0]?.id).toBe("enabled");
    expect(hintBar(d.frame())).toContain("space Toggle");
    d.press(KEY.space);
    expect(d.state().form?.state.values.enabled).toBe(false);

    d.press(KEY.down); // Sizing, a choice
    const choice = hintBar(d.frame());
    expect(choice).toContain("→ Next choice");
    expect(choice).not.toContain("Toggle");

    d.press(KEY.down); // Multiplier, text
    const typed = hintBar(d.frame());
    expect(typed).toContain("Enter Save");
    expect(typed).not.toContain("choice");
    d.store.dispose();
  });

  it("says why an arrow does nothing on a box to tick", () => {
    const d = screenDriver(config());
    d.press(KEY.tab, text("e"), KEY.down, KEY.right);
    expect(d.state().flash).toBe("Next choice: this field is not a choice");
    expect(d.state().form?.state.values.enabled).toBe(true);
    d.store.dispose();
  });
});
