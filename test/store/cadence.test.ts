import { afterEach, describe, expect, it, vi } from "vitest";
import type { EngineEvent } from "../../engine/types.js";
import { burstStreak, publishDelay, SCREEN_CADENCE } from "../../src/store/cadence.js";
import { EngineStore } from "../../src/store/engineStore.js";

const c = SCREEN_CADENCE; // soon 75 ms, refresh 250 ms, a burst after 4 batches back to back

describe("the screen's cadence, as rules", () => {
  it.each([
    ["a decision after a quiet spell", 75, true, 0],
    ["a decision, three batches into a run", 75, true, 3],
    ["a decision, four batches into a run: a burst", 250, true, 4],
    ["a tick's figures, however quiet", 250, false, 0],
  ] as const)("%s: on screen within %i ms", (_, ms, decision, streak) => {
    expect(publishDelay(decision, streak, c)).toBe(ms);
  });

  it.each([
    ["begun right after the last publish: the run goes on", 2, 10, 3],
    ["begun exactly soonMs after it: still back to back", 2, 75, 3],
    ["begun after a quiet gap: the run ends", 7, 76, 0],
    ["the first batch ever", 0, Number.POSITIVE_INFINITY, 0],
  ] as const)("%s", (_, streak, since, next) => {
    expect(burstStreak(streak, since, c)).toBe(next);
  });
});

const copy = (fillId: number): EngineEvent => ({
  type: "copy",
  at: 1,
  group: "G",
  follower: "F1",
  fillId,
  contract: "NQZ6",
  kind: "open",
  outcome: "sent",
  reason: "",
});
const risk = (dayPnl: number): EngineEvent =>
  ({ type: "risk", at: 1, follower: "F1", dayPnl, netLiq: 50_000 }) as unknown as EngineEvent;

describe("the store publishes on that cadence", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Pushes `event` every `everyMs` for `forMs`; returns when each publish came (ms from start). */
  function run(store: EngineStore, event: (i: number) => EngineEvent, everyMs: number, forMs: number) {
    const published: number[] = [];
    const start = Date.now();
    store.subscribe(() => published.push(Date.now() - start));
    for (let t = 0, i = 0; t < forMs; t += everyMs, i++) {
      store.push(event(i));
      vi.advanceTimersByTime(everyMs);
    }
    return published;
  }

  it("a lone decision is on screen within 75 ms", () => {
    vi.useFakeTimers();
    const store = new EngineStore();
    expect(run(store, copy, 100, 100)).toEqual([75]);
    store.dispose();
  });

  it("a tick's figures alone wait up to 250 ms, and a decision brings them forward", () => {
    vi.useFakeTimers();
    const store = new EngineStore();
    const published: number[] = [];
    store.subscribe(() => published.push(Date.now()));
    const start = Date.now();
    store.push(risk(1));
    vi.advanceTimersByTime(100);
    expect(published).toEqual([]);
    store.push(copy(1));
    vi.advanceTimersByTime(75);
    expect(published.map((t) => t - start)).toEqual([175]);
    expect(store.getSnapshot().followers.get("F1")).toBeDefined();
    store.dispose();
  });

  it("decisions back to back: four quick batches, then four a second until a quiet gap", () => {
    vi.useFakeTimers();
    const store = new EngineStore();
    const published = run(store, copy, 5, 1500);
    const gaps = published.slice(1).map((t, i) => t - (published[i] as number));
    // A copy every 5 ms: four batches 75 ms apart (the first at 75), then one every 250 ms.
    expect(published.slice(0, 4)).toEqual([75, 150, 225, 300]);
    expect(gaps.slice(3)).toEqual(gaps.slice(3).map(() => 250));
    // After a quiet second, a decision is quick again.
    vi.advanceTimersByTime(1000);
    const before = published.length;
    const t0 = Date.now();
    store.subscribe(() => published.push(Date.now() - t0));
    store.push(copy(10_000));
    vi.advanceTimersByTime(75);
    expect(published.length).toBeGreaterThan(before);
    expect(published.at(-1)).toBe(75);
    store.dispose();
  });
});
