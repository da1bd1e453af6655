import { describe, expect, it } from "vitest";
import type { CopyEvent, LeaderFillEvent } from "../../engine/index.js";
import { world } from "./harness.js";

/**
 * The leader fill is told after its copies (they leave first), but it is stamped when the copier
 * took it: stamped when told, a journal read "leader fill at .681" under "skipped at .673".
 */
describe("a leader fill's time", () => {
  it("is no later than any of its copies' times, however long the fan-out took", async () => {
    const w = world(
      [
        {
          name: "g",
          leader: "L",
          followers: [{ account: "A" }, { account: "B", enabled: false }, { account: "C" }],
        },
      ],
      { nowStep: 1 },
    );
    const fillId = w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    const fill = w.events.find((e): e is LeaderFillEvent => e.type === "leaderFill" && e.fillId === fillId);
    const copies = w.events.filter((e): e is CopyEvent => e.type === "copy" && e.fillId === fillId);
    expect(copies.map((c) => [c.follower, c.outcome])).toEqual(
      expect.arrayContaining([
        ["A", "sent"],
        ["B", "skipped"],
        ["C", "sent"],
      ]),
    );
    expect(fill?.at).toBeLessThanOrEqual(Math.min(...copies.map((c) => c.at)));
  });
});
