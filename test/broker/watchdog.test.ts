import { describe, expect, it } from "vitest";
import { Watchdog } from "../../engine/broker/watchdog.js";
import { FakeClock } from "./helpers/fakeClock.js";

function dog(silentMs = 10_000) {
  const clock = new FakeClock();
  const dead: number[] = [];
  const late: number[] = [];
  const w = new Watchdog({ clock, silentMs, onSilent: (s) => dead.push(s), onLate: (l) => late.push(l) });
  w.start();
  return { clock, w, dead, late };
}

describe("Watchdog: a silent server, not a late timer", () => {
  it("declares a socket dead after silentMs without a frame, on a check that fired on time", () => {
    const { clock, dead } = dog();
    clock.advance(9_999);
    expect(dead).toEqual([]);
    clock.advance(1);
    expect(dead).toEqual([10_000]);
  });

  it("keeps a socket that keeps talking", () => {
    const { clock, w, dead } = dog();
    for (let i = 0; i < 20; i++) {
      clock.advance(3_000);
      w.heard(clock.mono());
    }
    expect(dead).toEqual([]);
  });

  it("does not drop a socket because our own event loop was busy: it looks again after the backlog", () => {
    const { clock, w, dead, late } = dog();
    // The loop is blocked for 15 s; frames sat unread in the kernel meanwhile.
    clock.stall(15_000);
    clock.advance(0); // the overdue check fires, 5 s late
    expect(dead).toEqual([]);
    expect(late).toEqual([5_000]);
    // The I/O phase reads the backlog before the grace check runs.
    w.heard(clock.mono());
    clock.advance(10_000 - 1);
    expect(dead).toEqual([]);
  });

  it("trusts a check up to a quarter of silentMs late", () => {
    const { clock, dead, late } = dog();
    clock.stall(12_000);
    clock.advance(0);
    expect(late).toEqual([]);
    expect(dead).toEqual([12_000]);
  });

  it("drops it when the server is still silent on the on-time check after a late one", () => {
    const { clock, dead, late } = dog();
    clock.stall(13_000);
    clock.advance(0); // 3 s late: more than a quarter of silentMs
    expect(late).toHaveLength(1);
    clock.advance(1_000);
    expect(dead).toEqual([14_000]);
  });

  it("an event loop that stays overloaded cannot keep a dead socket forever", () => {
    const { clock, dead, late } = dog();
    for (let i = 0; i < 10 && dead.length === 0; i++) {
      clock.stall(6_000);
      clock.advance(0);
    }
    expect(late.length).toBeLessThanOrEqual(3);
    expect(dead).toHaveLength(1);
    expect(dead[0]!).toBeLessThanOrEqual(30_000);
  });

  it("stop() ends every check", () => {
    const { clock, w, dead } = dog();
    w.stop();
    clock.advance(60_000);
    expect(dead).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
