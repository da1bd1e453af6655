import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { boot } from "../../src/process/boot.js";

describe("the console's first frame", () => {
  it("is drawn from the config, not from an empty one (no 'no groups: press n to add one' at start)", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "mimik-first-frame-"));
    let drawnFrom: Config | undefined;
    try {
      const started = boot({
        env: {},
        cwd,
        demo: true,
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        onScreen: (screen) => {
          drawnFrom = screen.store.getSnapshot().config;
          // Stops the start here: no thread is started for this test.
          return Promise.reject(new Error("drawn"));
        },
      });
      await expect(started).rejects.toThrow("drawn");
      expect(drawnFrom?.groups.length).toBeGreaterThan(0);
      expect(drawnFrom?.connections.length).toBeGreaterThan(0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
