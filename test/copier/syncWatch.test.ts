import { describe, expect, it } from "vitest";
import type { AccountRole } from "../../engine/accounts/directory.js";
import { SyncWatch } from "../../engine/copier/syncWatch.js";
import type { EngineEvent } from "../../engine/types.js";
import { DEFAULT_MAX_CONTRACTS } from "../../engine/types.js";
import { fakeClock } from "./fakeBroker.js";
import { buildConfig, type FollowerSpec } from "./harness.js";

function setup(
  follower: Partial<FollowerSpec> = {},
  whitelist = { enabled: false, symbols: [] as string[] },
) {
  const config = buildConfig([
    { name: "g", leader: "L", whitelist, followers: [{ account: "A", ...follower }] },
  ]);
  const group = config.groups[0]!;
  const leader = new Map<string, number>();
  const has = new Map<string, number>();
  /** What of `has` is our orders' in flight. */
  const flying = new Map<string, number>();
  const events: EngineEvent[] = [];
  /** Why the follower stands aside (locked, off); undefined while it takes openings. */
  const aside: { reason: string | undefined } = { reason: undefined };
  /** Both the follower's and its leader's logins have synced. */
  const synced = { ready: true };
  const watch = new SyncWatch({
    clock: fakeClock(),
    emit: (e) => events.push(e),
    role: (name): AccountRole | undefined =>
      name === "A" ? { kind: "follower", group, follower: group.followers[0]! } : undefined,
    leaderHeld: () => leader,
    followerPosition: (_, contract) => has.get(contract) ?? 0,
    inFlight: (_, contract) => flying.get(contract) ?? 0,
    elsewhere: (_, contract) =>
      [...has].reduce((sum, [c, n]) => (c === contract ? sum : sum + Math.abs(n)), 0),
    asideReason: () => aside.reason,
    ready: () => synced.ready,
  });
  const lines = () =>
    watch.lines(group, group.followers[0]!).map((l) => [l.contract, l.has, l.expects, l.inSync]);
  const shown = () =>
    events.flatMap((e) => (e.type === "syncStatus" ? [[e.contract, e.has, e.expects, e.inSync]] : []));
  return { watch, group, leader, has, flying, events, lines, shown, aside, synced };
}

describe("SyncWatch.expectedChanged: a look when what the follower should hold changed", () => {
  it("shows what differs, and says nothing while its leader's book is not synced", () => {
    const { watch, group, leader, has, shown, synced } = setup();
    leader.set("ESZ6", 2);
    has.set("ESZ6", 1);
    watch.followerResynced(group, group.followers[0]!);
    expect(shown()).toEqual([["ESZ6", 1, 2, false]]);
    // A config edit while the leader's login is still syncing: its empty book would clear the line.
    synced.ready = false;
    leader.clear();
    watch.expectedChanged(group, group.followers[0]!);
    expect(shown()).toEqual([["ESZ6", 1, 2, false]]);
    synced.ready = true;
    leader.set("ESZ6", 1);
    watch.expectedChanged(group, group.followers[0]!);
    expect(shown()).toEqual([
      ["ESZ6", 1, 2, false],
      ["ESZ6", 1, 1, true],
    ]);
  });
});

describe("SyncWatch: what the follower has against what the rule expects from its leader", () => {
  it.each([
    ["leader +2, follower +2: in sync", {}, [["ESZ6", 2]], [["ESZ6", 2]], [["ESZ6", 2, 2, true]]],
    ["leader +2, follower flat: out of sync", {}, [["ESZ6", 2]], [], [["ESZ6", 0, 2, false]]],
    [
      "m=0.5 of +3 expects +2",
      { sizing: { mode: "multiplier", value: 0.5 } },
      [["ESZ6", 3]],
      [],
      [["ESZ6", 0, 2, false]],
    ],
    [
      "max contracts caps what is expected",
      { maxContracts: 1 },
      [["ESZ6", 3]],
      [["ESZ6", 1]],
      [["ESZ6", 1, 1, true]],
    ],
    ["so does the default cap", {}, [["ESZ6", 1000]], [], [["ESZ6", 0, DEFAULT_MAX_CONTRACTS, false]]],
    [
      "mapped to the micro contract",
      { mapping: "toMicro" },
      [["ESZ6", 1]],
      [["MESZ6", 1]],
      [["MESZ6", 1, 1, true]],
    ],
    [
      "fixed 2 holding +4 (two leader orders): in sync",
      { sizing: { mode: "fixed", contracts: 2 } },
      [["ESZ6", 3]],
      [["ESZ6", 4]],
      [["ESZ6", 4, 2, true]],
    ],
    [
      "fixed 2 flat with the leader long: out of sync",
      { sizing: { mode: "fixed", contracts: 2 } },
      [["ESZ6", 3]],
      [],
      [["ESZ6", 0, 2, false]],
    ],
    ["flat on both sides: no line", {}, [["ESZ6", 0]], [], []],
  ] as const)("%s", (_, follower, leader, has, expected) => {
    const t = setup(follower as Partial<FollowerSpec>);
    for (const [c, n] of leader) t.leader.set(c, n);
    for (const [c, n] of has) t.has.set(c, n);
    expect(t.lines()).toEqual(expected);
  });

  it("toMicro: the line the leader holds speaks for a follower contract, not a mini it left flat", () => {
    // The leader traded ESZ6 earlier (held at 0) and holds +2 MESZ6: both come to A as MESZ6.
    const t = setup({ mapping: "toMicro" });
    t.leader.set("ESZ6", 0);
    t.leader.set("MESZ6", 2);
    t.has.set("MESZ6", 2);
    expect(t.lines()).toEqual([["MESZ6", 2, 2, true]]);
    // Flat everywhere at the leader: what A holds there is out of sync.
    t.leader.set("MESZ6", 0);
    expect(t.lines()).toEqual([["MESZ6", 2, 0, false]]);
  });

  it("a contract the whitelist holds back is expected flat", () => {
    const t = setup({}, { enabled: true, symbols: ["NQ"] });
    t.leader.set("ESZ6", 2);
    expect(t.lines()).toEqual([]);
  });

  it("after a follower re-sync a differing line is shown and watched until it matches, then shown in sync once", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.watch.followerResynced(t.group, t.group.followers[0]!);
    t.has.set("ESZ6", 1);
    t.watch.changed("A", "ESZ6");
    t.has.set("ESZ6", 2);
    t.watch.changed("A", "ESZ6");
    t.watch.changed("A", "ESZ6");
    expect(t.shown()).toEqual([
      ["ESZ6", 0, 2, false],
      ["ESZ6", 1, 2, false],
      ["ESZ6", 2, 2, true],
    ]);
  });

  it("a line brought to the rule by an order in flight is watched until that order is done: failed, it is out of sync again", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.watch.followerResynced(t.group, t.group.followers[0]!);
    const order = (has: number, flying: number) => {
      t.has.set("ESZ6", has);
      t.flying.set("ESZ6", flying);
      t.watch.changed("A", "ESZ6");
    };
    order(2, 2); // `r` sends +2: in flight
    order(0, 0); // rejected
    order(2, 2); // `r` again
    order(2, 0); // filled
    order(2, 0);
    expect(t.shown()).toEqual([
      ["ESZ6", 0, 2, false],
      ["ESZ6", 2, 2, true],
      ["ESZ6", 0, 2, false],
      ["ESZ6", 2, 2, true],
      ["ESZ6", 2, 2, true],
    ]);
  });

  it("after a leader re-sync: a warning for the group, and every line shown, in sync or not", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.leader.set("NQZ6", 1);
    t.has.set("ESZ6", 2);
    t.watch.leaderResynced(t.group);
    expect(t.events[0]).toMatchObject({ type: "alert", level: "warn", group: "g" });
    expect(t.shown()).toEqual([
      ["ESZ6", 2, 2, true],
      ["NQZ6", 0, 1, false],
    ]);
  });

  it("a leader login renewed for an added account: no alert unless the leader traded in that moment", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.has.set("ESZ6", 2);
    t.watch.leaderResynced(t.group, { traded: false });
    expect(t.events).toEqual([]);
    t.watch.leaderResynced(t.group, { traded: true });
    expect(t.events.filter((e) => e.type === "alert")).toEqual([
      expect.objectContaining({
        message:
          'leader L traded while its login re-synced for an account added to the config: those fills were not copied as they happened; exits were made up, openings were not; check group "g"',
      }),
    ]);
    expect(t.shown()).toEqual([["ESZ6", 2, 2, true]]);
  });

  it("a line shown out of sync that the follower's next re-sync finds in sync, or at 0 against 0, is said in sync and no longer watched", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.leader.set("NQZ6", 1);
    t.has.set("NQZ6", 3);
    t.watch.followerResynced(t.group, t.group.followers[0]!);
    // Away again: the leader sold ES out, the trader bought the follower's NQ to the rule by hand.
    t.leader.set("ESZ6", 0);
    t.has.set("NQZ6", 1);
    t.watch.followerResynced(t.group, t.group.followers[0]!);
    t.has.set("ESZ6", 5);
    t.watch.changed("A", "ESZ6");
    t.watch.changed("A", "NQZ6");
    expect(t.shown()).toEqual([
      ["ESZ6", 0, 2, false],
      ["NQZ6", 3, 1, false],
      ["NQZ6", 1, 1, true],
      ["ESZ6", 0, 0, true],
    ]);
  });

  it("a line nobody watches is never announced on a change", () => {
    const t = setup();
    t.leader.set("ESZ6", 2);
    t.watch.changed("A", "ESZ6");
    expect(t.events).toEqual([]);
  });
});

describe("SyncWatch: a follower standing aside (locked, off, its group paused) follows exits only", () => {
  it.each([
    ["flat beside a long leader: no line (nothing to open)", [["ESZ6", 2]], [], []],
    ["holding less than the rule: in sync", [["ESZ6", 3]], [["ESZ6", 1]], [["ESZ6", 1, 1, true]]],
    ["holding more than the rule: the reduce is owed", [["ESZ6", 1]], [["ESZ6", 3]], [["ESZ6", 3, 1, false]]],
    ["long beside a flat leader: the close is owed", [["ESZ6", 0]], [["ESZ6", 2]], [["ESZ6", 2, 0, false]]],
    [
      "long beside a short leader: flat, never the new side",
      [["ESZ6", -2]],
      [["ESZ6", 2]],
      [["ESZ6", 2, 0, false]],
    ],
  ] as const)("%s", (_, leader, has, expected) => {
    const t = setup();
    t.aside.reason = "locked";
    for (const [c, n] of leader) t.leader.set(c, n);
    for (const [c, n] of has) t.has.set(c, n);
    expect(t.lines()).toEqual(expected);
  });

  it("a lock clears the line shown; the unlock shows it again", () => {
    const t = setup();
    const a = t.group.followers[0]!;
    t.leader.set("ESZ6", 2);
    t.watch.followerResynced(t.group, a);
    t.aside.reason = "locked";
    t.watch.expectedChanged(t.group, a);
    // Nothing shown while it stands aside: its position moving is not news.
    t.has.set("ESZ6", 1);
    t.watch.changed("A", "ESZ6");
    t.aside.reason = undefined;
    t.watch.expectedChanged(t.group, a);
    expect(t.shown()).toEqual([
      ["ESZ6", 0, 2, false],
      ["ESZ6", 0, 0, true],
      ["ESZ6", 1, 2, false],
    ]);
  });
});

describe("SyncWatch under the account's max open contracts: a line held short only by it is in sync", () => {
  const capped = {
    sizing: { mode: "multiplier", value: 2 },
    mapping: "toMicro",
    limits: { maxOpenContracts: 4 },
  } as const;

  it("leader ESZ6 −3 and ESH7 +2, follower MESZ6 −4 and MESH7 0: nothing to show, nothing for `r`", () => {
    const { leader, has, lines } = setup(capped);
    leader.set("ESZ6", -3);
    leader.set("ESH7", 2);
    has.set("MESZ6", -4);
    expect(lines()).toEqual([["MESZ6", -4, -4, true]]);
  });

  it("never expects less than a line holds: the cap sells nothing", () => {
    const { leader, has, lines } = setup(capped);
    leader.set("ESZ6", -3);
    leader.set("ESH7", 2);
    has.set("MESZ6", -4);
    has.set("MESH7", 3);
    expect(lines()).toEqual([
      ["MESZ6", -4, -4, true],
      ["MESH7", 3, 3, true],
    ]);
  });

  it("room left: each line expects what the others leave it, and a change to one says the others again", () => {
    const { watch, group, leader, has, lines, shown } = setup(capped);
    leader.set("ESZ6", -3);
    leader.set("ESH7", 2);
    has.set("MESZ6", -2);
    expect(lines()).toEqual([
      ["MESZ6", -2, -4, false],
      ["MESH7", 0, 2, false],
    ]);
    watch.followerResynced(group, group.followers[0]!);
    // `r` bought MESZ6 back to −4: MESH7 has no room left, and is said in sync.
    has.set("MESZ6", -4);
    watch.changed("A", "MESZ6");
    expect(shown().slice(-2)).toEqual([
      ["MESZ6", -4, -4, true],
      ["MESH7", 0, 0, true],
    ]);
  });
});
