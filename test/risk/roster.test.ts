import { describe, expect, it } from "vitest";
import { REFUSALS } from "../../engine/outcome.js";
import { RiskRoster } from "../../engine/risk/roster.js";
import { configWith } from "./fakes.js";

function roster(leaders = ["LEAD"]) {
  return new RiskRoster((name) => leaders.includes(name));
}

describe("RiskRoster: the followers risk may act on", () => {
  it.each([
    ["a follower of the config", "F1", "F1"],
    ["a leader", "LEAD", REFUSALS.leader],
    ["a name nobody configured", "NOPE", REFUSALS.notFollower],
    [
      "another spelling of a follower (names are compared as the config spells them)",
      "f1",
      REFUSALS.notFollower,
    ],
  ])("%s: %s → %s", (_, name, expected) => {
    const r = roster();
    r.setConfig(configWith([{ account: "F1" }]));
    const target = r.target(name);
    expect(typeof target === "string" ? target : target.name).toBe(expected);
  });

  it("each follower once, with its group and limits; a leader listed as a follower is not one", () => {
    const r = roster();
    const config = configWith([
      { account: "F1", group: "alpha", limits: { dailyLoss: 100 } },
      { account: "F2", group: "beta" },
    ]);
    config.groups[1]?.followers.push({ ...config.groups[1].followers[0]!, account: "F1" });
    config.groups[0]?.followers.push({ ...config.groups[0].followers[0]!, account: "LEAD" });
    r.setConfig(config);
    expect([...r.all()].map((f) => [f.name, f.group, f.limits, f.configured])).toEqual([
      ["F1", "alpha", { dailyLoss: 100 }, true],
      ["F2", "beta", {}, true],
    ]);
  });

  it("a follower that leaves the config stays known (its saved lock), but is no target", () => {
    const r = roster();
    r.setConfig(configWith([{ account: "F1" }, { account: "F2" }]));
    r.setConfig(configWith([{ account: "F1" }]));
    const f2 = r.get("F2");
    expect(f2).toMatchObject({ configured: false, group: undefined });
    expect(f2 && r.mayTarget(f2)).toBe(false);
    expect(r.target("F2")).toBe(REFUSALS.notFollower);
  });

  it("a follower that becomes a leader is no target, even before the next config", () => {
    const leaders: string[] = [];
    const r = new RiskRoster((name) => leaders.includes(name));
    r.setConfig(configWith([{ account: "F1" }]));
    leaders.push("F1");
    expect(r.target("F1")).toBe(REFUSALS.leader);
  });
});
