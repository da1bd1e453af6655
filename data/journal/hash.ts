import { createHash } from "node:crypto";

/** The `prev` of the very first journal line: nothing came before it. */
export const GENESIS_HASH = "0".repeat(64);

/** Hex SHA-256 of a journal line's exact text (without its newline). */
export function lineHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
