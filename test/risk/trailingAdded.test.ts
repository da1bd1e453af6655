import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { watchTrailing } from "../../engine/risk/marks.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { configWith, ES, flush, longF1, type Rig, statesOf } from "./fakes.js";

const TRAILING: Limits = { dailyLoss: 5000, trailingDrawdown: 1500 };

/** F1 long 1 ES from 5000, up $2 000 (high-water mark 52 000) and back to 50 000, no trailing limit yet. */
async function upAndBack(): Promise<Rig> {
  const r = await longF1({ dailyLoss: 5000 });
  r.session.quote(ES, 5040);
  r.session.quote(ES, 5000);
  await flush();
  expect(r.engine.snapshot("F1")).toMatchObject({ netLiq: 50_000, highWaterMark: 52_000 });
  return r;
}

describe("a trailing drawdown limit added to a follower later", () => {
  it("is measured from its net liquidation when the limit is set, not from an older high-water mark", async () => {
    const r = await upAndBack();
    r.setConfig(configWith([{ account: "F1", limits: TRAILING }]));
    await flush();
    // From the old 52 000 the floor would be 50 500: locked at once on a number never shown.
    expect(r.engine.snapshot("F1")).toMatchObject({
      state: "ACTIVE",
      highWaterMark: 50_000,
      trailingFloor: 48_500,
    });
    expect(statesOf(r.events, "F1")).toEqual([]);
    expect(r.store.state.followers.F1).toMatchObject({ highWaterMark: 50_000, trailingWatched: true });

    // From there it trails as usual: 1 500 below the new mark trips it.
    r.session.quote(ES, 4970);
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
    await r.engine.stop();
  });

  it("added while mimik was stopped, it starts at the first balance after the restart", async () => {
    const r = await upAndBack();
    await r.engine.stop();
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: TRAILING }]));
    await again.start();
    r.session.setBalance(11, 50_000);
    await flush();
    expect(again.snapshot("F1")).toMatchObject({ state: "ACTIVE", highWaterMark: 50_000 });
    await again.stop();
  });

  it("a limit already watched keeps its high-water mark through config reloads and restarts", async () => {
    const r = await longF1(TRAILING);
    r.session.quote(ES, 5020); // +1 000: mark 51 000
    r.session.quote(ES, 5000);
    await flush();
    r.setConfig(configWith([{ account: "F1", limits: { ...TRAILING, trailingDrawdown: 1200 } }]));
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ highWaterMark: 51_000, trailingFloor: 49_800 });
    await r.engine.stop();
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: TRAILING }]));
    await again.start();
    r.session.setBalance(11, 50_000);
    await flush();
    expect(again.snapshot("F1")).toMatchObject({ highWaterMark: 51_000 });
    await again.stop();
  });
});

describe("watchTrailing: which high-water mark a trailing limit is measured from", () => {
  const hwm: FollowerRiskRecord = { state: "ACTIVE", highWaterMark: 52_000 };
  const on: Limits = { trailingDrawdown: 1500 };
  it.each([
    ["limit added: restarts at net liq", { ...hwm, trailingWatched: false }, on, 50_000, 50_000, true],
    [
      "limit added, balance unknown: restarts at the first one",
      { ...hwm, trailingWatched: false },
      on,
      undefined,
      undefined,
      true,
    ],
    ["limit kept: mark kept", { ...hwm, trailingWatched: true }, on, 50_000, 52_000, true],
    ["limit removed: noted", { ...hwm, trailingWatched: true }, {}, 50_000, 52_000, false],
    // A file from before this was kept: its mark may be the limit's own, so it is kept (the old rule).
    ["older record with the limit: mark kept", hwm, on, 50_000, 52_000, true],
    ["older record without it: noted", hwm, {}, 50_000, 52_000, false],
  ] as const)("%s", (_, record, limits, netLiq, mark, watched) => {
    expect(watchTrailing(record, limits, netLiq)).toMatchObject({
      highWaterMark: mark,
      trailingWatched: watched,
    });
  });

  it("returns the same record when nothing changes", () => {
    const r: FollowerRiskRecord = { ...hwm, trailingWatched: true };
    expect(watchTrailing(r, on, 50_000)).toBe(r);
  });
});
