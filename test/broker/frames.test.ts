import { describe, expect, it } from "vitest";
import { classifyMessage, encodeRequest, errorTextOf, parseFrame } from "../../engine/broker/frames.js";

describe("parseFrame", () => {
  it("recognises open, heartbeat, messages and close frames", () => {
    expect(parseFrame("o")).toEqual({ kind: "open" });
    expect(parseFrame("h")).toEqual({ kind: "heartbeat" });
    expect(parseFrame('a[{"s":200,"i":0}]')).toEqual({ kind: "messages", messages: [{ s: 200, i: 0 }] });
    expect(parseFrame('c[3000,"Go away!"]')).toEqual({ kind: "close", code: 3000, reason: "Go away!" });
  });

  it("reports garbage as invalid instead of throwing", () => {
    expect(parseFrame("").kind).toBe("invalid");
    expect(parseFrame("a[{oops").kind).toBe("invalid");
    expect(parseFrame('a{"s":200}').kind).toBe("invalid");
    expect(parseFrame("x123").kind).toBe("invalid");
  });

  it("treats a garbled close payload as a close", () => {
    expect(parseFrame("c???")).toMatchObject({ kind: "close", code: undefined });
  });
});

describe("classifyMessage", () => {
  it("tells responses from events", () => {
    expect(classifyMessage({ s: 200, i: 3, d: { orderId: 1 } })).toEqual({
      kind: "response",
      id: 3,
      status: 200,
      data: { orderId: 1 },
    });
    expect(classifyMessage({ e: "props", d: { entityType: "fill" } })).toEqual({
      kind: "event",
      event: "props",
      data: { entityType: "fill" },
    });
    expect(classifyMessage(42).kind).toBe("unknown");
    expect(classifyMessage({ s: "200", i: 1 }).kind).toBe("unknown");
  });
});

describe("encodeRequest", () => {
  it("writes the four-line request with JSON bodies", () => {
    expect(encodeRequest("order/placeorder", 12, "", { symbol: "ESZ6" })).toBe(
      'order/placeorder\n12\n\n{"symbol":"ESZ6"}',
    );
    expect(encodeRequest("executionReport/list", 4)).toBe("executionReport/list\n4\n\n");
    expect(encodeRequest("contract/item", 5, "id=7")).toBe("contract/item\n5\nid=7\n");
  });

  it("sends the authorize token bare and strips a leading slash", () => {
    expect(encodeRequest("/authorize", 0, "", "tok-123")).toBe("authorize\n0\n\ntok-123");
  });
});

describe("errorTextOf", () => {
  it("unwraps JSON-encoded error strings", () => {
    expect(errorTextOf('"Not found: quote/subscribe"')).toBe("Not found: quote/subscribe");
    expect(errorTextOf("Invalid access token")).toBe("Invalid access token");
    expect(errorTextOf(undefined)).toBe("");
    expect(errorTextOf({ errorText: "nope" })).toBe("nope");
  });
});
