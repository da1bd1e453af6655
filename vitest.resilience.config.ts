import { defineConfig } from "vitest/config";

/** `npm run test:resilience`: the fault-injection suite (test/resilience), kept out of `vitest run`. */
export default defineConfig({
  test: {
    include: ["test/resilience/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    maxWorkers: 1,
  },
});
