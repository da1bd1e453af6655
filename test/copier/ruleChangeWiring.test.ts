import { describe, expect, it } from "vitest";
import type { SyncStatusEvent } from "../../engine/types.js";
import { world } from "./harness.js";

/**
 * The copier's side of a config edit that changes a follower's rule (RuleChanges, called from
 * Copier.setConfig): the follower gets the look a re-sync gives, but only once both its login
 * and its leader's have synced. Judged from an empty leader book, a line shown OUT OF SYNC was
 * announced in sync (0/0) while the follower still held it.
 */
const shown = (w: ReturnType<typeof world>, follower: string) =>
  w.events.flatMap((e) =>
    e.type === "syncStatus" && e.follower === follower
      ? [[e.contract, e.has, e.expects, e.inSync] as const]
      : ([] as (readonly [string, number, number, boolean])[]),
  );
const lastOf = (w: ReturnType<typeof world>, follower: string): SyncStatusEvent | undefined =>
  w.events.filter((e): e is SyncStatusEvent => e.type === "syncStatus" && e.follower === follower).at(-1);

describe("Copier.setConfig: a follower whose rule an edit changed is judged again", () => {
  it("an edit pointing its group at a leader whose login is still syncing waits for that sync", async () => {
    // M leads a group of its own, on a login that has not synced yet.
    const w = world(
      [
        { name: "g", leader: "L", reconcile: "off", followers: [{ account: "A" }] },
        { name: "h", leader: "M", reconcile: "off", followers: [{ account: "B" }] },
      ],
      { unsynced: ["M"] },
    );
    w.copier.setConfig(w.config);
    w.trade("L", "ESZ6", "Buy", 2);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2);
    // M holds 1, unheard: its login is not synced.
    w.session("M").muted = true;
    w.trade("M", "ESZ6", "Buy", 1);
    w.session("M").muted = false;

    // A's sizing halved: judged at once (both logins synced), OUT OF SYNC.
    const half = structuredClone(w.config);
    half.groups[0]!.followers[0]!.sizing = { mode: "multiplier", value: 0.5 };
    w.setConfig(half);
    w.copier.setConfig(half);
    expect(shown(w, "A")).toEqual([["ESZ6", 2, 1, false]]);

    // Group g now follows M, whose login is still syncing: nothing is judged from its empty book.
    const toM = structuredClone(half);
    toM.groups = [{ ...toM.groups[0]!, leader: "M" }];
    w.setConfig(toM);
    w.copier.setConfig(toM);
    expect(shown(w, "A")).toEqual([["ESZ6", 2, 1, false]]);

    // M's login syncs: A is judged against M's long 1 (×0.5 → 1), still OUT OF SYNC by 1.
    w.session("M").sync(true);
    expect(lastOf(w, "A")).toMatchObject({ contract: "ESZ6", has: 2, expects: 1, inSync: false });
    expect(shown(w, "A").some(([, has, expects]) => has === 0 && expects === 0)).toBe(false);
    await w.flush();
    expect(w.position("A", "ESZ6")).toBe(2); // nothing sent: openings and resyncs wait for `r`
  });
});
