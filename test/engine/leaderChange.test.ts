import { describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { EditNotices } from "../../engine/runtime/editNotices.js";
import { strandedByLeaderChange } from "../../engine/runtime/leaderChange.js";
import { strandedByMapping } from "../../engine/runtime/mappingChange.js";
import type { AccountRoute } from "../../engine/types.js";
import { buildConfig } from "../copier/harness.js";

type Held = Record<string, readonly { contract: string; netPos: number }[]>;

/** Routes whose sessions hold `held` per account, as the account directory gives them. */
const holding = (held: Held) => ({
  route: (account: string) =>
    ({ accountId: 1, session: { positions: () => [...(held[account] ?? [])] } }) as unknown as AccountRoute,
});

/** G led by L1, H led by L2; A follows in `where` (undefined: in no group), B stays in G. */
function seated(where: "G" | "H" | undefined, patch: { mapping?: "toMicro"; shadow?: boolean } = {}): Config {
  const a = { account: "A", ...patch };
  return buildConfig([
    { name: "G", leader: "L1", followers: where === "G" ? [a, { account: "B" }] : [{ account: "B" }] },
    { name: "H", leader: "L2", followers: where === "H" ? [a, { account: "C" }] : [{ account: "C" }] },
  ]);
}

const ES = (netPos: number) => [{ contract: "ESZ6", netPos }];

/** A's login and account kept in a config whose groups no longer name it. */
function keepingA(config: Config): Config {
  const login = seated("G");
  return {
    ...config,
    connections: [...config.connections, ...login.connections.filter((c) => c.name === "c-A")],
    accounts: [...config.accounts, ...login.accounts.filter((a) => a.name === "A")],
  };
}

describe("strandedByLeaderChange: the leader a follower follows changed while it holds", () => {
  it.each([
    // [what changed, before, after, positions, the line says (undefined: nothing)]
    [
      "moved, the new leader holds the contract",
      seated("G"),
      seated("H"),
      { A: ES(2), L2: ES(-1) },
      'A moved from group "G" (leader L1) to group "H" (leader L2) while it holds ESZ6 +2; L1\'s exits no longer close it and L2\'s fills trade from it (an opening adds, a close flattens): press r (or mimik resync) to resync it to L2, or flatten it by hand',
    ],
    [
      "moved, the new leader holds another contract",
      seated("G"),
      seated("H"),
      { A: ES(-3), L2: [{ contract: "NQZ6", netPos: 1 }] },
      "while it holds ESZ6 -3; L1's exits no longer close it and L2's fills trade from it (an opening adds, a close flattens): flatten it by hand (L2 holds no ESZ6 to resync it to)",
    ],
    [
      "moved with a mapping, the new leader's ES comes to its MES",
      seated("G", { mapping: "toMicro" }),
      seated("H", { mapping: "toMicro" }),
      { A: [{ contract: "MESZ6", netPos: 4 }], L2: ES(1) },
      "while it holds MESZ6 +4; L1's exits no longer close it and L2's fills trade from it (an opening adds, a close flattens): press r (or mimik resync) to resync it to L2",
    ],
    [
      "its group's leader replaced",
      seated("G"),
      buildConfig([
        { name: "G", leader: "L2", followers: [{ account: "A" }, { account: "B" }] },
        { name: "H", leader: "L1", followers: [{ account: "C" }] },
      ]),
      { A: ES(1) },
      'A: its group "G" now follows L2 instead of L1 while it holds ESZ6 +1; L1\'s exits no longer close it',
    ],
    [
      "taken out of every group",
      seated("G"),
      keepingA(seated(undefined)),
      { A: ES(2) },
      'A left group "G" (leader L1) while it holds ESZ6 +2; no leader\'s exit closes it now: flatten it by hand, or put it back in its group',
    ],
    // The login's drop says what its accounts leave open (droppedLogin.ts): not said twice.
    ["taken out with its login", seated("G"), seated(undefined), { A: ES(2) }, undefined],
    ["moved while flat", seated("G"), seated("H"), { A: ES(0), L2: ES(1) }, undefined],
    [
      "same leader, only its mapping changed",
      seated("G"),
      seated("G", { mapping: "toMicro" }),
      { A: ES(1) },
      undefined,
    ],
    ["a new follower", seated(undefined), seated("H"), { A: ES(1) }, undefined],
    ["the first config", undefined, seated("H"), { A: ES(1) }, undefined],
    [
      "moved as a shadow",
      seated("G", { shadow: true }),
      seated("H", { shadow: true }),
      { A: ES(1) },
      undefined,
    ],
  ] as const)("%s", (_, before, after, held, says) => {
    const out = strandedByLeaderChange(before, after, holding(held));
    if (says === undefined) expect(out).toEqual([]);
    else {
      expect(out).toHaveLength(1);
      expect(out[0]?.follower).toBe("A");
      expect(out[0]?.message).toContain(says);
    }
  });

  it("one line per contract it holds", () => {
    const out = strandedByLeaderChange(
      seated("G"),
      seated("H"),
      holding({ A: [...ES(1), { contract: "NQZ6", netPos: -1 }] }),
    );
    expect(out.map((l) => l.message.match(/holds (\S+ \S+);/)?.[1])).toEqual(["ESZ6 +1", "NQZ6 -1"]);
  });

  it("a move that changes the mapping too is said once, as a move", () => {
    const before = seated("G");
    const after = seated("H", { mapping: "toMicro" });
    const held = holding({ A: ES(2) });
    expect(strandedByLeaderChange(before, after, held)).toHaveLength(1);
    expect(strandedByMapping(before, after, held)).toEqual([]);
  });
});

describe("EditNotices: a follower told it left its group is told when it is back", () => {
  const out = keepingA(seated(undefined));
  const said = (notices: EditNotices, before: Config, after: Config, held: Held) =>
    notices.of(before, after, holding(held)).map((n) => [n.level, n.follower, n.message]);

  it("put back in its group: back, and its leader's exits close it again", () => {
    const notices = new EditNotices();
    const held = { A: ES(2), L1: ES(2) };
    expect(said(notices, seated("G"), out, held)).toHaveLength(1);
    expect(said(notices, out, seated("G"), held)).toEqual([
      ["info", "A", 'A is back in group "G" (leader L1) while it holds ESZ6 +2; L1\'s exits close it again'],
    ]);
    // Said once: the next edit has nothing to say of it.
    expect(said(notices, seated("G"), seated("G"), held)).toEqual([]);
  });

  it("flat by hand meanwhile, or its leader flat in what it holds, or in another group", () => {
    const flat = new EditNotices();
    said(flat, seated("G"), out, { A: ES(2) });
    expect(said(flat, out, seated("G"), {})).toEqual([
      ["info", "A", 'A is back in group "G" (leader L1), flat'],
    ]);

    const alone = new EditNotices();
    said(alone, seated("G"), out, { A: ES(2) });
    expect(said(alone, out, seated("G"), { A: ES(2) })).toEqual([
      [
        "warn",
        "A",
        'A is back in group "G" (leader L1) while it holds ESZ6 +2; L1 holds none of ESZ6 +2: no leader\'s exit closes it now, flatten by hand',
      ],
    ]);

    const moved = new EditNotices();
    said(moved, seated("G"), out, { A: ES(2) });
    expect(said(moved, out, keepingA(seated("H")), { A: ES(2), L2: ES(1) })[0]?.[2]).toBe(
      'A, which left group "G" (leader L1), is in group "H" (leader L2) now while it holds ESZ6 +2; L2\'s exits close it',
    );
  });

  it("a follower that left flat was told nothing, and is told nothing when it is back", () => {
    const notices = new EditNotices();
    expect(said(notices, seated("G"), out, {})).toEqual([]);
    expect(said(notices, out, seated("G"), { A: ES(1), L1: ES(1) })).toEqual([]);
  });
});
