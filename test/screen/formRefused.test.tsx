import { describe, expect, it } from "vitest";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }, { name: "FOLL2" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1"] }],
  });

/** The repository's words when the file on disk was edited by hand and is not valid now. */
const HAND_EDIT =
  "config.json: the file was edited by hand and is not valid now, so this change was not saved (fix or undo the edit first)";

describe("a form whose save the config refuses", () => {
  it("comes back as it was left, with the reason, so nothing typed is lost", async () => {
    const d = screenDriver(config());
    d.holder.update = async () => ({ ok: false, message: HAND_EDIT });
    d.press(KEY.tab, text("e"));
    // account → enabled → sizing → multiplier
    d.press(KEY.tab, KEY.tab, KEY.tab, KEY.ctrlU, text("0.5"), KEY.enter);
    await d.settle();
    const form = d.state().form;
    expect(form?.kind).toBe("follower");
    expect(form?.state.values.multiplier).toBe("0.5");
    expect(d.state().flash).toContain("edited by hand");
    const frame = d.frame();
    expect(frame).toContain("Edit follower FOLL1");
    expect(frame).toContain("0.5");
    expect(frame).toContain("edited by hand");
    d.store.dispose();
  });

  it("a new group refused comes back too; a save that goes through closes the form", async () => {
    const d = screenDriver(config());
    const update = d.holder.update;
    d.holder.update = async () => ({ ok: false, message: HAND_EDIT });
    d.press(text("n"), text("Swing"), KEY.tab, KEY.right, KEY.enter);
    await d.settle();
    expect(d.state().form?.kind).toBe("group");
    expect(d.state().form?.state.values.name).toBe("Swing");
    d.holder.update = update;
    d.press(KEY.enter);
    await d.settle();
    expect(d.state().form).toBeUndefined();
    expect(d.holder.get().groups.map((g) => g.name)).toEqual(["NQ Scalps", "Swing"]);
    d.store.dispose();
  });

  it("does not come back over what the trader opened meanwhile", async () => {
    const d = screenDriver(config());
    let refuse: (value: { ok: false; message: string }) => void = () => undefined;
    d.holder.update = () =>
      new Promise((resolve) => {
        refuse = resolve;
      });
    d.press(KEY.tab, text("e"), KEY.enter);
    d.press(text("?"));
    refuse({ ok: false, message: HAND_EDIT });
    await d.settle();
    expect(d.state().form).toBeUndefined();
    expect(d.state().help).toBe(0);
    d.store.dispose();
  });
});
