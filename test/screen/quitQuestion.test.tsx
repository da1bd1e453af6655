import { describe, expect, it } from "vitest";
import type { ExitPendingEvent } from "../../engine/index.js";
import { quitQuestion, unfinishedWork } from "../../src/screen/unfinishedWork.js";
import { KEY, screenDriver, testConfig, text } from "./driver.js";

/**
 * `q` while a flatten or an exit retry is under way: both go on only while mimik runs, so a
 * trader who flattens with `!` and quits at once is asked first. Ctrl+C never asks.
 */

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1", label: "Mike" }, { name: "FOLL2" }, { name: "FOLL3" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1", "FOLL2", "FOLL3"] }],
  });

const flattening = (follower: string) =>
  ({ type: "followerState", at: 0, follower, state: "LIQUIDATE_ONLY", reason: "manual" }) as const;
const exitRetried = (follower: string): ExitPendingEvent => ({
  ...{ type: "exitPending", at: 0, group: "NQ Scalps", follower, contract: "NQZ6", pending: true },
  ...{ has: 2, goal: 0, reason: "rejected: market closed", attempts: 1 },
});

describe("what a quit would leave half done", () => {
  const live = (state: "ACTIVE" | "LIQUIDATE_ONLY" | "LOCKED", exits = 0) => ({
    state,
    exitsPending: Array.from({ length: exits }, () => exitRetried("x")),
  });

  it.each([
    ["nothing under way", {}, undefined],
    ["a locked follower, flat", { FOLL1: live("LOCKED") }, undefined],
    [
      "one being flattened, by its label",
      { FOLL1: live("LIQUIDATE_ONLY") },
      { flattening: ["Mike"], retrying: [] },
    ],
    ["an exit retried", { FOLL2: live("ACTIVE", 1) }, { flattening: [], retrying: ["FOLL2"] }],
    [
      "a follower being flattened is not also counted as retrying",
      { FOLL1: live("LIQUIDATE_ONLY", 1), FOLL3: live("LOCKED", 1) },
      { flattening: ["Mike"], retrying: ["FOLL3"] },
    ],
  ])("%s", (_name, followers, expected) => {
    expect(unfinishedWork(config(), new Map(Object.entries(followers)))).toEqual(expected);
  });

  it.each([
    [
      ["Mike"],
      [],
      "Quit while Mike is still being flattened? Nothing goes on with it until mimik starts again",
    ],
    [
      ["Mike", "FOLL2"],
      ["FOLL3"],
      "Quit while Mike and FOLL2 are still being flattened and FOLL3 has an exit still being retried? Nothing goes on with them until mimik starts again",
    ],
    [
      [],
      ["a", "b", "c", "d"],
      "Quit while a, b and 2 more have exits still being retried? Nothing goes on with them until mimik starts again",
    ],
  ])("asks %j / %j", (flattening, retrying, question) => {
    expect(quitQuestion({ flattening, retrying })).toBe(question);
  });
});

describe("q on the console", () => {
  it("quits at once with nothing under way", () => {
    const d = screenDriver(config());
    d.press(text("q"));
    expect(d.quits()).toBe(1);
    d.store.dispose();
  });

  it("asks while a follower is being flattened, whole at 80×24; n stays, y quits", () => {
    const d = screenDriver(config());
    d.store.push(flattening("FOLL1"));
    d.store.publish();
    d.press(text("q"));
    const question =
      "Quit while Mike is still being flattened? Nothing goes on with it until mimik starts again";
    expect(d.state().confirm?.message).toBe(question);
    expect(d.frame().replace(/\s+/g, " ")).toContain(`⚠ ${question} y/N`);
    expect(d.quits()).toBe(0);
    d.press(text("n"));
    expect(d.quits()).toBe(0);
    expect(d.state().flash).toBe("cancelled");
    d.press(text("q"), text("y"));
    expect(d.quits()).toBe(1);
    d.store.dispose();
  });

  it("asks while an exit is being retried, and no more once it ended", () => {
    const d = screenDriver(config());
    d.store.push(exitRetried("FOLL2"));
    d.store.publish();
    d.press(text("q"));
    expect(d.state().confirm?.message).toBe(
      "Quit while FOLL2 has an exit still being retried? Nothing goes on with it until mimik starts again",
    );
    d.press(KEY.escape);
    d.store.push({ ...exitRetried("FOLL2"), pending: false, has: 0, reason: "filled" });
    d.store.publish();
    d.press(text("q"));
    expect(d.state().confirm).toBeUndefined();
    expect(d.quits()).toBe(1);
    d.store.dispose();
  });

  it("Ctrl+C quits at once even with a flatten under way", () => {
    const d = screenDriver(config());
    d.store.push(flattening("FOLL1"));
    d.store.publish();
    d.press(KEY.ctrlC);
    expect(d.state().confirm).toBeUndefined();
    expect(d.quits()).toBe(1);
    d.store.dispose();
  });
});
