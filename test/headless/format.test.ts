import { describe, expect, it } from "vitest";
import { describeEvent, formatEventLine, formatLogLine } from "../../src/headless/format.js";

describe("headless output lines", () => {
  it("prints one JSON object per event by default", () => {
    const event = { type: "alert", at: 0, level: "warn", message: "x" } as const;
    expect(JSON.parse(formatEventLine(event, false))).toEqual(event);
  });

  it("prints the JSON line the engine's thread made for an event as it is, not stringified again", () => {
    const event = { type: "alert", at: 0, level: "warn", message: "x" } as const;
    // Not what JSON.stringify of the event gives here (keys in another order): the given line wins.
    const line = '{"at":0,"type":"alert","level":"warn","message":"x"}';
    expect(formatEventLine(event, false, line)).toBe(line);
    expect(formatEventLine(event, true, line)).toBe(formatEventLine(event, true));
  });

  it("a log line stays a log line, whatever the logged data names its fields", () => {
    const line = JSON.parse(
      formatLogLine("error", "copier failed on a broker event", { type: "fill", error: "boom" }, false, 5),
    );
    expect(line).toMatchObject({
      type: "log",
      at: 5,
      level: "error",
      message: "copier failed on a broker event",
    });
    expect(line).toMatchObject({ eventType: "fill", error: "boom" });
  });

  it("a readable log line keeps what was logged with it: the why of a failure", () => {
    const line = formatLogLine(
      "warn",
      "token renewal failed; retrying",
      { error: "HTTP 503", tries: 2 },
      true,
      0,
    );
    expect(line).toBe(
      "1970-01-01T00:00:00.000Z WARN  token renewal failed; retrying (error: HTTP 503, tries: 2)",
    );
    expect(formatLogLine("info", "started", undefined, true, 0)).toBe(
      "1970-01-01T00:00:00.000Z INFO  started",
    );
  });

  it("describes fills, copies, skips and sync in words a trader reads", () => {
    expect(
      describeEvent({
        type: "leaderFill",
        at: 0,
        group: "G",
        leader: "L",
        fillId: 1,
        orderId: 1,
        contract: "NQZ6",
        side: "Buy",
        qty: 2,
        price: 25000,
        positionBefore: 0,
        positionAfter: 2,
      }),
    ).toBe("FILL  G: L Buy 2 NQZ6 @ 25000 (0 → +2)");
    expect(
      describeEvent({
        type: "copy",
        at: 0,
        group: "G",
        follower: "F",
        fillId: 1,
        contract: "ESZ6",
        outcome: "skipped",
        reason: "not whitelisted",
      }),
    ).toBe("COPY  F skipped ESZ6: not whitelisted");
    const accepted = { type: "copy", at: 0, group: "G", follower: "F", fillId: 1, contract: "ESZ6" } as const;
    expect(
      describeEvent({ ...accepted, outcome: "accepted", reason: "accepted", side: "Buy", latencyMs: 4.5 }),
    ).toBe("COPY  F accepted Buy ESZ6 in 4.50 ms");
    expect(describeEvent({ ...accepted, outcome: "sent", reason: "copied", side: "Sell", qty: 2 })).toBe(
      "COPY  F sent Sell 2 ESZ6",
    );
    // A reason that says more than the outcome stays, after the latency.
    expect(
      describeEvent({
        ...accepted,
        outcome: "sent",
        reason: "copied, capped by max contracts",
        side: "Buy",
        qty: 4,
        latencyMs: 3.88,
      }),
    ).toBe("COPY  F sent Buy 4 ESZ6 in 3.88 ms: copied, capped by max contracts");
    expect(
      describeEvent({ ...accepted, outcome: "rejected", reason: "Rejected: no margin", side: "Buy", qty: 1 }),
    ).toBe("COPY  F rejected Buy 1 ESZ6: Rejected: no margin");
    expect(
      describeEvent({
        type: "syncStatus",
        at: 0,
        follower: "F",
        contract: "ESZ6",
        has: 0,
        expects: 2,
        inSync: false,
      }),
    ).toBe("SYNC  F ESZ6 OUT OF SYNC: has 0, expects +2");
    expect(formatEventLine({ type: "alert", at: 0, level: "error", message: "boom" }, true)).toBe(
      "1970-01-01T00:00:00.000Z ERROR boom",
    );
  });

  it("names each connection's broker, and counts a ProjectX budget by the minute", () => {
    expect(
      describeEvent({
        type: "connectionStatus",
        at: 0,
        connection: "topstep",
        broker: "projectx",
        state: "connected",
      }),
    ).toBe("CONN  topstep (ProjectX) connected");
    expect(
      describeEvent({
        type: "connectionStatus",
        at: 0,
        connection: "sim",
        broker: "tradovate",
        state: "reconnecting",
        reason: "socket closed",
      }),
    ).toBe("CONN  sim (Tradovate) reconnecting: socket closed");
    expect(
      describeEvent({
        type: "budget",
        at: 0,
        connection: "topstep",
        budget: { left: 187, limit: 200, windowMs: 60_000, refused: 0 },
      }),
    ).toBe("RATE  topstep 187/200 left this minute");
  });

  it("describes a re-sync that made up exits and an exit being retried", () => {
    expect(
      describeEvent({
        type: "resync",
        at: 0,
        group: "G",
        leader: "L",
        fillId: -5,
        cause: "F1 synced",
        positions: [{ contract: "ESZ6", netPos: -1 }],
      }),
    ).toBe("RESYNC G: F1 synced; leader L ESZ6 -1; missed exits made up");
    expect(
      describeEvent({
        ...{ type: "resync", at: 0, group: "G", leader: "L", fillId: -7, openings: true },
        ...{ cause: "F1 synced", positions: [{ contract: "ESZ6", netPos: 2 }] },
      }),
    ).toBe("RESYNC G: F1 synced; leader L ESZ6 +2; missed trades made up");
    expect(
      describeEvent({
        ...{ type: "resync", at: 0, group: "G", leader: "L", fillId: -6, byHand: true },
        ...{ cause: "F1 resynced by hand", positions: [{ contract: "ESZ6", netPos: -1 }] },
      }),
    ).toBe("RESYNC G: F1 resynced by hand; leader L ESZ6 -1; the difference to the rule sent");
    const pending = {
      type: "exitPending",
      at: 0,
      group: "G",
      follower: "F1",
      contract: "ESZ6",
      pending: true,
      has: 2,
      goal: 0,
      reason: "RiskRejected",
      attempts: 1,
      nextTryAt: Date.UTC(2026, 0, 1, 15, 0, 1),
    } as const;
    expect(describeEvent(pending)).toBe(
      "EXIT  F1 ESZ6 EXIT PENDING: has +2, rule says 0; RiskRejected; try 2 at 2026-01-01T15:00:01.000Z",
    );
    expect(describeEvent({ ...pending, pending: false, has: 0, reason: "done", nextTryAt: undefined })).toBe(
      "EXIT  F1 ESZ6 exit done (has 0)",
    );
  });
});
