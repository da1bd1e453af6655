import { describe, expect, it } from "vitest";
import { REDACTED, Redactor, redactingLogger } from "../../engine/broker/redact.js";
import { recordingLogger } from "./helpers/collect.js";

describe("Redactor", () => {
  const r = new Redactor(["pw-SECRET-1", "sec-SECRET-2"]);
  r.addToken("tok-SECRET-3");

  it.each([
    [
      "a proxy echoing the login body as JSON",
      'auth/accesstokenrequest: HTTP 400 {"name":"jdoe","password":"hunter22","appId":"mimik","sec":"abc-def"}',
      ['"password":"[redacted]"', '"sec":"[redacted]"', '"name":"jdoe"'],
      ["hunter22", "abc-def"],
    ],
    [
      "the body JSON-encoded inside an error string",
      'bad request: "{\\"password\\":\\"hunter22\\",\\"cid\\":7}"',
      ['\\"password\\":\\"[redacted]\\"', '\\"cid\\":7'],
      ["hunter22"],
    ],
    [
      "a form or query body",
      "rejected name=jdoe&password=hunter22&sec=abc-def&appId=x",
      ["password=[redacted]", "sec=[redacted]", "name=jdoe", "appId=x"],
      ["hunter22", "abc-def"],
    ],
    ["token-named fields", '{"accessToken":"zzz-tok","mdAccessToken":"yyy"}', [], ["zzz-tok", "yyy"]],
    ["a bearer header", "sent Authorization: Bearer abc.def-ghi", ["Bearer [redacted]"], ["abc.def-ghi"]],
    [
      "known values wherever they appear, in any shape",
      "echo: pw-SECRET-1 / sec-SECRET-2 / tok-SECRET-3 (plain text)",
      ["(plain text)"],
      ["pw-SECRET-1", "sec-SECRET-2", "tok-SECRET-3"],
    ],
  ])("redacts %s", (_what, input, kept, gone) => {
    const out = r.text(input);
    for (const k of kept) expect(out).toContain(k);
    for (const g of gone) expect(out).not.toContain(g);
    expect(out).toContain(REDACTED);
  });

  it("leaves ordinary texts alone, and does not blank short values", () => {
    const short = new Redactor(["demo"]);
    expect(short.text("account DEMO1000 of user demo: 404 Not found")).toBe(
      "account DEMO1000 of user demo: 404 Not found",
    );
  });

  it("forgets old tokens after a few renewals", () => {
    const t = new Redactor();
    for (let i = 0; i < 10; i++) t.addToken(`token-number-${i}`);
    expect(t.text("token-number-9")).toBe(REDACTED);
    expect(t.text("token-number-0")).toBe("token-number-0");
  });

  it("redacts log lines and their data, secret-named keys included", () => {
    const lines = recordingLogger();
    const log = redactingLogger(lines, r);
    log.error("login failed: pw-SECRET-1", {
      body: '{"password":"x1"}',
      password: "p",
      nested: { sec: "s" },
    });
    expect(lines.lines[0]).not.toContain("pw-SECRET-1");
    expect(lines.lines[0]).not.toContain("x1");
    expect(lines.lines[0]).toContain(`"password":"${REDACTED}"`);
    expect(lines.lines[0]).toContain(`"sec":"${REDACTED}"`);
  });
});
