/**
 * Issue 14's covered fills: what of a leader fill the follower's own mirrored order answers, and
 * what is still copied. Exits are sized to the follower's position, so its mirror of the leader's
 * exit may close less than the step (mirror seed 28418706: an OCO of 3 for a flip of 6).
 */
import { describe, expect, it } from "vitest";
import { COPY_REASONS, type Decision } from "../../engine/copier/decide.js";
import { answeredByMirror } from "../../engine/copier/followerDecision.js";
import { SKIP_REASONS } from "../../engine/types.js";

const send = (
  kind: "open" | "add" | "reduce" | "close" | "flip",
  delta: number,
  opening: number,
): Decision => ({
  action: "send",
  kind,
  delta,
  opening,
  reason: COPY_REASONS.copied,
});

const MIRRORED = SKIP_REASONS.mirrored;
const BEYOND = COPY_REASONS.beyondMirror;
const COPIED = COPY_REASONS.copied;

describe("a covered fill: the mirror answers up to its size, the rest is copied", () => {
  it.each([
    // [decision, mirror's credit, what is sent (delta) or the skip, kind, reason, covered]
    ["open +3, any mirror", send("open", 3, 3), 0, "skip", "open", MIRRORED, 0],
    ["add −2, any mirror", send("add", -2, -2), 5, "skip", "add", MIRRORED, 0],
    ["reduce −2, mirror 2", send("reduce", -2, 0), 2, "skip", "reduce", MIRRORED, -2],
    ["reduce −2, mirror 5", send("reduce", -2, 0), 5, "skip", "reduce", MIRRORED, -2],
    ["close +5, mirror 5", send("close", 5, 0), 5, "skip", "close", MIRRORED, 5],
    ["close +5, mirror 3", send("close", 5, 0), 3, 2, "close", BEYOND, 3],
    ["close +5, mirror used up", send("close", 5, 0), 0, 5, "close", COPIED, 0],
    ["flip +6 (close 5, open 1), mirror 5", send("flip", 6, 1), 5, 1, "open", COPIED, 5],
    ["flip +6 (close 5, open 1), mirror 3", send("flip", 6, 1), 3, 3, "flip", BEYOND, 3],
    ["flip −4 from flat (open −2 only)", send("flip", -2, -2), 4, -2, "open", COPIED, 0],
    [
      "flip −3 (close −2, open −1), mirror 3: it makes the opening too",
      send("flip", -3, -1),
      3,
      "skip",
      "flip",
      MIRRORED,
      -3,
    ],
    [
      "flip −4 (close −2, open −2), mirror 3: one of the opening is copied",
      send("flip", -4, -2),
      3,
      -1,
      "open",
      COPIED,
      -3,
    ],
    [
      "flip −3 (close −2, open −1), its size unknown: the closing",
      send("flip", -3, -1),
      Number.POSITIVE_INFINITY,
      -1,
      "open",
      COPIED,
      -2,
    ],
    ["a credit below zero counts as none", send("close", -2, 0), -1, -2, "close", COPIED, 0],
  ] as const)("%s", (_, decision, credit, sent, kind, reason, covered) => {
    const out = answeredByMirror(decision, () => credit);
    expect(out.covered).toBe(covered);
    expect(out.kind).toBe(kind);
    expect(out.reason).toBe(reason);
    if (sent === "skip") expect(out.action).toBe("skip");
    else expect(out.action === "send" && out.delta).toBe(sent);
  });

  it("a skip stays a skip, and the mirror is not asked its size for an opening", () => {
    const skipped: Decision = { action: "skip", kind: "close", reason: SKIP_REASONS.alreadyFlat };
    const asked: string[] = [];
    const credit = () => {
      asked.push("credit");
      return 3;
    };
    expect(answeredByMirror(skipped, credit)).toEqual({ ...skipped, covered: 0 });
    answeredByMirror(send("open", 3, 3), credit);
    expect(asked).toEqual([]);
  });
});
