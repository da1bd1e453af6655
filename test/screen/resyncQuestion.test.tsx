import { describe, expect, it } from "vitest";
import type { Config, Limits } from "../../data/schema.js";
import { KEY, type ScreenDriver, screenDriver, testConfig, text } from "./driver.js";

/**
 * `r`'s y/N question says beforehand when the resync's opening would be refused and why, from
 * what the screen shows (the engine judges again when it runs). One firm, Apex: FOLL1 follows LEAD1
 * in "ES Swing", FOLL2 follows LEAD2 in "Scalps".
 */
function apex(limits: Limits = {}): Config {
  const config = testConfig({
    accounts: [{ name: "LEAD1" }, { name: "LEAD2" }, { name: "FOLL1", label: "Mike" }, { name: "FOLL2" }],
    groups: [
      { name: "ES Swing", leader: "LEAD1", followers: ["FOLL1"] },
      { name: "Scalps", leader: "LEAD2", followers: ["FOLL2"] },
    ],
  });
  for (const a of config.accounts) if (a.name.startsWith("FOLL")) a.firm = "Apex";
  config.groups[0]!.followers[0]!.limits = limits;
  return config;
}

/** FOLL1 OUT OF SYNC in each of `lines` ([contract, has, expects]); `events` sets the rest. */
function outOfSync(d: ScreenDriver, lines: [string, number, number][]) {
  for (const [contract, has, expects] of lines)
    d.store.push({ type: "syncStatus", at: 0, follower: "FOLL1", contract, has, expects, inSync: false });
}

/** r on FOLL1 in the followers pane: the question asked. */
function ask(d: ScreenDriver): string | undefined {
  d.store.publish();
  d.press(KEY.tab, text("r"));
  return d.state().confirm?.message;
}

describe("r: the question says when the opening would be refused", () => {
  it("nothing held back: the plain question", () => {
    const d = screenDriver(apex());
    outOfSync(d, [["ESZ6", 0, 2]]);
    expect(ask(d)).toBe("Resync Mike (FOLL1): BUY 2 ESZ6 to match the sizing rule?");
    d.store.dispose();
  });

  it("names every order a y sends, the lines the pane does not show too", () => {
    const d = screenDriver(apex());
    outOfSync(d, [
      ["ESZ6", 0, 2],
      ["NQZ6", 3, 1],
    ]);
    d.store.publish();
    // The sync column and the title show one line: ESZ6.
    expect(d.frame()).not.toContain("NQZ6");
    expect(ask(d)).toBe("Resync Mike (FOLL1): BUY 2 ESZ6, SELL 2 NQZ6 to match the sizing rule?");
    d.store.dispose();
  });

  it("another follower of the firm holds the other side: hedge guard, nothing would be sent", async () => {
    const d = screenDriver(apex());
    d.store.push({
      type: "positions",
      at: 0,
      account: "FOLL2",
      positions: [{ contract: "MESZ6", netPos: -3 }],
    });
    outOfSync(d, [["ESZ6", 0, 2]]);
    expect(ask(d)).toBe("Opening refused, hedge guard (ESZ6): resync Mike (FOLL1) sends nothing. Try?");
    // At 80 columns the refusal is what the line keeps.
    expect(d.frame()).toContain("⚠ Opening refused, hedge guard (ESZ6): resync Mike (FOLL1)");
    d.press(text("y"));
    await d.settle();
    expect(d.commands).toEqual([{ cmd: "resync", follower: "FOLL1" }]);
    d.store.dispose();
  });

  it("the day's trades used up, with a line that only reduces: the question says only that goes", () => {
    const d = screenDriver(apex({ maxTradesPerDay: 3 }));
    d.store.push({
      ...{ type: "risk", at: 0, follower: "FOLL1", netLiq: 50_000, dayPnl: 0, highWaterMark: 50_000 },
      tradesToday: 3,
    });
    outOfSync(d, [
      ["ESZ6", 0, 2],
      ["NQZ6", 3, 1],
    ]);
    expect(ask(d)).toBe(
      "Opening refused, max trades per day (ESZ6): resync Mike (FOLL1), what reduces only (SELL 2 NQZ6)?",
    );
    d.store.dispose();
  });

  it("another follower of the firm on the same side refuses nothing", () => {
    const d = screenDriver(apex());
    d.store.push({
      type: "positions",
      at: 0,
      account: "FOLL2",
      positions: [{ contract: "ESZ6", netPos: 1 }],
    });
    outOfSync(d, [["ESZ6", 0, 2]]);
    expect(ask(d)).toBe("Resync Mike (FOLL1): BUY 2 ESZ6 to match the sizing rule?");
    d.store.dispose();
  });
});

describe("r: a y after what the question named has changed", () => {
  it("sends nothing and asks again, naming the orders a y would send now", async () => {
    // Asked to BUY 2 ESZ6; the leader went short before the y: the resync would have sold 2.
    const d = screenDriver(apex());
    outOfSync(d, [["ESZ6", 0, 2]]);
    expect(ask(d)).toBe("Resync Mike (FOLL1): BUY 2 ESZ6 to match the sizing rule?");
    outOfSync(d, [["ESZ6", 0, -2]]);
    d.store.publish();

    d.press(text("y"));
    await d.settle();
    expect(d.commands).toEqual([]);
    expect(d.state().confirm?.message).toBe(
      "Changed since asked: Resync Mike (FOLL1): SELL 2 ESZ6 to match the sizing rule?",
    );

    d.press(text("y"));
    await d.settle();
    expect(d.commands).toEqual([{ cmd: "resync", follower: "FOLL1" }]);
    d.store.dispose();
  });

  it("sends nothing when the follower came back in sync meanwhile", async () => {
    const d = screenDriver(apex());
    outOfSync(d, [["ESZ6", 0, 2]]);
    ask(d);
    d.store.push({
      type: "syncStatus",
      at: 0,
      follower: "FOLL1",
      contract: "ESZ6",
      has: 2,
      expects: 2,
      inSync: true,
    });
    d.store.publish();

    d.press(text("y"));
    await d.settle();
    expect(d.commands).toEqual([]);
    expect(d.state().confirm).toBeUndefined();
    expect(d.state().flash).toBe("Resync: not sent, follower is in sync now");
    d.store.dispose();
  });
});
