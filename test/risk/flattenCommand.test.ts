import { describe, expect, it } from "vitest";
import { byHand, type FlattenTarget } from "../../engine/commands.js";
import type { EngineEvent } from "../../engine/index.js";
import { configWith, ES, flush, rig } from "./fakes.js";

/**
 * A flatten by hand of many followers marks its followers' states with the command (so the
 * notifier says it once); nothing else does, and the saved record never holds it.
 */

const MON_NOON = Date.parse("2026-01-12T18:00:00Z");
const GROUP = "flatten of group main by hand";

/** F1…F3 of group main, each long 1 ES at 5000 with 50 000 cash; F3 with a daily loss limit of 500. */
async function setup() {
  const r = rig(MON_NOON);
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.prices.set(ES.id, 5000);
  const followers = ["F1", "F2", "F3"];
  followers.forEach((name, i) => {
    const id = 11 + i;
    r.session.addAccount(id, name, 50_000);
    r.session.positionsBy
      .get(id)
      ?.set(ES.id, { accountId: id, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
  });
  r.setConfig(
    configWith(
      followers.map((account) => ({
        account,
        group: "main",
        limits: account === "F3" ? { dailyLoss: 500 } : {},
      })),
    ),
  );
  await r.engine.start();
  followers.forEach((_, i) => {
    r.session.setBalance(11 + i, 50_000);
  });
  await flush();
  return r;
}

/** Each state of the follower, with the command it was marked with (its id), if any. */
function marked(events: EngineEvent[], follower: string): string[] {
  return events.flatMap((e) =>
    e.type === "followerState" && e.follower === follower
      ? [`${e.state}${e.command ? ` #${e.command.id} ${e.command.what}` : ""}`]
      : [],
  );
}

describe("how a flatten command by hand is told to risk", () => {
  const rows: [FlattenTarget, string | undefined, ReturnType<typeof byHand>][] = [
    [{ group: "MAIN" }, "main", { command: "flatten of group main by hand" }],
    [{ group: "main" }, undefined, { command: "flatten of group main by hand" }],
    [{ all: true }, undefined, { command: "flatten of every follower by hand" }],
    [{ follower: "F1" }, undefined, "manual"],
  ];
  it.each(rows)("%o (group %s) → %o", (target, group, by) => {
    expect(byHand(target, group)).toEqual(by);
  });
});

describe("a flatten by hand of many followers", () => {
  it("marks its close-outs and locks with the command; a limit's lock in the meantime is not marked", async () => {
    const r = await setup();
    const done = r.engine.flattenAndLock(["F1", "F2"], "manual", { command: GROUP });
    r.session.quote(ES, 4989); // F3 long 1: −550, past its daily loss of 500
    await done;
    await flush();
    expect(["F1", "F2", "F3"].map((f) => marked(r.events, f))).toEqual([
      [`LIQUIDATE_ONLY #1 ${GROUP}`, `LOCKED #1 ${GROUP}`],
      [`LIQUIDATE_ONLY #1 ${GROUP}`, `LOCKED #1 ${GROUP}`],
      ["LIQUIDATE_ONLY", "LOCKED"],
    ]);
    // The saved record is the lock's, not the command's.
    expect(r.store.saves.filter((s) => "command" in s.record)).toEqual([]);
    expect(JSON.stringify(r.store.state)).not.toContain(GROUP);
    // New fields go last: a journal line reads as it did up to them.
    const line = r.events.find((e) => e.type === "followerState" && e.command !== undefined);
    expect(Object.keys(line!).slice(-2)).toEqual(["group", "command"]);
  });

  it("a second command is another id; a flatten of one follower and a lock by hand are no command's", async () => {
    const r = await setup();
    await r.engine.flattenAndLock(["F1", "F2"], "manual", { command: GROUP });
    await flush();
    await r.engine.unlock("F1");
    await r.engine.unlock("F2");
    await r.engine.flattenAndLock(["F1", "F2"], "manual", { command: GROUP });
    await flush();
    await r.engine.unlock("F1");
    await r.engine.flattenAndLock(["F1"]);
    await r.engine.lock("F3", "manual");
    await flush();
    expect(marked(r.events, "F1")).toEqual([
      `LIQUIDATE_ONLY #1 ${GROUP}`,
      `LOCKED #1 ${GROUP}`,
      "ACTIVE",
      `LIQUIDATE_ONLY #2 ${GROUP}`,
      `LOCKED #2 ${GROUP}`,
      "ACTIVE",
      "LIQUIDATE_ONLY",
      "LOCKED",
    ]);
    expect(marked(r.events, "F3")).toEqual(["LOCKED"]);
  });

  it("takes over a limit's flatten under way: its lock is then said with the command's", async () => {
    const r = await setup();
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4989); // F3 past its daily loss: its flatten is sent, not filled yet
    await flush();
    await r.engine.flattenAndLock(["F2", "F3"], "manual", { command: GROUP });
    r.session.closeAtMarket(12, ES.id);
    r.session.closeAtMarket(13, ES.id);
    await flush();
    expect(marked(r.events, "F3")).toEqual([
      "LIQUIDATE_ONLY",
      // Its lock is now the trader's (until unlocked by hand), not the day's.
      `LIQUIDATE_ONLY #1 ${GROUP}`,
      `LOCKED #1 ${GROUP}`,
    ]);
    expect(r.engine.snapshot("F3")).toMatchObject({ state: "LOCKED", lockKind: "manual" });
  });
});
