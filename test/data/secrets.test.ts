import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redact, resolveSecret, SecretError } from "../../data/secrets.js";
import { tempDir } from "./fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const SECRET = "s3cr3t-Pa55w0rd";

async function failure(p: Promise<unknown>): Promise<SecretError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretError);
  const e = error as SecretError;
  expect(`${e.message} ${e.fix ?? ""}`).not.toContain(SECRET);
  return e;
}

describe("resolveSecret", () => {
  it("reads an environment variable from the given env", async () => {
    expect(await resolveSecret({ env: "PW" }, { env: { PW: SECRET } })).toBe(SECRET);
  });

  it("names the missing variable and how to set it", async () => {
    const e = await failure(resolveSecret({ env: "MIMIK_SIM_PASSWORD" }, { env: {} }));
    expect(e.message).toBe("environment variable MIMIK_SIM_PASSWORD is not set");
    expect(e.fix).toMatch(/export MIMIK_SIM_PASSWORD=/);
  });

  it("reads an entry of a 0600 credentials file", async () => {
    const file = join(dir, "credentials.json");
    await writeFile(file, JSON.stringify({ sim: SECRET }), { mode: 0o600 });
    expect(await resolveSecret({ file, key: "sim" })).toBe(SECRET);
  });

  it.each([0o644, 0o640, 0o604])(
    "refuses a credentials file with mode %o and says chmod 600",
    async (mode) => {
      const file = join(dir, "credentials.json");
      await writeFile(file, JSON.stringify({ sim: SECRET }), { mode });
      const { chmod } = await import("node:fs/promises");
      await chmod(file, mode);
      const e = await failure(resolveSecret({ file, key: "sim" }, { checkMode: true }));
      expect(e.message).toMatch(/can be read by other users/);
      expect(e.fix).toBe(`chmod 600 ${file}`);
    },
  );

  it("names a missing entry and the entries that exist, never their values", async () => {
    const file = join(dir, "credentials.json");
    await writeFile(file, JSON.stringify({ live: SECRET, demo: SECRET }), { mode: 0o600 });
    const e = await failure(resolveSecret({ file, key: "sim" }));
    expect(e.message).toMatch(/no entry "sim"/);
    expect(e.fix).toMatch(/live, demo/);
  });

  it("describes a malformed credentials file by position only, never quoting it", async () => {
    const file = join(dir, "credentials.json");
    await writeFile(file, `{"sim": ${SECRET}}`, { mode: 0o600 });
    const e = await failure(resolveSecret({ file, key: "sim" }));
    expect(e.message).toMatch(/not valid JSON \(line 1, column 9\)/);
  });

  it("says when the credentials file does not exist", async () => {
    const e = await failure(resolveSecret({ file: join(dir, "nope.json"), key: "sim" }));
    expect(e.message).toMatch(/does not exist/);
  });
});

describe("redact", () => {
  it("removes known secret values and secret-named JSON fields", () => {
    const line = `login {"name":"demo","password":"${SECRET}","accessToken":"tok\\"en"} used ${SECRET}`;
    const out = redact(line, [SECRET]);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain("tok");
    expect(out).toContain('"name":"demo"');
    expect(out).toContain('"password":"***"');
  });

  it("leaves ordinary text alone", () => {
    expect(redact("filled 2 ESZ6 at 5000.25", ["ab"])).toBe("filled 2 ESZ6 at 5000.25");
  });
});
