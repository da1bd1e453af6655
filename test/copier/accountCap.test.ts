import { describe, expect, it } from "vitest";
import {
  accountCappedCopy,
  accountCapReason,
  lineCount,
  resyncTarget,
  stillAccountCapped,
} from "../../engine/copier/accountCap.js";
import type { DecideInput } from "../../engine/copier/decide.js";
import { COPY_REASONS, closeOnlyReason, decide } from "../../engine/copier/decide.js";
import { FollowerBook } from "../../engine/copier/followerBook.js";
import { SKIP_REASONS } from "../../engine/types.js";
import { decideInput, openGate } from "./decideInput.js";

const two = { mode: "multiplier", value: 2 } as const;

const input = (patch: Partial<DecideInput> & Pick<DecideInput, "leaderBefore" | "leaderAfter">) =>
  decideInput({ gate: openGate({ leaderContract: "ESH7" }), sizing: two, ...patch });

const sent = (kind: string, delta: number, reason: string) =>
  expect.objectContaining({ action: "send", kind, delta, reason });
const skipped = (reason: string) => expect.objectContaining({ action: "skip", reason });
const cap4 = (elsewhere: number) => ({ account: { cap: 4, elsewhere } });

describe("the account's max open contracts in the copy rule (a rule table)", () => {
  // [what, input, decision]
  const rows: Array<[string, DecideInput, unknown]> = [
    [
      "an opening that fits goes whole",
      input({ leaderBefore: 0, leaderAfter: 1, ...cap4(2) }),
      sent("open", 2, COPY_REASONS.copied),
    ],
    [
      "an opening is cut to what the other lines leave (MESZ6 −4 held, ESH7 +2 → none of +4)",
      input({ leaderBefore: 0, leaderAfter: 2, ...cap4(4) }),
      skipped(accountCapReason(4)),
    ],
    [
      "an opening is cut to the room left, and says so",
      input({ leaderBefore: 0, leaderAfter: 2, ...cap4(1) }),
      sent("open", 3, accountCappedCopy(4)),
    ],
    [
      "an add counts what the line holds already",
      input({ leaderBefore: 1, leaderAfter: 3, follower: 2, ...cap4(1) }),
      sent("add", 1, accountCappedCopy(4)),
    ],
    [
      "short side alike",
      input({ leaderBefore: 0, leaderAfter: -3, ...cap4(0) }),
      sent("open", -4, accountCappedCopy(4)),
    ],
    [
      "max contracts tighter than the room: max contracts' reason",
      input({ leaderBefore: 0, leaderAfter: 3, maxContracts: 2, ...cap4(0) }),
      sent("open", 2, COPY_REASONS.capped),
    ],
    [
      "max contracts leaves nothing: max contracts' reason",
      input({ leaderBefore: 1, leaderAfter: 3, follower: 2, maxContracts: 2, ...cap4(0) }),
      skipped(SKIP_REASONS.maxContracts),
    ],
    [
      "the room tighter than max contracts: the account's reason",
      input({ leaderBefore: 0, leaderAfter: 3, maxContracts: 4, ...cap4(2) }),
      sent("open", 2, accountCappedCopy(4)),
    ],
    [
      "never a close: the whole line closes however full the account",
      input({ leaderBefore: -3, leaderAfter: 0, follower: -4, ...cap4(9) }),
      sent("close", 4, COPY_REASONS.copied),
    ],
    [
      "never a reduce below the rule: a line held at the room keeps it while the rule gives more",
      input({ leaderBefore: -3, leaderAfter: -2, follower: -4, ...cap4(0) }),
      skipped(stillAccountCapped(4)),
    ],
    [
      "a reduce the rule takes below the room goes",
      input({ leaderBefore: -3, leaderAfter: -1, follower: -4, ...cap4(0) }),
      sent("reduce", 2, COPY_REASONS.copied),
    ],
    [
      "a flip closes all and opens what the room leaves",
      input({ leaderBefore: 2, leaderAfter: -2, follower: 4, ...cap4(1) }),
      sent("flip", -7, accountCappedCopy(4)),
    ],
    [
      "a flip with no room closes only",
      input({ leaderBefore: 2, leaderAfter: -2, follower: 4, ...cap4(4) }),
      sent("close", -4, closeOnlyReason(accountCapReason(4))),
    ],
    [
      "no account cap: nothing changes",
      input({ leaderBefore: 0, leaderAfter: 2 }),
      sent("open", 4, COPY_REASONS.copied),
    ],
  ];
  it.each(rows)("%s", (_what, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });
});

describe("what a line counts for on the account", () => {
  it.each([
    [0, 2, 2, "an opening on its way counts before it fills"],
    [-4, 0, 4, "an exit on its way frees nothing until it fills"],
    [3, 3, 3, "nothing on its way"],
    [2, -2, 2, "a flip on its way: the larger side"],
  ])("settled %i, with in flight %i → %i (%s)", (settled, withInFlight, count) => {
    expect(lineCount(settled, withInFlight)).toBe(count);
  });

  it("the book sums the account's other lines, with our openings on their way", () => {
    const book = new FollowerBook();
    book.resetAccount("A", [
      { contract: "MESZ6", netPos: -4 },
      { contract: "MNQZ6", netPos: 1 },
    ]);
    book.resetAccount("B", [{ contract: "MESZ6", netPos: 9 }]);
    book.sent("A", "MESH7", "c1", 2);
    expect(book.elsewhere("A", "MESZ6")).toBe(3);
    expect(book.elsewhere("A", "MNQZ6")).toBe(6);
    expect(book.elsewhere("A", "MYMZ6")).toBe(7);
    // An exit of ours on its way frees no room until it fills.
    book.sent("A", "MESZ6", "c2", 4);
    expect(book.elsewhere("A", "MYMZ6")).toBe(7);
    book.acked("c2", 7);
    book.fill("A", "MESZ6", 4, { clOrdId: "c2", orderId: 7 });
    expect(book.elsewhere("A", "MYMZ6")).toBe(3);
  });
});

describe("a resync's fix under the account cap", () => {
  it.each([
    [0, 4, 4, 4, "room enough: the rule's"],
    [0, 4, 2, 2, "cut to the room"],
    [-2, -6, 2, -4, "an add cut to the room"],
    [-2, -6, 0, -2, "no room: stays (nothing to send)"],
    [5, 2, 0, 2, "a reduce goes whole"],
    [2, -6, 0, -2, "a crossing fix still closes, and opens only what the line held"],
  ])("has %i, expects %i, room %i → %i (%s)", (has, expects, room, to) => {
    expect(resyncTarget(has, expects, room)).toBe(to);
  });
});
