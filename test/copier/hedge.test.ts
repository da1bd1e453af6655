import { describe, expect, it } from "vitest";
import type { DecideInput } from "../../engine/copier/decide.js";
import { closeOnlyReason, decide } from "../../engine/copier/decide.js";
import { FollowerBook } from "../../engine/copier/followerBook.js";
import { HedgeIndex, type HedgeSides, hedgeMembers, NO_HEDGE } from "../../engine/copier/hedgeIndex.js";
import { familyOf } from "../../engine/symbols.js";
import { SKIP_REASONS } from "../../engine/types.js";
import { decideInput, openGate } from "./decideInput.js";

const LONG: HedgeSides = { long: true, short: false };
const SHORT: HedgeSides = { long: false, short: true };
const BOTH: HedgeSides = { long: true, short: true };

function input(before: number, after: number, follower: number, hedge: HedgeSides): DecideInput {
  return decideInput({ gate: openGate({ hedge }), follower, leaderBefore: before, leaderAfter: after });
}

describe("issue 16: the hedge guard in the copy rule (others of the firm hold …)", () => {
  it.each([
    // [leader before, after, follower, others hold, action, kind, delta or reason]
    [0, 2, 0, SHORT, "skip", "open", SKIP_REASONS.hedgeGuard],
    [0, -2, 0, LONG, "skip", "open", SKIP_REASONS.hedgeGuard],
    [0, 2, 0, LONG, "send", "open", 2], // the same side is no hedge
    [0, 2, 0, NO_HEDGE, "send", "open", 2],
    [2, 3, 2, SHORT, "skip", "add", SKIP_REASONS.hedgeGuard],
    [0, 1, 0, BOTH, "skip", "open", SKIP_REASONS.hedgeGuard],
    // exits are never held back
    [3, 1, 3, SHORT, "send", "reduce", -2],
    [3, 0, 3, SHORT, "send", "close", -3],
    [-3, 0, -3, LONG, "send", "close", 3],
    // a flip closes and holds back only its opening half
    [-2, 2, -2, SHORT, "send", "close", closeOnlyReason(SKIP_REASONS.hedgeGuard)],
    [-2, 2, -2, LONG, "send", "flip", 4],
    [-2, 2, 0, SHORT, "skip", "flip", SKIP_REASONS.hedgeGuard],
  ] as const)("leader %i → %i, follower %i, others %o: %s %s %s", (b, a, f, hedge, action, kind, what) => {
    const d = decide(input(b, a, f, hedge));
    expect(d.action).toBe(action);
    expect(d.kind).toBe(kind);
    if (d.action === "send" && typeof what === "number") expect(d.delta).toBe(what);
    else
      expect(d.action === "send" && d.kind === "close" ? d.reason : d.action === "skip" && d.reason).toBe(
        what,
      );
  });

  it("a lock or a pause still says so first", () => {
    const locked = input(0, 1, 0, SHORT);
    locked.gate.state = "LOCKED";
    expect(decide(locked)).toMatchObject({ action: "skip", reason: SKIP_REASONS.locked });
  });
});

describe("micro and mini are one instrument", () => {
  it.each([
    ["ESZ6", "ES"],
    ["MESH7", "ES"],
    ["NQZ6", "NQ"],
    ["MNQZ6", "NQ"],
    ["MCLF7", "CL"],
    ["M2KZ6", "RTY"],
    ["ZBZ6", "ZB"],
  ])("%s → %s", (contract, family) => expect(familyOf(contract)).toBe(family));
});

describe("the index the copy rule reads", () => {
  const config = {
    version: 1 as const,
    connections: [],
    accounts: [
      { name: "A1", connection: "c", firm: "Apex" },
      { name: "A2", connection: "c", firm: "APEX" },
      { name: "A3", connection: "c", firm: "apex" },
      { name: "T1", connection: "c", firm: "Topstep" },
      { name: "P1", connection: "c" },
    ],
    groups: [
      { name: "G1", followers: [{ account: "A1" }, { account: "A3" }, { account: "T1" }, { account: "P1" }] },
      { name: "G2", followers: [{ account: "A2" }] },
    ],
  } as unknown as Parameters<typeof hedgeMembers>[0];

  function rig(enabled = true) {
    const index = new HedgeIndex();
    const book: FollowerBook = new FollowerBook((a, c) => {
      if (index.watches(a)) index.update(a, c, book.position(a, c));
    });
    /** As the copier does at a config change: new members, then every line the book knows. */
    const members = (m: Parameters<HedgeIndex["setMembers"]>[0], on = true) => {
      index.setMembers(m, on);
      for (const [a, c] of book.known()) if (index.watches(a)) index.update(a, c, book.position(a, c));
    };
    members(hedgeMembers(config), enabled);
    return { index, book, members };
  }

  it("another group's follower of the same firm, in the micro, is the other side", () => {
    const { index, book } = rig();
    book.seed("A2", "MESZ6", -3);
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT);
    expect(index.sides("A1", "ESH7")).toEqual(SHORT); // another month is the same instrument
    expect(index.sides("A1", "NQZ6")).toEqual(NO_HEDGE);
    expect(index.sides("T1", "ESZ6")).toEqual(NO_HEDGE); // another firm
    expect(index.sides("P1", "ESZ6")).toEqual(NO_HEDGE); // no firm: never guarded
    // Its own group never counts against it (a flip moves them all one way).
    expect(index.sides("A2", "ESZ6")).toEqual(NO_HEDGE);
    book.seed("A3", "ESZ6", 1);
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT);
    expect(index.sides("A2", "ESZ6")).toEqual(LONG);
  });

  it("follows orders in flight, fills and a sync", () => {
    const { index, book } = rig();
    book.sent("A2", "ESZ6", "c1", -1);
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT);
    book.failed("c1");
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE);
    book.fill("A2", "ESZ6", 2, { orderId: 9 }); // the trader's own trade on A2
    expect(index.sides("A1", "ESZ6")).toEqual(LONG);
    book.resetAccount("A2", []);
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE);
    book.resetAccount("A2", [{ contract: "MESZ6", netPos: -1 }]);
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT);
  });

  it("a shadow follower is judged against the others, and held against no one", () => {
    const { index, book, members } = rig();
    members(
      new Map([
        ["A1", { firm: "APEX", group: "G1" }],
        ["A2", { firm: "APEX", group: "G2", holds: false }],
      ]),
      true,
    );
    book.seed("A2", "ESZ6", -1); // what the shadow's real account holds
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE);
    book.seed("A1", "ESZ6", 1);
    expect(index.sides("A2", "ESZ6")).toEqual(LONG);
  });

  it("a config change re-reads firms; hedgeGuard false turns it off", () => {
    const { index, book, members } = rig();
    book.seed("A2", "ESZ6", -1);
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT);
    members(hedgeMembers(config), false);
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE);
    members(new Map([["A1", { firm: "APEX", group: "G1" }]]));
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE); // A2 names no firm now
    book.sent("A2", "ESZ6", "c9", -1); // not watched: the index is not told
    members(hedgeMembers(config));
    expect(index.sides("A1", "ESZ6")).toEqual(SHORT); // what the book knows is read again
    book.failed("c9");
    book.resetAccount("A2", []);
    expect(index.sides("A1", "ESZ6")).toEqual(NO_HEDGE);
  });
});
