import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fakeContext } from "./streams.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-outbuf-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("MIMIK_OUTPUT_BUFFER_BYTES", () => {
  it.each(["-1", "1MiB", "0x100000"])(
    "%j is refused before anything starts (exit 2), never a headless that prints nothing",
    async (value) => {
      const env = { XDG_RUNTIME_DIR: join(dir, "run"), MIMIK_OUTPUT_BUFFER_BYTES: value };
      const { ctx, stderr } = fakeContext({ env, cwd: dir });
      const code = await main(["headless", "--config", join(dir, "missing.json")], ctx);
      expect(code).toBe(2);
      expect(stderr.text).toContain("MIMIK_OUTPUT_BUFFER_BYTES must be a whole number of bytes");
    },
  );
});
