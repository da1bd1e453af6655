import { describe, expect, it } from "vitest";
import { Collapser } from "../../src/notify/collapse.js";
import type { Notice } from "../../src/notify/rules.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";

function notice(subject: string, text: string, kind: Notice["kind"] = "heldBack"): Notice {
  return { kind, level: "info", subject, text, at: 0 };
}

function rig(windowMs = 60_000) {
  const clock = new FakeClock();
  const sent: Notice[] = [];
  const collapser = new Collapser(windowMs, clock, (n) => sent.push(n));
  return { clock, sent, collapser };
}

describe("collapsing repeats", () => {
  it("sends the first at once and folds repeats within the window into one message with a count", () => {
    const { clock, sent, collapser } = rig();
    collapser.offer(notice("DEMO2001", "held back 1"));
    expect(sent.map((n) => n.text)).toEqual(["held back 1"]);
    for (let i = 2; i <= 5; i++) {
      clock.advance(10_000);
      collapser.offer(notice("DEMO2001", `held back ${i}`));
    }
    expect(sent).toHaveLength(1);
    clock.advance(20_000); // the window ends 60 s after the first
    expect(sent.map((n) => [n.text, n.repeats ?? 0, n.windowSeconds])).toEqual([
      ["held back 1", 0, undefined],
      ["held back 5", 3, 60],
    ]);
  });

  it("keeps one window per kind and subject", () => {
    const { sent, collapser } = rig();
    collapser.offer(notice("DEMO2001", "a"));
    collapser.offer(notice("DEMO2002", "b"));
    collapser.offer(notice("DEMO2001", "c", "locked"));
    collapser.offer(notice("DEMO2001", "d"));
    expect(sent.map((n) => n.text)).toEqual(["a", "b", "c"]);
  });

  it("a storm is one message per window; a quiet window ends it and the next notice goes at once", () => {
    const { clock, sent, collapser } = rig();
    collapser.offer(notice("X", "1"));
    collapser.offer(notice("X", "2"));
    clock.advance(60_000); // summary of "2", opens a second window
    collapser.offer(notice("X", "3"));
    collapser.offer(notice("X", "4"));
    clock.advance(60_000); // summary of "3" and "4"
    clock.advance(60_000); // nothing in the third window: closed
    collapser.offer(notice("X", "5"));
    expect(sent.map((n) => `${n.text}+${n.repeats ?? 0}`)).toEqual(["1+0", "2+0", "4+1", "5+0"]);
  });

  it("flush sends what is counted and stops the timers", () => {
    const { clock, sent, collapser } = rig();
    collapser.offer(notice("X", "1"));
    collapser.offer(notice("X", "2"));
    collapser.offer(notice("X", "3"));
    collapser.flush();
    expect(sent.map((n) => `${n.text}+${n.repeats ?? 0}`)).toEqual(["1+0", "3+1"]);
    expect(clock.pending()).toBe(0);
  });

  it("a window of 0 sends everything", () => {
    const { clock, sent, collapser } = rig(0);
    for (const t of ["1", "2", "3"]) collapser.offer(notice("X", t));
    expect(sent).toHaveLength(3);
    expect(clock.pending()).toBe(0);
  });
});
