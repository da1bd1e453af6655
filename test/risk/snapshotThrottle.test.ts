import { describe, expect, it } from "vitest";
import { SnapshotThrottle } from "../../engine/risk/snapshotThrottle.js";
import { FakeClock } from "./fakes.js";

function setup(ready = true) {
  const clock = new FakeClock(0);
  const sent: string[] = [];
  const state = { ready };
  const throttle = new SnapshotThrottle(clock, 250, (name) => {
    if (state.ready) sent.push(`${name}@${clock.now()}`);
    return state.ready;
  });
  return { clock, sent, throttle, state };
}

describe("SnapshotThrottle: at most one snapshot per follower per interval, state changes at once", () => {
  it.each([
    ["the first request goes at once", [[0, "F1", false]], ["F1@0"]],
    [
      "requests within the interval become one, sent when it has passed",
      [
        [0, "F1", false],
        [10, "F1", false],
        [200, "F1", false],
      ],
      ["F1@0", "F1@250"],
    ],
    [
      "an urgent one goes at once and replaces the one waiting",
      [
        [0, "F1", false],
        [10, "F1", false],
        [20, "F1", true],
      ],
      ["F1@0", "F1@20"],
    ],
    [
      "followers are spaced apart from each other, not together",
      [
        [0, "F1", false],
        [10, "F2", false],
      ],
      ["F1@0", "F2@10"],
    ],
  ] as const)("%s", async (_, requests, expected) => {
    const t = setup();
    for (const [time, name, urgent] of requests) {
      await t.clock.advanceTo(time);
      t.throttle.request(name, urgent);
    }
    await t.clock.advance(1000);
    expect(t.sent).toEqual(expected);
  });

  it("nothing to send yet does not count as sent; stop() leaves no timer", async () => {
    const t = setup(false);
    t.throttle.request("F1", false);
    t.state.ready = true;
    t.throttle.request("F1", false);
    expect(t.sent).toEqual(["F1@0"]);
    t.throttle.request("F1", false);
    t.throttle.stop();
    await t.clock.advance(1000);
    expect(t.sent).toEqual(["F1@0"]);
  });
});
