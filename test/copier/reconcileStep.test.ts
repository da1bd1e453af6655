import { describe, expect, it } from "vitest";
import type { ReconcileMode } from "../../data/schema.js";
import type { DecideInput } from "../../engine/copier/decide.js";
import { closeOnlyReason } from "../../engine/copier/decide.js";
import {
  heldOpeningStop,
  LEADER_LEFT_SIDE,
  reconcileHeld,
  reconcileStep,
  reconcileUncertain,
} from "../../engine/copier/reconcileStep.js";
import { RECONCILE_REASON, SKIP_REASONS } from "../../engine/types.js";
import { decideInput } from "./decideInput.js";

/** Issue 18 rule 2: what a re-sync makes up, as one step of the copy rules from the follower's position now. */

const one = { mode: "multiplier", value: 1 } as const;
const half = { mode: "multiplier", value: 0.5 } as const;
const two = { mode: "fixed", contracts: 2 } as const;

function input(
  acted: number,
  leader: number,
  follower: number,
  patch: Partial<DecideInput> = {},
): DecideInput {
  const at = { leaderBefore: acted, leaderAfter: leader, follower, firstOpeningFillOfOrder: false };
  return decideInput({ sizing: one, ...at, ...patch });
}

const send = (kind: string, delta: number) =>
  expect.objectContaining({ action: "send", kind, delta, reason: RECONCILE_REASON });
const skip = (reason: string) => expect.objectContaining({ action: "skip", reason });

describe("reconcileStep: the leader moved from what the follower acted on (L₀) to now (L₁)", () => {
  // mode, L₀, L₁, F, sizing, expected
  const rows: [string, ReconcileMode, number, number, number, DecideInput["sizing"], unknown][] = [
    ["closed while the follower missed it → close", "exits", 2, 0, 2, one, send("close", -2)],
    ["closed, short side → buy back", "exits", -3, 0, -3, one, send("close", 3)],
    ["reduced 4 → 2 with F = 3 → keeps round(3 × 2 / 4) = 2", "exits", 4, 2, 3, one, send("reduce", -1)],
    ["reduced 4 → 1 with F = 2 (×0.5) → round(2 × 1 / 4) = 1", "exits", 4, 1, 2, half, send("reduce", -1)],
    ["flipped +2 → −1: the closing half only", "exits", 2, -1, 2, one, send("close", -2)],
    [
      "flipped with the follower flat: nothing (an opening)",
      "exits",
      2,
      -1,
      0,
      one,
      skip(SKIP_REASONS.openingNotMadeUp),
    ],
    ["opened 0 → 2: not made up", "exits", 0, 2, 0, one, skip(SKIP_REASONS.openingNotMadeUp)],
    ["added 1 → 3: not made up", "exits", 1, 3, 1, one, skip(SKIP_REASONS.openingNotMadeUp)],
    [
      "closed while the follower is already flat: nothing to send",
      "exits",
      2,
      0,
      0,
      one,
      skip(SKIP_REASONS.alreadyFlat),
    ],
    ["reduced 3 → 2 with F = 1: rounds to nothing", "exits", 3, 2, 1, one, skip(SKIP_REASONS.roundsToZero)],
    ["full: opened 0 → 2 → opens", "full", 0, 2, 0, one, send("open", 2)],
    ["full: fixed 2 opened 0 → 5 → opens 2", "full", 0, 5, 0, two, send("open", 2)],
    ["full: added 2 → 4 (×0.5) → T(4) − T(2) = 1", "full", 2, 4, 1, half, send("add", 1)],
    ["full: flipped +2 → −4 → one crossing order", "full", 2, -4, 2, one, send("flip", -6)],
    ["full: closed → close", "full", 2, 0, 2, one, send("close", -2)],
    // already in the leader's trade (what it acted on was not on disk yet at a kill): nothing, both modes
    [
      "opened 0 → 2, the follower holds +1 → in the trade",
      "exits",
      0,
      2,
      1,
      one,
      skip(SKIP_REASONS.alreadyInTrade),
    ],
    [
      "full: opened 0 → 2, the follower holds +2 → no second opening",
      "full",
      0,
      2,
      2,
      one,
      skip(SKIP_REASONS.alreadyInTrade),
    ],
    [
      "flipped +2 → −3, the follower already −3 → nothing closed",
      "exits",
      2,
      -3,
      -3,
      one,
      skip(SKIP_REASONS.alreadyInTrade),
    ],
    // a multiplier follower already holding the rule's position for the leader now took the step
    ["reduced 4 → 2, F = 2 = T(2) → not sold again", "exits", 4, 2, 2, one, skip(SKIP_REASONS.alreadyAtRule)],
    [
      "reduced 6 → 2 (×0.5), F = 1 = T(2) → not closed",
      "exits",
      6,
      2,
      1,
      half,
      skip(SKIP_REASONS.alreadyAtRule),
    ],
    ["full: added 2 → 4, F = 4 → no second add", "full", 2, 4, 4, one, skip(SKIP_REASONS.alreadyAtRule)],
    [
      "full: added 2 → 4, F = 5 (one by hand) → nothing",
      "full",
      2,
      4,
      5,
      one,
      skip(SKIP_REASONS.alreadyAtRule),
    ],
    ["fixed 2: reduced 4 → 2, F = 2 → its own fraction", "exits", 4, 2, 2, two, send("reduce", -1)],
  ];

  it.each(rows)("%s (%s)", (_, mode, acted, leader, follower, sizing, expected) => {
    expect(reconcileStep(mode, input(acted, leader, follower, { sizing }))).toEqual(expected);
  });

  it("a shared line (toMicro): 'already stepped' judges this contract's part, not the whole line", () => {
    // line 4 = ES part 2 + MES part 2; the leader's ES went 2 → 4 unseen: the ES part steps to 4
    expect(reconcileStep("full", input(2, 4, 4, { othersOnLine: 2 }))).toEqual(send("add", 2));
    // line 6 = ES part 4 (the add taken before a kill -9) + MES part 2: nothing more
    expect(reconcileStep("full", input(2, 4, 6, { othersOnLine: 2 }))).toEqual(
      skip(SKIP_REASONS.alreadyAtRule),
    );
  });

  it("off, or the leader where it was acted on: nothing to look at", () => {
    expect(reconcileStep("off", input(2, 0, 2))).toBeUndefined();
    expect(reconcileStep("exits", input(2, 2, 0))).toBeUndefined();
    expect(reconcileStep("full", input(0, 0, 3))).toBeUndefined();
  });

  it("exits are never blocked: a paused group, a lock, the whitelist; full keeps the opening gates", () => {
    const held = {
      groupActive: false,
      followerEnabled: true,
      connected: true,
      state: "LOCKED" as const,
      brokerLocked: true,
      whitelist: { enabled: true, symbols: ["NQ"] },
      leaderContract: "ESZ6",
    };
    expect(reconcileStep("exits", input(2, 0, 2, { gate: held }))).toMatchObject({
      action: "send",
      delta: -2,
    });
    expect(reconcileStep("full", input(0, 2, 0, { gate: held }))).toEqual(skip(SKIP_REASONS.groupPaused));
    // full, flip with the opening held: the close half goes, as a live copy would
    expect(reconcileStep("full", input(2, -2, 2, { gate: held }))).toMatchObject({
      action: "send",
      kind: "close",
      delta: -2,
      reason: RECONCILE_REASON,
    });
    expect(closeOnlyReason(SKIP_REASONS.groupPaused)).toContain("opening held back");
  });

  it("the step's opening part is zero whenever exits only", () => {
    for (const [acted, leader, follower] of [
      [2, 0, 2],
      [4, 2, 4],
      [3, -3, 3],
      [-2, 5, -1],
    ] as const) {
      const got = reconcileStep("exits", input(acted, leader, follower));
      if (got?.action === "send") expect(got.opening).toBe(0);
      if (got?.action === "send") expect(Math.abs(follower + got.delta)).toBeLessThan(Math.abs(follower));
    }
  });
});

describe("reconcileStep on a line two leader contracts share (toMicro): the exit part is the line's", () => {
  // L₀, L₁, this contract's part F, the others' part kept, mode, expected
  const rows: [string, number, number, number, number, ReconcileMode, unknown][] = [
    ["MES 2 → −2 beside ES's 1: the line 3 → −1, sold to flat", 2, -2, 2, 1, "exits", send("close", -3)],
    ["ES 1 → −1 beside MES's 2: the line 3 → 1, all of it", 1, -1, 1, 2, "exits", send("reduce", -2)],
    ["MES 2 → −1 beside ES's 1: the line 3 → 0", 2, -1, 2, 1, "exits", send("close", -3)],
    ["MES 1 → −3 beside ES's 1: the line 2 → −2, to flat only", 1, -3, 1, 1, "exits", send("close", -2)],
    ["MES 2 → 0 beside ES's 1: its part's close", 2, 0, 2, 1, "exits", send("close", -2)],
    [
      "the part already flat, MES 2 → −2 beside ES's 1: the ES part nets to flat",
      2,
      -2,
      0,
      1,
      "exits",
      send("close", -1),
    ],
    ["full: MES 2 → −2 beside ES's 1: the whole step", 2, -2, 2, 1, "full", send("flip", -4)],
  ];
  it.each(rows)("%s", (_, before, after, part, kept, mode, expected) => {
    expect(reconcileStep(mode, input(before, after, part, { keptOnLine: kept }))).toEqual(expected);
  });
});

describe("an uncertain line (an order's answer lost, an exit pending): exits only, from where the follower stands", () => {
  const locked = { ...input(0, 0, 0).gate, state: "LOCKED" as const };
  it.each([
    // [what, sizing, acted on, leader now, follower, expected]
    ["leader flat: close, whatever it acted on", one, 0, 0, 2, send("close", -2)],
    ["leader on the other side: close, never the new side", one, -3, -3, 2, send("close", -2)],
    ["leader short, follower long by ×0.5: close", half, 2, -4, 1, send("close", -1)],
    ["same side, more than the rule (T(2) = 1 at ×0.5): down to it", half, 2, 2, 3, send("reduce", -2)],
    ["same side, at the rule: nothing", half, 4, 6, 3, undefined],
    ["same side, under the rule: nothing (never an opening)", one, 0, 5, 2, undefined],
    ["fixed sizing, the leader reduced since: the usual reduce", two, 4, 2, 6, send("reduce", -3)],
    ["fixed sizing, the leader where it was acted on: nothing", two, 2, 2, 6, undefined],
    [
      "fixed sizing, the leader added since: not made up (never an opening)",
      two,
      1,
      3,
      2,
      expect.objectContaining({ action: "skip", reason: SKIP_REASONS.openingNotMadeUp }),
    ],
    ["fixed sizing, leader flat: close", two, 2, 0, 6, send("close", -6)],
    ["follower flat: nothing", one, 2, 0, 0, undefined],
  ] as const)("%s", (_what, sizing, acted, leader, follower, expected) => {
    expect(reconcileUncertain("exits", input(acted, leader, follower, { sizing }))).toEqual(expected);
  });

  it("an exit is never held back by a lock; off sends nothing; a backlog waits", () => {
    expect(reconcileUncertain("exits", input(1, 0, 2, { gate: locked }))).toEqual(send("close", -2));
    expect(reconcileUncertain("full", input(1, 0, 2))).toEqual(send("close", -2));
    expect(reconcileUncertain("full", input(1, 3, 2, { sizing: two }))).toBeUndefined(); // full would add
    expect(reconcileUncertain("off", input(1, 0, 2))).toBeUndefined();
    const backlog = { ...input(0, 0, 0).gate, ordersBacklog: true };
    expect(reconcileUncertain("exits", input(1, 0, 2, { gate: backlog }))).toEqual(
      expect.objectContaining({ action: "skip", reason: SKIP_REASONS.ordersBacklog }),
    );
  });
});

describe("an uncertain line two leader contracts share (toMicro): judged by the leader's net on it", () => {
  const gate = input(0, 0, 0).gate;
  const whitelistEs = { ...gate, whitelist: { enabled: true, symbols: ["ES"] }, leaderContract: "MESZ6" };
  // [what, MES now, its part F, kept for ES on the line, ES's by the rule, gate, expected]
  const rows: [string, number, number, number, number, DecideInput["gate"], unknown][] = [
    ["MES −1 beside ES 1, line 1 + 1: flat, not long 1", -1, 1, 1, 1, gate, send("close", -2)],
    ["MES −1 beside ES 2, line 1 + 2: down to the net 1", -1, 1, 2, 2, gate, send("reduce", -2)],
    ["MES −3 beside ES 2, line 1 + 2: flat, never past it", -3, 1, 2, 2, gate, send("close", -3)],
    [
      "the MES part already out, MES −1 beside ES 1: the ES part nets to flat",
      -1,
      0,
      1,
      1,
      gate,
      send("close", -1),
    ],
    ["MES flat beside ES 1: its part only", 0, 1, 1, 1, gate, send("close", -1)],
    ["MES 1 beside ES 1, line 2: at the rule, nothing", 1, 1, 1, 1, gate, undefined],
    ["MES −2 beside ES 1, the line at the net −1 already: nothing", -2, -1, 0, 1, gate, undefined],
    [
      "MES 3 beside ES 1, the line 2 under the rule's 4: nothing (never an opening)",
      3,
      1,
      1,
      1,
      gate,
      undefined,
    ],
    [
      "ES short by the rule beside the MES held: the line down to the net",
      2,
      2,
      0,
      -1,
      gate,
      send("reduce", -1),
    ],
    ["MES −1 where the whitelist holds MES back: its part only", -1, 1, 1, 1, whitelistEs, send("close", -1)],
  ];
  it.each(rows)("%s", (_, leader, part, kept, es, g, expected) => {
    const step = input(1, leader, part, { gate: g, keptOnLine: kept, lineOthers: es });
    expect(reconcileUncertain("exits", step)).toEqual(expected);
  });

  it("a held goal goes by the side of the leader's net on the line, not of one contract", () => {
    // ES 2 long, MES −3: the net −1 is short, the goal −1 goes.
    expect(heldOpeningStop(-1, input(2, 2, 0, { lineOthers: -3 }))).toBeUndefined();
    expect(heldOpeningStop(-1, input(2, 2, 0))).toBe(LEADER_LEFT_SIDE);
    // ES 1 and MES −1: flat on the line, no side to go to.
    expect(heldOpeningStop(-1, input(1, -1, 0, { lineOthers: 1 }))).toBe(LEADER_LEFT_SIDE);
    expect(reconcileHeld(-1)("exits", input(1, 2, 4, { lineOthers: -3 }))).toEqual(send("flip", -5));
  });
});

describe("reconcileHeld: an opening held for the snapshot after a lost answer goes to its goal from where the follower stands", () => {
  // goal, L₁, F, expected (L₀ = 1: what the follower acted on before the lost exit)
  const rows: [string, number, number, number, unknown][] = [
    ["the lost close filled: from flat, the short opening", -1, -1, 0, send("open", -1)],
    ["the lost close did not fill: one flip", -1, -1, 1, send("flip", -2)],
    ["a lost reduce filled, the leader added back: the add", 3, 3, 1, send("add", 2)],
    ["already at the goal: nothing", 2, 2, 2, undefined],
    ["more than the goal on its side: down to it", 1, 1, 3, send("reduce", -2)],
    ["the leader has left that side since: the exit only", 2, 0, 1, send("close", -1)],
    ["the leader flat, the follower flat: nothing", 2, 0, 0, undefined],
    ["a goal of flat: the exit only", 0, 0, 2, send("close", -2)],
  ];
  it.each(rows)("%s", (_, goal, leader, follower, expected) => {
    expect(reconcileHeld(goal)("exits", input(1, leader, follower))).toEqual(expected);
  });

  it("the opening part counts as such; capped again; the trader's switches hold it; off sends nothing", () => {
    expect(reconcileHeld(-1)("exits", input(1, -1, 1))).toEqual(expect.objectContaining({ opening: -1 }));
    expect(reconcileHeld(5)("exits", input(1, 5, 0, { maxContracts: 3 }))).toEqual(send("open", 3));
    const locked = { ...input(0, 0, 0).gate, state: "LOCKED" as const };
    expect(reconcileHeld(-1)("exits", input(1, -1, 1, { gate: locked }))).toEqual(send("close", -1));
    const paused = { ...input(0, 0, 0).gate, groupActive: false };
    expect(reconcileHeld(-1)("exits", input(1, -1, 0, { gate: paused }))).toBeUndefined();
    expect(reconcileHeld(-1)("off", input(1, -1, 1))).toBeUndefined();
    const down = { ...input(0, 0, 0).gate, connected: false };
    expect(reconcileHeld(-1)("exits", input(1, -1, 1, { gate: down }))).toEqual(
      skip(SKIP_REASONS.disconnected),
    );
  });

  it("an opening still: the hedge guard and the day's trades hold it as they would a live one", () => {
    const gate = input(0, 0, 0).gate;
    const rows: [number, number, Partial<DecideInput["gate"]>, string | undefined][] = [
      [-1, -1, {}, undefined],
      [-1, 0, {}, LEADER_LEFT_SIDE],
      [-1, 1, {}, LEADER_LEFT_SIDE],
      [0, 0, {}, LEADER_LEFT_SIDE],
      [-1, -1, { groupActive: false }, SKIP_REASONS.groupPaused],
      [-1, -1, { hedge: { long: true, short: false } }, SKIP_REASONS.hedgeGuard],
      [1, 1, { hedge: { long: true, short: false } }, undefined], // the same side is no hedge
      [-1, -1, { tradesLeft: 0 }, SKIP_REASONS.maxTrades],
      [-1, -1, { tradesLeft: 1 }, undefined],
    ];
    for (const [goal, leader, patch, stop] of rows)
      expect(heldOpeningStop(goal, input(1, leader, 0, { gate: { ...gate, ...patch } }))).toBe(stop);
    const noTrades = { ...gate, tradesLeft: 0 };
    expect(reconcileHeld(-1)("exits", input(1, -1, 1, { gate: noTrades }))).toEqual(send("close", -1));
    expect(reconcileHeld(-1)("exits", input(1, -1, 0, { gate: noTrades }))).toBeUndefined();
  });
});

describe("a re-sync under the account's max open contracts never opens past it, and never sells for it", () => {
  const account = (elsewhere: number) => ({ account: { cap: 4, elsewhere } });
  it.each([
    ["full: a missed opening cut to what the other lines leave", "full", input(0, 3, 0, account(2)), 2],
    ["full: no room, nothing opens", "full", input(0, 3, 0, account(4)), undefined],
    [
      "full: a missed add held at the room is already at the rule",
      "full",
      input(2, 6, 2, account(2)),
      undefined,
    ],
    [
      "exits: a reduce of a line held at the room keeps it while the rule gives more",
      "exits",
      input(6, 5, 4, account(0)),
      undefined,
    ],
  ] as const)("%s", (_, mode, given, delta) => {
    const step = reconcileStep(mode, given);
    expect(step?.action === "send" ? step.delta : undefined).toBe(delta);
  });

  it("a held opening goes no further than the room, and keeps what the line holds beyond it", () => {
    expect(reconcileHeld(5)("exits", input(1, 5, 0, account(1)))).toEqual(send("open", 3));
    expect(reconcileHeld(5)("exits", input(1, 5, 3, account(3)))).toBeUndefined();
  });
});
