import { describe, expect, it } from "vitest";
import { outOfSyncOf, resyncQuestion } from "../../src/cli/commands/resync.js";
import { parseStatus } from "../../src/cli/statusText.js";

const report = parseStatus({
  mode: "SIM",
  pid: 1,
  connections: [],
  latency: { p50: 0, p99: 0, count: 0 },
  groups: [
    {
      name: "main",
      active: true,
      leader: "DEMO1000",
      followers: [
        { account: "DEMO2001", label: "half", enabled: true, state: "ACTIVE", positions: [] },
        { account: "DEMO2002", enabled: true, state: "ACTIVE", positions: [] },
      ],
    },
  ],
  outOfSync: [
    { follower: "DEMO2001", contract: "ESZ6", has: 0, expects: 2 },
    { follower: "DEMO2001", contract: "NQZ6", has: -3, expects: -1 },
  ],
})!;

describe("mimik resync's question", () => {
  it("names each OUT OF SYNC line of the follower, found by account or label", () => {
    const lines = outOfSyncOf(report, "half");
    expect(outOfSyncOf(report, "demo2001")).toEqual(lines);
    expect(resyncQuestion("half", lines ?? [])).toBe(
      "Resync half: ESZ6 has 0, expects +2; NQZ6 has -3, expects -1 (sends the difference at market)? [y/N] ",
    );
  });

  it("says when the follower is not shown out of sync, and knows no name the status lacks", () => {
    expect(resyncQuestion("DEMO2002", outOfSyncOf(report, "DEMO2002") ?? [])).toBe(
      "Resync DEMO2002 (not shown OUT OF SYNC now)? [y/N] ",
    );
    expect(outOfSyncOf(report, "nobody")).toBeUndefined();
  });
});
