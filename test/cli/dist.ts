import { resolve } from "node:path";

/**
 * Where the built JavaScript lives. `npm test` builds into dist/ first; MIMIK_DIST lets a
 * developer point the tests at another build output without touching the shared dist/.
 */
export const distDir = resolve(process.env.MIMIK_DIST ?? "dist");
export const mimikBin = resolve(distDir, "bin/mimik.js");
