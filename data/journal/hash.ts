import * as crypto from "node:crypto";

/** The `prev` of the very first journal line: nothing came before it. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * crypto.hash (Node 20.12 and later) hashes a string in one call, about twice as fast as a Hash
 * object for a journal line; the journal hashes every line it writes.
 */
const oneShot = (
  crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }
).hash;

/** Hex SHA-256 of a journal line's exact text (without its newline). */
export function lineHash(text: string): string {
  if (oneShot) return oneShot("sha256", text, "hex");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** The same of a line's UTF-8 bytes: the writer hashes what it writes, not the text again. */
export function bytesHash(bytes: Uint8Array): string {
  if (oneShot) return oneShot("sha256", bytes, "hex");
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
