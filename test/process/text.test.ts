import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../../engine/index.js";
import { formatEventLine } from "../../src/headless/format.js";
import { forgetSecretEnv } from "../../src/process/sessions.js";
import { outcomeLines } from "../../src/text/outcomes.js";
import { scrubData, scrubEvent, secretScrubber } from "../../src/text/scrub.js";
import { jsonLine, printableLines } from "../../src/text/terminal.js";
import { simConfig } from "../support/rig.js";

describe("secret values never leave in text", () => {
  const scrub = secretScrubber(["hunter2!", "s3cr/et", undefined, "ab"]);

  it("cuts known values, in plain, JSON and URL forms; short values and other text are kept", () => {
    expect(scrub('login failed: {"name":"jdoe","password":"hunter2!"}')).toBe(
      'login failed: {"name":"jdoe","password":"[redacted]"}',
    );
    expect(scrub("sec=s3cr%2Fet&x=1")).toBe("sec=[redacted]&x=1");
    expect(scrub("about a cab")).toBe("about a cab");
  });

  it("scrubs the event fields that carry outside text, and leaves a clean event as it is", () => {
    const alert: EngineEvent = { type: "alert", at: 0, level: "error", message: "echo hunter2!" };
    expect(scrubEvent(alert, scrub)).toEqual({ ...alert, message: "echo [redacted]" });
    const clean: EngineEvent = { type: "alert", at: 0, level: "info", message: "fine" };
    expect(scrubEvent(clean, scrub)).toBe(clean);
    expect(scrubData({ error: ["x hunter2!"], n: 3 }, scrub)).toEqual({ error: ["x [redacted]"], n: 3 });
  });

  it("an account's unreadable reason is scrubbed too (it is the broker's words)", () => {
    const status: EngineEvent = {
      type: "connectionStatus",
      at: 0,
      connection: "px",
      broker: "projectx",
      state: "connected",
      unreadable: [{ account: "TSX5002", reason: "read failed: hunter2!" }],
    };
    expect(scrubEvent(status, scrub)).toEqual({
      ...status,
      unreadable: [{ account: "TSX5002", reason: "read failed: [redacted]" }],
    });
    const clean: EngineEvent = { ...status, unreadable: [{ account: "TSX5002", reason: "under review" }] };
    expect(scrubEvent(clean, scrub)).toBe(clean);
  });

  it("environment variables that held secrets are dropped once read", () => {
    const env: NodeJS.ProcessEnv = { MIMIK_TEST_PASSWORD: "demo", OTHER: "kept" };
    forgetSecretEnv(simConfig(), env);
    expect(env).toEqual({ OTHER: "kept" });
  });
});

describe("text for a terminal", () => {
  it("lines of text lose their control characters and escape sequences, and keep their line breaks", () => {
    expect(printableLines("group \u001b]2;owned\u0007 name\nnext\u009b5m line")).toBe(
      "group  name\nnext line",
    );
  });

  it("a broker's reject text with an escape sequence reaches headless lines and CLI lines harmless", () => {
    const copy: EngineEvent = {
      type: "copy",
      at: 0,
      group: "G",
      follower: "F1",
      fillId: 1,
      contract: "ESZ6",
      outcome: "rejected",
      reason: "Rejected: \u001b[5mblink",
    };
    expect(formatEventLine(copy, true)).not.toContain("\u001b");
    expect(formatEventLine(copy, false)).not.toContain("\u001b");
    expect(outcomeLines([{ target: "F1", status: "failed", reason: "\u001b]2;x\u0007" }])[0]).not.toMatch(
      /[\u001b\u0007]/,
    );
  });

  it("JSON lines escape the C1 characters JSON.stringify leaves raw", () => {
    expect(jsonLine({ s: "x\u009by\u001b" })).toBe('{"s":"x\\u009by\\u001b"}');
  });
});
