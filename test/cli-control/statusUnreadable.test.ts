import { afterEach, describe, expect, it, vi } from "vitest";
import { followerInfo } from "../../components/FollowersPane.js";
import type { ConnectionStatusEvent } from "../../engine/types.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { describeEvent } from "../../src/headless/format.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { screenFixture } from "../components/fixtures.js";
import { crossBrokerConfig, follower } from "../support/rig.js";

/** A ProjectX account its login could not read: `mimik status`, the headless line and the console say so, and why. */
describe("mimik status: an account that cannot be read", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const reason = "ProjectX Position/searchOpen failed (1): Account is under review";
  const status: ConnectionStatusEvent = {
    type: "connectionStatus",
    at: 1,
    connection: "px",
    broker: "projectx",
    state: "connected",
    unreadable: [{ account: "TSX5002", reason }],
  };

  it("carries it from the engine's event into the report, on its login and on its follower, and reads it back", () => {
    vi.useFakeTimers();
    const store = new EngineStore({ batchMs: 10 });
    store.setConfig(
      crossBrokerConfig(
        { DEMO1000: "sim", TSX5001: "px", TSX5002: "px" },
        { name: "U", leader: "DEMO1000", followers: [follower("TSX5001"), follower("TSX5002")] },
      ),
    );
    store.push(status);
    vi.advanceTimersByTime(10);
    const report = statusReport(store.getSnapshot(), "LIVE");
    expect(report.connections.find((c) => c.name === "px")?.unreadable).toEqual([
      { account: "TSX5002", reason },
    ]);
    const [one, two] = report.groups[0]!.followers;
    expect([one?.unreadable, two?.unreadable]).toEqual([undefined, reason]);
    const lines = formatStatus(parseStatus(JSON.parse(JSON.stringify(report)))!);
    expect(lines).toContain(`px UNREADABLE TSX5002: ${reason}`);
    expect(lines.find((l) => l.trim().startsWith("TSX5002"))).toContain(
      `UNREADABLE, positions unknown, nothing copied: ${reason}`,
    );
    // It reads again: the lines go.
    store.push({ ...status, unreadable: undefined });
    vi.advanceTimersByTime(10);
    const after = statusReport(store.getSnapshot(), "LIVE");
    expect(after.connections.find((c) => c.name === "px")).not.toHaveProperty("unreadable");
    expect(after.groups[0]!.followers[1]).not.toHaveProperty("unreadable");
    store.dispose();
  });

  it("shows on the headless line and in the console's follower line", () => {
    expect(describeEvent(status)).toContain(`; UNREADABLE TSX5002: ${reason}`);
    const row = screenFixture().followers[0]!;
    expect(followerInfo({ ...row, unreadable: reason })).toContain(
      `UNREADABLE (nothing copied until it reads): ${reason}`,
    );
  });
});
