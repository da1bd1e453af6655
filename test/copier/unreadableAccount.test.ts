import { describe, expect, it } from "vitest";
import { world } from "./harness.js";

/**
 * An account its login could not read at a sync (ProjectX: its searches failed) is unknown, not
 * flat: the re-sync of anyone else never judges from it. A leader so would look flat to its
 * followers, and every line they hold would be closed from a wrong picture.
 */
describe("a leader its login could not read", () => {
  it("after a restart its followers' re-sync sends nothing; once it reads, nothing is missed", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);

    // L is still long 2 at the broker, but its login cannot read it after the restart.
    await w.restart({
      whileDown: () => w.session("L").unreadableIds.set(w.id("L"), "Account is under review"),
    });
    await w.flush();
    // Before, L's login having synced, the copier took it flat and sold A's 2.
    expect(w.position("A", "ESZ6")).toBe(2);
    expect(w.broker.placed.filter((o) => o.accountId === w.id("A") && o.action === "Sell")).toEqual([]);

    w.session("L").unreadableIds.clear();
    w.session("L").sync(false);
    await w.flush();
    expect(w.copier.leaderPosition("L", "ESZ6")).toBe(2);
    expect(w.position("A", "ESZ6")).toBe(2);
  });

  it("once it reads after its exit while unknown, the follower's exit is made up", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    await w.restart({
      whileDown: () => {
        w.session("L").unreadableIds.set(w.id("L"), "Account is under review");
        w.session("L").muted = true;
        w.trade("L", "ESZ6", "Sell", 2);
      },
    });
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);

    w.session("L").muted = false;
    w.session("L").unreadableIds.clear();
    w.session("L").sync(false);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(0);
  });
});
