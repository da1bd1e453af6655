import { describe, expect, it } from "vitest";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";

const status = (leaderPositions?: { contract: string; netPos: number }[]) =>
  parseStatus({
    mode: "SIM",
    pid: 1,
    connections: [],
    latency: { p50: 0, p99: 0, count: 0 },
    groups: [
      {
        name: "main",
        active: true,
        leader: "DEMO1000",
        ...(leaderPositions ? { leaderPositions } : {}),
        followers: [{ account: "DEMO2001", enabled: true, state: "ACTIVE", positions: [] }],
      },
    ],
    outOfSync: [],
  })!;

describe("mimik status: the leader's position beside its followers'", () => {
  it("says what the leader holds, flat, or nothing while it is not known", () => {
    const header = (s: ReturnType<typeof status>) => formatStatus(s).find((l) => l.startsWith("group "));
    expect(
      header(
        status([
          { contract: "ESZ6", netPos: 2 },
          { contract: "NQZ6", netPos: -1 },
        ]),
      ),
    ).toBe("group main (active), leader DEMO1000 ESZ6 +2, NQZ6 -1, 1 follower");
    expect(header(status([]))).toBe("group main (active), leader DEMO1000 flat, 1 follower");
    expect(header(status())).toBe("group main (active), leader DEMO1000, 1 follower");
  });
});
