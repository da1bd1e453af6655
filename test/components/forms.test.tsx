import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FollowerForm } from "../../components/FollowerForm.js";
import { GroupForm } from "../../components/GroupForm.js";
import { plainTheme } from "../../components/theme.js";
import type { Follower, Group } from "../../data/schema.js";
import { KEYS, plainLines, waitFor, waitForFrame } from "./helpers.js";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const groupCtx = {
  freeAccounts: [{ name: "LEAD1" }, { name: "ACC9", label: "spare" }],
  existingGroupNames: ["ES Swing"],
};
const followerCtx = { freeAccounts: [{ name: "FOLL1" }, { name: "FOLL2" }], groupName: "NQ Scalps" };

/** Type keys one at a time, waiting for each to show, so no test depends on timing. */
async function press(
  stdin: { write: (s: string) => void },
  lastFrame: () => string | undefined,
  key: string,
  until: (frame: string) => boolean,
): Promise<string> {
  stdin.write(key);
  return waitForFrame(lastFrame, until);
}

describe("GroupForm", () => {
  it("validates as you type, shows the message under the field, and saves with Enter", async () => {
    const onSubmit = vi.fn<(g: Group) => void>();
    const onCancel = vi.fn();
    const r = render(
      <GroupForm
        ctx={groupCtx}
        width={80}
        height={21}
        theme={plainTheme}
        onSubmit={onSubmit}
        onCancel={onCancel}
      />,
    );
    unmount = r.unmount;
    const { stdin, lastFrame } = r;
    await waitForFrame(lastFrame, (f) => f.includes("New group"));
    expect(lastFrame()).toMatch(/› Name\s+▏/);
    expect(lastFrame()).not.toContain("‹"); // arrows show only on the focused choice
    await press(stdin, lastFrame, "E", (f) => f.includes("E▏"));
    await press(stdin, lastFrame, "S", (f) => f.includes("ES▏"));
    await press(stdin, lastFrame, " ", (f) => f.includes("ES ▏"));
    stdin.write("swing");
    const clash = await waitForFrame(lastFrame, (f) => f.includes("already exists"));
    const lines = plainLines(clash);
    const nameLine = lines.findIndex((l) => l.includes("ES swing▏"));
    expect(lines[nameLine + 1]).toContain('✗ a group named "ES swing" already exists');

    stdin.write(KEYS.backspace);
    await waitForFrame(lastFrame, (f) => f.includes("ES swin▏") && !f.includes("already exists"));
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Leader\s+‹ LEAD1 ›/.test(f));
    await press(stdin, lastFrame, KEYS.right, (f) => f.includes("‹ ACC9 (spare) ›"));
    await press(stdin, lastFrame, KEYS.down, (f) => /› Active\s+\[x\] yes/.test(f));
    await press(stdin, lastFrame, " ", (f) => /› Active\s+\[ \] no/.test(f));
    stdin.write(KEYS.enter);
    await waitFor(() => onSubmit.mock.calls.length === 1, 2000, "onSubmit");
    expect(onSubmit).toHaveBeenCalledWith({
      name: "ES swin",
      leader: "ACC9",
      active: false,
      whitelist: { enabled: false, symbols: [] },
      followers: [],
    });
    expect(onCancel).not.toHaveBeenCalled();
  });

  it("refuses to save an invalid form and shows every error", async () => {
    const onSubmit = vi.fn();
    const r = render(
      <GroupForm
        ctx={groupCtx}
        width={80}
        height={21}
        theme={plainTheme}
        onSubmit={onSubmit}
        onCancel={() => {}}
      />,
    );
    unmount = r.unmount;
    await waitForFrame(r.lastFrame, (f) => f.includes("New group"));
    r.stdin.write(KEYS.enter);
    await waitForFrame(
      r.lastFrame,
      (f) => f.includes("group name must not be empty") && f.includes("fix 1 field"),
    );
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("cancels with Esc", async () => {
    const onCancel = vi.fn();
    const r = render(
      <GroupForm
        ctx={groupCtx}
        width={80}
        height={21}
        theme={plainTheme}
        onSubmit={() => {}}
        onCancel={onCancel}
      />,
    );
    unmount = r.unmount;
    await waitForFrame(r.lastFrame, (f) => f.includes("New group"));
    r.stdin.write(KEYS.escape);
    await waitFor(() => onCancel.mock.calls.length === 1, 2000, "onCancel");
  });

  it("takes q and ? as text in a text field", async () => {
    const r = render(
      <GroupForm
        ctx={groupCtx}
        width={80}
        height={21}
        theme={plainTheme}
        onSubmit={() => {}}
        onCancel={() => {}}
      />,
    );
    unmount = r.unmount;
    await waitForFrame(r.lastFrame, (f) => f.includes("New group"));
    r.stdin.write("q");
    await waitForFrame(r.lastFrame, (f) => f.includes("q▏"));
    r.stdin.write("?");
    await waitForFrame(r.lastFrame, (f) => f.includes("q?▏"));
  });
});

describe("FollowerForm", () => {
  it("offers only free accounts, switches sizing mode, validates numbers and saves", async () => {
    const onSubmit = vi.fn<(f: Follower) => void>();
    const r = render(
      <FollowerForm
        ctx={followerCtx}
        width={80}
        height={21}
        theme={plainTheme}
        onSubmit={onSubmit}
        onCancel={() => {}}
      />,
    );
    unmount = r.unmount;
    const { stdin, lastFrame } = r;
    await waitForFrame(lastFrame, (f) => f.includes("New follower in NQ Scalps"));
    await press(stdin, lastFrame, KEYS.right, (f) => f.includes("‹ FOLL2 ›"));
    await press(stdin, lastFrame, KEYS.right, (f) => f.includes("‹ FOLL1 ›")); // only the free ones, cycling
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Enabled/.test(f));
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Sizing\s+‹ multiplier ›/.test(f));
    await press(
      stdin,
      lastFrame,
      KEYS.right,
      (f) => f.includes("‹ fixed contracts ›") && f.includes("Contracts"),
    );
    expect(lastFrame()).not.toContain("Multiplier");
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Contracts\s+1▏/.test(f));
    await press(stdin, lastFrame, ".", (f) => f.includes("1.▏"));
    await press(stdin, lastFrame, "5", (f) => f.includes("✗ must be a whole number"));
    await press(stdin, lastFrame, KEYS.backspace, (f) => f.includes("1.▏"));
    await press(stdin, lastFrame, KEYS.backspace, (f) => f.includes("1▏") && !f.includes("whole number"));
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Max contracts/.test(f));
    await press(stdin, lastFrame, "x", (f) => f.includes("✗ must be a number"));
    await press(stdin, lastFrame, KEYS.backspace, (f) => !f.includes("must be a number"));
    await press(stdin, lastFrame, "4", (f) => /› Max contracts\s+4▏/.test(f));
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Mapping/.test(f));
    await press(stdin, lastFrame, KEYS.left, (f) => f.includes("micro → mini"));
    await press(stdin, lastFrame, KEYS.tab, (f) => /› Daily loss \$/.test(f));
    stdin.write("750");
    await waitForFrame(lastFrame, (f) => f.includes("750▏"));
    stdin.write(KEYS.enter);
    await waitFor(() => onSubmit.mock.calls.length === 1, 2000, "onSubmit");
    expect(onSubmit).toHaveBeenCalledWith({
      account: "FOLL1",
      enabled: true,
      sizing: { mode: "fixed", contracts: 1 },
      maxContracts: 4,
      mapping: "toMini",
      limits: { dailyLoss: 750 },
    });
  });

  it("fits its height and width", async () => {
    const r = render(
      <FollowerForm
        ctx={followerCtx}
        width={80}
        height={12}
        theme={plainTheme}
        onSubmit={() => {}}
        onCancel={() => {}}
      />,
    );
    unmount = r.unmount;
    const f = await waitForFrame(r.lastFrame, (x) => x.includes("Max trades/day"));
    const lines = plainLines(f);
    expect(lines.length).toBeLessThanOrEqual(12);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });
});
