import { describe, expect, it } from "vitest";
import type { CopyEvent } from "../../engine/index.js";
import { fillInFull } from "../../src/screen/fillInFull.js";
import type { FillRowVM } from "../../src/screen/viewModel.js";
import { KEY, screenDriver, testConfig } from "./driver.js";

/**
 * Enter on a fill: at 80 columns the pane gives a result's reason some 30 characters, and a
 * rejection's or a skip's reason is what the trader needs whole.
 */

const fill = (results: FillRowVM["results"], resync?: string): FillRowVM => ({
  ...{ id: "7", time: "07:00:30", leader: "LEAD1", contract: "NQZ6", side: "Buy", qty: 2, price: 21000.25 },
  results,
  resync,
});
const filled = (follower: string) => ({
  follower,
  outcome: "filled" as const,
  reason: "filled",
  latencyMs: 12,
});

describe("a fill in full words", () => {
  it.each<[string, FillRowVM, string]>([
    [
      "every copy filled: counted",
      fill([filled("half"), filled("tight")]),
      "07:00:30 LEAD1 BUY 2 NQZ6 @ 21000.25 · 2 filled",
    ],
    [
      "a skip and a rejection named with their reasons",
      fill([
        filled("half"),
        {
          follower: "micro",
          outcome: "skipped",
          reason: "whitelist holds back NQ (the group copies ES, CL)",
        },
        {
          follower: "tight",
          outcome: "rejected",
          reason: "Order quantity exceeds the account's max position",
        },
      ]),
      "07:00:30 LEAD1 BUY 2 NQZ6 @ 21000.25 · 1 filled · micro skipped: whitelist holds back NQ (the group copies ES, CL) · tight REJECTED: Order quantity exceeds the account's max position",
    ],
    [
      "one still on its way, with nothing more to say",
      fill([{ follower: "half", outcome: "sent", reason: "sent" }]),
      "07:00:30 LEAD1 BUY 2 NQZ6 @ 21000.25 · half sent",
    ],
    [
      "a re-sync says what it found",
      fill(
        [{ follower: "half", outcome: "sent", reason: "reconcile" }],
        "DEMO2001 synced; leader NQZ6 flat, was +2",
      ),
      "07:00:30 LEAD1 RE-SYNC: DEMO2001 synced; leader NQZ6 flat, was +2 · half sent: reconcile",
    ],
    [
      "a filled copy with more to say than its order is named",
      fill([
        filled("half"),
        {
          follower: "micro",
          outcome: "filled",
          reason: "SELL 2 MNQZ6: copied close only, opening held back: outside trading hours",
          noted: true,
        },
      ]),
      "07:00:30 LEAD1 BUY 2 NQZ6 @ 21000.25 · 1 filled · micro filled: SELL 2 MNQZ6: copied close only, opening held back: outside trading hours",
    ],
    [
      "past four named, the rest counted",
      fill(
        ["a", "b", "c", "d", "e", "f"].map((follower) => ({
          follower,
          outcome: "skipped" as const,
          reason: "disabled",
        })),
      ),
      "07:00:30 LEAD1 BUY 2 NQZ6 @ 21000.25 · a skipped: disabled · b skipped: disabled · c skipped: disabled · d skipped: disabled · 2 more not filled (in the pane)",
    ],
  ])("%s", (_name, row, words) => {
    expect(fillInFull(row)).toBe(words);
  });
});

describe("Enter on the Live fills pane", () => {
  const config = testConfig({
    accounts: [{ name: "LEAD1" }, { name: "FOLL1", label: "Mike" }],
    groups: [{ name: "Index", leader: "LEAD1", followers: ["FOLL1"] }],
  });

  it("shows the selected fill's reasons whole on the bottom lines at 80×24", () => {
    const d = screenDriver(config);
    d.press(KEY.tab, KEY.tab);
    d.press(KEY.enter);
    expect(d.state().flash).toBe("Read in full: nothing here yet");
    d.store.push({
      ...{ type: "leaderFill", at: 0, group: "Index", leader: "LEAD1", fillId: 7, orderId: 7 },
      ...{ contract: "NQZ6", side: "Buy", qty: 2, price: 21000.25 },
    });
    const reason = "opening held: the trading window 'RTH only' opens at 08:30 CT";
    const copy: CopyEvent = {
      ...{ type: "copy", at: 0, group: "Index", follower: "FOLL1", fillId: 7, contract: "NQZ6" },
      ...{ outcome: "skipped", reason },
    };
    d.store.push(copy);
    d.store.publish();
    expect(d.frame()).not.toContain(reason);
    d.press(KEY.enter);
    const words = d.state().flash ?? "";
    expect(words).toContain(`skipped: ${reason}`);
    expect(d.frame().replace(/\s+/g, " ")).toContain(reason);
    d.store.dispose();
  });
});
