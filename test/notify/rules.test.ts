import { describe, expect, it } from "vitest";
import { NOTICE_KIND_NAMES } from "../../data/notifications.js";
import { type EngineEvent, RENEWING_FOR_ACCOUNTS, SKIP_REASONS } from "../../engine/index.js";
import { HELD_BACK_REASONS, KIND_TITLES, noticeFor, RULES, ruleMemory } from "../../src/notify/rules.js";

const at = 1_700_000_000_000;

function copy(outcome: "sent" | "skipped" | "rejected" | "filled" | "accepted", reason: string): EngineEvent {
  return {
    type: "copy",
    at,
    group: "main",
    follower: "DEMO2001",
    fillId: 7,
    contract: "ESZ6",
    outcome,
    kind: "open",
    reason,
    side: "Buy",
    qty: 2,
  };
}

const state = (s: "ACTIVE" | "LIQUIDATE_ONLY" | "LOCKED", reason?: string): EngineEvent => ({
  type: "followerState",
  at,
  follower: "DEMO2001",
  state: s,
  reason,
});

const conn = (s: "connecting" | "connected" | "reconnecting" | "reauth-needed" | "down", reason?: string) =>
  ({ type: "connectionStatus", at, connection: "sim", broker: "tradovate", state: s, reason }) as EngineEvent;

describe("one event → one notice (or none), with a fresh memory", () => {
  const rows: [string, EngineEvent, { kind: string; subject: string; text: string } | undefined][] = [
    [
      "a limit trips: close-out",
      state("LIQUIDATE_ONLY", "daily loss -$1,000 reached"),
      {
        kind: "closeOut",
        subject: "DEMO2001",
        text: "DEMO2001: daily loss -$1,000 reached: liquidate only, flattening",
      },
    ],
    [
      "flat after a close-out: locked",
      state("LOCKED", "manual"),
      { kind: "locked", subject: "DEMO2001", text: "DEMO2001: LOCKED (manual)" },
    ],
    [
      "the broker sets liquidation-only",
      state("LIQUIDATE_ONLY", SKIP_REASONS.brokerLocked),
      { kind: "liquidateOnly", subject: "DEMO2001", text: "DEMO2001: Tradovate set it liquidation-only" },
    ],
    [
      "the broker locks it",
      state("LOCKED", SKIP_REASONS.brokerLocked),
      { kind: "locked", subject: "DEMO2001", text: "DEMO2001: LOCKED (broker lock)" },
    ],
    ["ACTIVE is not news", state("ACTIVE"), undefined],
    [
      "a broker reject",
      copy("rejected", "TradingLocked: account locked"),
      {
        kind: "rejected",
        subject: "DEMO2001",
        text: "DEMO2001: open Buy 2 ESZ6 rejected: TradingLocked: account locked",
      },
    ],
    [
      "a timeout is an order that could not be sent",
      copy("rejected", "Timeout: order/placeorder: no reply within 10000 ms"),
      {
        kind: "notSent",
        subject: "DEMO2001",
        text: "DEMO2001: open Buy 2 ESZ6 could not be sent: Timeout: order/placeorder: no reply within 10000 ms",
      },
    ],
    [
      "so is a disconnect",
      copy("rejected", "Disconnected"),
      {
        kind: "notSent",
        subject: "DEMO2001",
        text: "DEMO2001: open Buy 2 ESZ6 could not be sent: Disconnected",
      },
    ],
    [
      "an opening held back by a lock",
      copy("skipped", SKIP_REASONS.locked),
      { kind: "heldBack", subject: "DEMO2001", text: "DEMO2001: opening on ESZ6 held back: locked" },
    ],
    [
      "an opening held back by the account's max open contracts",
      copy("skipped", "the account's max open contracts (4)"),
      {
        kind: "heldBack",
        subject: "DEMO2001",
        text: "DEMO2001: opening on ESZ6 held back: the account's max open contracts (4)",
      },
    ],
    ["an already-flat skip is routine", copy("skipped", SKIP_REASONS.alreadyFlat), undefined],
    ["a trader's own disable is not news", copy("skipped", SKIP_REASONS.followerDisabled), undefined],
    ["a sent copy is not news", copy("sent", "copied"), undefined],
    ["a fill is not news", copy("filled", "filled"), undefined],
    [
      "out of sync",
      { type: "syncStatus", at, follower: "DEMO2002", contract: "NQZ6", has: 0, expects: 2, inSync: false },
      { kind: "outOfSync", subject: "DEMO2002", text: "DEMO2002: OUT OF SYNC on NQZ6: has 0, expects +2" },
    ],
    [
      "in sync is not news",
      { type: "syncStatus", at, follower: "DEMO2002", contract: "NQZ6", has: 2, expects: 2, inSync: true },
      undefined,
    ],
    [
      "an error alert",
      {
        type: "alert",
        at,
        level: "error",
        message: "DEMO2003: flatten failed (Timeout); retrying in 4 s",
        follower: "DEMO2003",
      },
      { kind: "error", subject: "DEMO2003", text: "DEMO2003: flatten failed (Timeout); retrying in 4 s" },
    ],
    [
      "a warning alert is screen-only",
      { type: "alert", at, level: "warn", message: "copy to DEMO2001 rejected: x", follower: "DEMO2001" },
      undefined,
    ],
    [
      "the first failure to connect",
      conn("reconnecting", "ECONNREFUSED"),
      { kind: "connectionLost", subject: "sim", text: "connection sim lost: ECONNREFUSED; reconnecting" },
    ],
    [
      "a refused login",
      conn("reauth-needed", "login refused: Incorrect username or password"),
      {
        kind: "connectionNeedsYou",
        subject: "sim",
        text: "connection sim needs you: login refused: Incorrect username or password",
      },
    ],
    ["the first connect is not news", conn("connected"), undefined],
    [
      "a leader fill is never looked at",
      {
        type: "leaderFill",
        at,
        group: "main",
        leader: "DEMO1000",
        fillId: 1,
        orderId: 2,
        contract: "ESZ6",
        side: "Buy",
        qty: 1,
        price: 6800,
        positionBefore: 0,
        positionAfter: 1,
      },
      undefined,
    ],
  ];
  it.each(rows)("%s", (_what, event, expected) => {
    const notice = noticeFor(event, ruleMemory());
    if (expected === undefined) expect(notice).toBeUndefined();
    else expect(notice).toMatchObject({ ...expected, at });
  });
});

describe("what the rules remember", () => {
  it("a connection is restored only after it was lost, and each state change is news once", () => {
    const memory = ruleMemory();
    const kinds = [
      conn("connecting"),
      conn("connected"),
      conn("reconnecting", "socket closed"),
      conn("reconnecting", "socket closed"),
      conn("connected"),
      conn("down", "401 (gave up after 3 attempts)"),
      conn("connected"),
    ].map((e) => noticeFor(e, memory)?.kind);
    expect(kinds).toEqual([
      undefined,
      undefined,
      "connectionLost",
      undefined,
      "connectionRestored",
      "connectionNeedsYou",
      "connectionRestored",
    ]);
  });

  it("a login renewed to take in an added account pages no one, and its connect is no 'back'", () => {
    const memory = ruleMemory();
    const kinds = [conn("connected"), conn("reconnecting", RENEWING_FOR_ACCOUNTS), conn("connected")].map(
      (e) => noticeFor(e, memory)?.kind,
    );
    expect(kinds).toEqual([undefined, undefined, undefined]);
  });

  it("a login the trader took out of the config pages no one, and put back its first connect is no 'back'", () => {
    const memory = ruleMemory();
    const takenOut = {
      type: "connectionStatus",
      at,
      connection: "sim",
      broker: "tradovate",
      state: "down",
      reason: "taken out of the config",
      takenOut: true,
    } as EngineEvent;
    const kinds = [conn("connected"), takenOut, conn("connecting"), conn("connected")].map(
      (e) => noticeFor(e, memory)?.kind,
    );
    expect(kinds).toEqual([undefined, undefined, undefined, undefined]);
    // Lost for real afterwards, it still pages.
    expect(noticeFor(conn("down", "401"), memory)?.kind).toBe("connectionNeedsYou");
  });

  it("a lock the state file already had at start is not news; a new one is", () => {
    const memory = ruleMemory({ DEMO2001: "LOCKED" });
    expect(noticeFor(state("LOCKED", "manual"), memory)).toBeUndefined();
    expect(noticeFor(state("ACTIVE"), memory)).toBeUndefined();
    expect(noticeFor(state("LOCKED", "manual"), memory)?.kind).toBe("locked");
  });
});

describe("a lock saved under another case of the follower's name", () => {
  it("is not news at start, as risk keeps it for the same account; the exact spelling's own state wins", () => {
    expect(noticeFor(state("LOCKED", "manual"), ruleMemory({ demo2001: "LOCKED" }))).toBeUndefined();
    const both = ruleMemory({ demo2001: "LOCKED", DEMO2001: "ACTIVE" });
    expect(noticeFor(state("LOCKED", "manual"), both)?.kind).toBe("locked");
  });
});

describe("the tables agree", () => {
  it("every kind a target can switch has a title, and every rule is for a real event type", () => {
    for (const kind of NOTICE_KIND_NAMES) expect(KIND_TITLES[kind]).toBeTruthy();
    expect(Object.keys(RULES).sort()).toEqual(
      ["alert", "connectionStatus", "copy", "followerState", "syncStatus"].sort(),
    );
  });

  it("held back means a rule stopped an opening, never a routine skip", () => {
    expect([...HELD_BACK_REASONS].sort()).toEqual(
      [
        SKIP_REASONS.locked,
        SKIP_REASONS.liquidateOnly,
        SKIP_REASONS.brokerLocked,
        SKIP_REASONS.notWhitelisted,
        SKIP_REASONS.maxContracts,
        SKIP_REASONS.maxTrades,
      ].sort(),
    );
  });
});
