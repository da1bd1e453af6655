import { describe, expect, it } from "vitest";
import { plainLines } from "../components/helpers.js";
import { screenDriver, testConfig } from "./driver.js";

const config = () => {
  const c = testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }, { name: "FOLL2" }, { name: "SHAD3" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1", "FOLL2", "SHAD3"] }],
  });
  c.groups[0]!.followers[2]!.shadow = true;
  return c;
};

/** The follower's table row (the title line names the selected one too). */
const rowOf = (frame: string, account: string) =>
  plainLines(frame).find((l) => l.includes(account) && !l.includes("Followers of")) ?? "";

describe("followers pane: a follower's position before its broker has reported it", () => {
  it("is not called flat while its login has not reported positions (it may hold contracts)", () => {
    const d = screenDriver(config());
    d.store.push({ type: "positions", at: 0, account: "FOLL1", positions: [] });
    d.store.publish();
    const frame = d.frame();
    expect(rowOf(frame, "FOLL1")).toMatch(/\bflat\b/);
    expect(rowOf(frame, "FOLL2")).not.toMatch(/\bflat\b/);
    expect(rowOf(frame, "FOLL2")).toMatch(/\bunknown\b/);
    // A shadow's would-be position is mimik's own book, flat until its first would-be trade.
    expect(rowOf(frame, "SHAD3")).toMatch(/\bflat\b/);

    d.store.push({
      type: "positions",
      at: 1,
      account: "FOLL2",
      positions: [{ contract: "NQZ6", netPos: -1 }],
    });
    d.store.publish();
    expect(rowOf(d.frame(), "FOLL2")).toContain("NQZ6 -1");
    d.store.dispose();
  });

  it("does not call its sync ok: whether it matches the sizing rule is not known either", () => {
    const d = screenDriver(config());
    d.store.push({ type: "positions", at: 0, account: "FOLL1", positions: [] });
    d.store.publish();
    const frame = d.frame();
    expect(rowOf(frame, "FOLL1")).toMatch(/\bok\s*$/);
    expect(rowOf(frame, "FOLL2")).not.toMatch(/\bok\s*$/);
    d.store.dispose();
  });
});
