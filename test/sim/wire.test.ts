import { describe, expect, it } from "vitest";
import type { PropsEvent } from "../../engine/sim/entities.js";
import { reorderEvents, shapeFrames } from "../../engine/sim/frames.js";
import { roundToTick } from "../../engine/sim/market.js";
import { seededRandom } from "../../engine/sim/random.js";
import { parseRequestFrame, responseMessage, tokenFromAuthorizeBody } from "../../engine/sim/wire.js";

describe("request frames", () => {
  it("parses endpoint, id, query and a body that may contain newlines", () => {
    expect(parseRequestFrame('order/placeorder\n12\n\n{"a":\n1}')).toEqual({
      ok: true,
      endpoint: "order/placeorder",
      id: 12,
      query: "",
      body: '{"a":\n1}',
    });
    expect(parseRequestFrame("contract/find\n3\nname=ESZ6\n")).toMatchObject({
      ok: true,
      query: "name=ESZ6",
      body: "",
    });
  });

  it.each(["", "hello", "order/list\nabc\n\n", "order/list", "\n5\n\n"])(
    "rejects %j with a message",
    (text) => {
      const r = parseRequestFrame(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/Malformed request/);
    },
  );

  it("keeps the id of a frame with a missing endpoint so the error can be matched", () => {
    expect(parseRequestFrame("\n5\n\n")).toMatchObject({ ok: false, id: 5 });
  });

  it("accepts authorize tokens bare, quoted and quoted with a newline", () => {
    expect(tokenFromAuthorizeBody("abc")).toBe("abc");
    expect(tokenFromAuthorizeBody('"abc"')).toBe("abc");
    expect(tokenFromAuthorizeBody('"abc"\n')).toBe("abc");
  });

  it("answers errors with a string d and 429 without d", () => {
    expect(responseMessage(404, 1, "Not found: x")).toEqual({ s: 404, i: 1, d: "Not found: x" });
    expect(responseMessage(400, 1, { a: 1 })).toEqual({ s: 400, i: 1, d: '{"a":1}' });
    expect(responseMessage(429, 7, "")).toEqual({ s: 429, i: 7 });
    expect(responseMessage(200, 0, undefined)).toEqual({ s: 200, i: 0 });
  });
});

const ev = (
  entityType: PropsEvent["d"]["entityType"],
  eventType: "Created" | "Updated",
  id: number,
): PropsEvent => ({
  e: "props",
  d: { entityType, eventType, entity: { id } },
});

describe("frame shapes", () => {
  const batch = [
    ev("command", "Created", 1),
    ev("order", "Created", 2),
    ev("orderVersion", "Created", 1),
    ev("commandReport", "Created", 3),
    ev("fill", "Created", 4),
    ev("order", "Updated", 2),
  ];

  it("sends one plain frame per batch by default", () => {
    expect(shapeFrames(batch)).toEqual([`a${JSON.stringify(batch)}`]);
  });

  it("duplicates each frame when asked", () => {
    const frames = shapeFrames(batch, { duplicate: true });
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(frames[1]);
  });

  it("reorders neighbours but never moves anything across an order's Created", () => {
    const out = reorderEvents(batch);
    expect(out).not.toEqual(batch);
    expect(out.map((e) => e.d.entityType).indexOf("order")).toBe(1);
    expect(out.slice(2).map((e) => e.d.entityType)).toEqual([
      "commandReport",
      "orderVersion",
      "order",
      "fill",
    ]);
  });

  it("varied shapes keep every event in order (entity arrays flattened)", () => {
    for (let seed = 1; seed < 50; seed++) {
      const frames = shapeFrames(batch, { random: seededRandom(seed) });
      const flat = frames.flatMap((f) =>
        (JSON.parse(f.slice(1)) as PropsEvent[]).flatMap((e) =>
          (Array.isArray(e.d.entity) ? e.d.entity : [e.d.entity]).map(
            (x) => `${e.d.entityType}:${e.d.eventType}:${x.id}`,
          ),
        ),
      );
      expect(flat).toEqual(
        batch.map((e) => `${e.d.entityType}:${e.d.eventType}:${(e.d.entity as { id: number }).id}`),
      );
    }
  });

  it("varied shapes sometimes split a batch and sometimes send entity arrays", () => {
    const shapes = Array.from({ length: 50 }, (_, seed) =>
      shapeFrames(batch, { random: seededRandom(seed) }),
    );
    expect(shapes.some((f) => f.length === 2)).toBe(true);
    expect(shapes.some((f) => f.some((x) => x.includes('"entity":[')))).toBe(true);
  });
});

describe("tick rounding", () => {
  it.each([
    [6800.13, 0.25, 6800.25],
    [60.0700001, 0.01, 60.07],
    [2450.04, 0.1, 2450],
    [47000.6, 1, 47001],
  ])("%f on a %f grid is %f", (price, tick, expected) => {
    expect(roundToTick(price, tick)).toBe(expected);
  });
});
