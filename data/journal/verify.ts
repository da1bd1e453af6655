import { GENESIS_HASH, lineHash } from "./hash.js";
import { fileLines } from "./lines.js";
import { journalFiles } from "./paths.js";

export type VerifyResult =
  | { ok: true; lines: number }
  | { ok: false; file: string; line: number; reason: string };

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Walks the hash chain across every file of the journal and stops at the first line that breaks
 * it. An edited line shows up as a hash mismatch on the line after it; a deleted line as a
 * mismatch (and a seq gap) on the line that followed it.
 */
export async function verifyJournal(path: string): Promise<VerifyResult> {
  let count = 0;
  let previous: { text: string; seq: number; where: string } | undefined;
  for (const file of await journalFiles(path)) {
    for await (const { line, text, unterminated } of fileLines(file)) {
      const fail = (reason: string): VerifyResult => ({ ok: false, file, line, reason });
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(
          unterminated
            ? "incomplete last line (no newline): a crash or a write in progress"
            : "not valid JSON",
        );
      }
      if (value === null || typeof value !== "object" || Array.isArray(value))
        return fail("not a JSON object");
      const { seq, prev, type, at } = value as Record<string, unknown>;
      if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1) return fail("missing or bad seq");
      if (typeof prev !== "string" || !HEX64.test(prev)) return fail("missing or bad prev hash");
      if (typeof type !== "string") return fail("missing type");
      if (typeof at !== "string" || Number.isNaN(Date.parse(at))) return fail("missing or bad time (at)");
      if (previous === undefined) {
        // The oldest line left may follow files rotated away; only a seq 1 start must be genesis.
        if (seq === 1 && prev !== GENESIS_HASH) return fail("first entry's prev is not the genesis hash");
      } else {
        if (prev !== lineHash(previous.text)) {
          return fail(
            `prev hash does not match ${previous.where}: that line was edited, or a line was removed`,
          );
        }
        if (seq !== previous.seq + 1)
          return fail(`seq ${seq} does not follow ${previous.seq}: lines are missing`);
      }
      previous = { text, seq, where: `the line before it (seq ${seq})` };
      count += 1;
    }
  }
  return { ok: true, lines: count };
}
