import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_POLICY, Delivery, type StreakChange } from "../../src/notify/delivery.js";
import type { Notice } from "../../src/notify/rules.js";
import type { SendResult } from "../../src/notify/send.js";
import type { Message } from "../../src/notify/targets.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";

/**
 * A target's outbox with a scripted service: each send takes the next scripted answer. Sends are
 * recorded with the fake clock's time, so backoff is checked without waiting for anything.
 */
function rig(script: SendResult[], policy: Partial<typeof DEFAULT_POLICY> = {}) {
  const clock = new FakeClock();
  const sends: { at: number; text: string; dropped: number }[] = [];
  const streaks: StreakChange[] = [];
  const ok: SendResult = { ok: true, status: 200 };
  const delivery = new Delivery({
    clock,
    policy,
    onStreak: (c) => streaks.push(c),
    send: async (m: Message) => {
      sends.push({ at: clock.mono(), text: m.notice.text, dropped: m.dropped ?? 0 });
      return script.shift() ?? ok;
    },
  });
  /** Lets the awaited sends settle (they resolve at once), then moves the clock. */
  const advance = async (ms: number) => {
    await settle();
    clock.advance(ms);
    await settle();
  };
  return { clock, sends, streaks, delivery, advance };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const notice = (text: string): Notice => ({ kind: "locked", level: "warn", subject: "X", text, at: 0 });
const down: SendResult = { ok: false, retryable: true, error: "HTTP 503: busy" };
const refused: SendResult = { ok: false, retryable: false, error: "HTTP 401: Unauthorized" };

describe("backoff", () => {
  it.each([
    [1, undefined, 2000],
    [2, undefined, 4000],
    [3, undefined, 8000],
    [7, undefined, 60_000],
    [1, 7000, 7000],
    [1, 3_600_000, 600_000],
  ])("after try %i (Retry-After %j) waits %i ms", (attempt, retryAfter, expected) => {
    expect(backoffMs(attempt, DEFAULT_POLICY, retryAfter)).toBe(expected);
  });
});

describe("delivering to one target", () => {
  it("retries a failed message with doubling waits, then goes on to the next one", async () => {
    const { sends, streaks, delivery, advance } = rig([down, down, down]);
    delivery.enqueue(notice("a"));
    delivery.enqueue(notice("b"));
    for (const ms of [2000, 4000, 8000]) await advance(ms);
    await settle();
    expect(sends.map((s) => [s.text, s.at])).toEqual([
      ["a", 0],
      ["a", 2000],
      ["a", 6000],
      ["a", 14000],
      ["b", 14000],
    ]);
    expect(streaks).toEqual([]); // a blip that mended itself is not worth an alert
    await delivery.idle();
  });

  it("honours the wait a service asks for", async () => {
    const { sends, delivery, advance } = rig([{ ...down, error: "HTTP 429", retryAfterMs: 30_000 }]);
    delivery.enqueue(notice("a"));
    await advance(29_999);
    expect(sends).toHaveLength(1);
    await advance(1);
    expect(sends.map((s) => s.at)).toEqual([0, 30_000]);
  });

  it("a failing target is reported once per streak, and once when it works again", async () => {
    const { sends, streaks, delivery, advance } = rig([
      ...Array<SendResult>(5).fill(down), // "a": every try fails → given up, the streak starts
      refused, // "b": refused outright → given up, same streak: no second report
      refused, // "c"
    ]);
    delivery.enqueue(notice("a"));
    delivery.enqueue(notice("b"));
    delivery.enqueue(notice("c"));
    for (const ms of [2000, 4000, 8000, 16_000]) await advance(ms);
    await settle();
    expect(sends.map((s) => s.text)).toEqual(["a", "a", "a", "a", "a", "b", "c"]);
    expect(streaks).toEqual([{ kind: "failing", error: "HTTP 503: busy" }]);
    delivery.enqueue(notice("d"));
    await delivery.idle();
    expect(streaks).toEqual([
      { kind: "failing", error: "HTTP 503: busy" },
      { kind: "recovered", lost: 3 },
    ]);
  });

  it("keeps a bounded queue: the oldest are dropped and the next message says how many", async () => {
    const { sends, delivery, advance } = rig([down], { maxQueue: 3 });
    for (const t of ["a", "b", "c", "d", "e", "f"]) delivery.enqueue(notice(t));
    // "a" is in flight (waiting to retry); b and c were pushed out by d, e, f.
    expect(delivery.pending).toBe(4);
    await advance(2000);
    await delivery.idle();
    expect(sends.map((s) => `${s.text}:${s.dropped}`)).toEqual(["a:0", "a:0", "d:2", "e:0", "f:0"]);
  });

  it("stop gives up what waits and leaves no timer behind", async () => {
    const { clock, sends, delivery, advance } = rig([down]);
    delivery.enqueue(notice("a"));
    delivery.enqueue(notice("b"));
    await settle();
    expect(clock.pending()).toBe(1);
    delivery.stop();
    expect(clock.pending()).toBe(0);
    await advance(60_000);
    expect(sends).toHaveLength(1);
    await delivery.idle();
  });
});

describe("a full queue", () => {
  const info = (text: string): Notice => ({ kind: "heldBack", level: "info", subject: text, text, at: 0 });
  const warn = (text: string): Notice => ({ kind: "locked", level: "warn", subject: text, text, at: 0 });
  const error = (text: string): Notice => ({ kind: "rejected", level: "error", subject: text, text, at: 0 });
  const conn = (kind: "connectionLost" | "connectionRestored", subject: string): Notice => ({
    kind,
    level: kind === "connectionLost" ? "warn" : "info",
    subject,
    text: `${subject} ${kind}`,
    at: 0,
  });

  it("drops the oldest of the lowest level first: a lock or a reject is never dropped for an info line", async () => {
    const { sends, delivery, advance } = rig([down], { maxQueue: 3 });
    delivery.enqueue(info("first")); // in flight
    delivery.enqueue(warn("LOCKED"));
    delivery.enqueue(error("rejected"));
    for (const t of ["i1", "i2", "i3"]) delivery.enqueue(info(t));
    await advance(2000);
    await delivery.idle();
    // i1 found a full queue of two that matter and itself: it went; i2 pushed i1 out, i3 pushed i2.
    expect(sends.map((s) => `${s.text}:${s.dropped}`)).toEqual([
      "first:0",
      "first:0",
      "LOCKED:2",
      "rejected:0",
      "i3:0",
    ]);
  });

  it("with no info line waiting, drops the oldest warning, never an error", async () => {
    const { sends, delivery, advance } = rig([down], { maxQueue: 2 });
    delivery.enqueue(info("first")); // in flight
    delivery.enqueue(error("e1"));
    delivery.enqueue(warn("w1"));
    delivery.enqueue(warn("w2")); // w1 goes
    await advance(2000);
    await delivery.idle();
    expect(sends.map((s) => `${s.text}:${s.dropped}`)).toEqual(["first:0", "first:0", "e1:1", "w2:0"]);
  });

  it("a connection's 'back' is not sent when its 'lost' was dropped: the phone never heard it go", async () => {
    const { sends, delivery, advance } = rig([down], { maxQueue: 2 });
    delivery.enqueue(info("first")); // in flight
    delivery.enqueue(conn("connectionLost", "sim"));
    delivery.enqueue(error("e1"));
    delivery.enqueue(error("e2")); // the lost goes
    await advance(2000);
    delivery.enqueue(conn("connectionRestored", "sim"));
    delivery.enqueue(conn("connectionLost", "px"));
    await delivery.idle();
    delivery.enqueue(conn("connectionRestored", "px"));
    await delivery.idle();
    expect(sends.map((s) => `${s.text}:${s.dropped}`)).toEqual([
      "first:0",
      "first:0",
      "e1:1",
      "e2:0",
      "px connectionLost:0",
      "px connectionRestored:0",
    ]);
  });

  it("a 'back' whose 'lost' the phone heard outlasts a burst of locks; one whose 'lost' waits goes with it", async () => {
    const { sends, delivery, advance } = rig([down], { maxQueue: 3 });
    delivery.enqueue(conn("connectionLost", "sim")); // in flight: the phone hears it
    delivery.enqueue(conn("connectionRestored", "sim"));
    delivery.enqueue(conn("connectionLost", "px"));
    delivery.enqueue(conn("connectionRestored", "px"));
    for (const t of ["w1", "w2", "w3"]) delivery.enqueue(warn(t));
    await advance(2000);
    await delivery.idle();
    // px's lost and back (both still queued) went first, then the oldest lock; sim's back stayed.
    expect(sends.map((s) => `${s.text}:${s.dropped}`)).toEqual([
      "sim connectionLost:0",
      "sim connectionLost:0",
      "sim connectionRestored:3",
      "w2:0",
      "w3:0",
    ]);
  });
});
