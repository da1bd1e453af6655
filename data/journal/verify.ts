import { type AnchorRead, type ChainEnd, compareWithAnchor, readAnchor } from "./anchor.js";
import { GENESIS_HASH, lineHash } from "./hash.js";
import { closeAll, type HeldFile, holdJournalFiles } from "./heldFiles.js";
import { fileLines } from "./lines.js";
import { DEFAULT_MAX_FILES, rotatedJournalPath } from "./paths.js";

/**
 * ok: the chain holds and its end agrees with the anchor. `notes` (only when there are any) are
 * things worth knowing that are not damage: a torn line mimik set aside, a missing anchor.
 * Not ok: `file` and `line` point at the first broken line when the break is inside the chain;
 * an end that disagrees with the anchor, or damage mimik recorded at a start, has no line.
 */
export type VerifyResult =
  | { ok: true; lines: number; notes?: string[] }
  | { ok: false; file?: string; line?: number; reason: string; notes?: string[] };

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Walks the hash chain across every file of the journal and stops at the first line that breaks
 * it. An edited line shows up as a hash mismatch on the line after it; a deleted line as a
 * mismatch (and a seq gap) on the line that followed it. The chain's end is then compared with the
 * anchor, which catches what a chain cannot show of itself: a cut tail, an edited last line, a
 * chain rewritten with recomputed hashes. Damage that mimik found and recorded at a start
 * (a journalAnchor line) is reported too: the chain after it is sound, the history before is not.
 */
export async function verifyJournal(path: string, opts: { maxFiles?: number } = {}): Promise<VerifyResult> {
  // The anchor first: a writer appends lines before it moves the anchor, so what is read after it
  // reaches at least as far as the anchor says.
  const anchor = await readAnchor(path);
  // The files held open: a rotation during the walk would otherwise read as lines missing.
  const held = await holdJournalFiles(path);
  try {
    // Rotation deletes lines only once it keeps maxFiles rotated files; it renames the oldest
    // first, so from then on (a crash mid-rotation included) the last of them is always there.
    const oldest = rotatedJournalPath(path, opts.maxFiles ?? DEFAULT_MAX_FILES);
    const rotated = {
      count: held.filter((h) => h.file !== path).length,
      away: held.some((h) => h.file === oldest),
    };
    return await walkChain(held, anchor, rotated);
  } finally {
    await closeAll(held);
  }
}

async function walkChain(
  held: readonly HeldFile[],
  anchor: AnchorRead,
  rotated: { count: number; away: boolean },
): Promise<VerifyResult> {
  const notes: string[] = [];
  const recorded: string[] = [];
  let count = 0;
  let previous: { text: string; seq: number; where: string } | undefined;
  let end: ChainEnd | undefined;
  let atAnchor: ChainEnd | undefined;
  const withNotes = <T extends object>(result: T): T & { notes?: string[] } =>
    notes.length > 0 ? { ...result, notes } : result;
  for (const { file, handle } of held) {
    for await (const { line, text, unterminated } of fileLines(handle)) {
      const fail = (reason: string): VerifyResult => withNotes({ ok: false as const, file, line, reason });
      if (unterminated) {
        // A write in progress, or a crash: never a complete entry, and set aside at the next start.
        notes.push(`${file} line ${line} is incomplete (no newline): a write in progress, or a crash`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail("not valid JSON");
      }
      if (value === null || typeof value !== "object" || Array.isArray(value))
        return fail("not a JSON object");
      const entry = value as Record<string, unknown>;
      const { seq, prev, type, at } = entry;
      if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1) return fail("missing or bad seq");
      if (typeof prev !== "string" || !HEX64.test(prev)) return fail("missing or bad prev hash");
      if (typeof type !== "string") return fail("missing type");
      if (typeof at !== "string" || Number.isNaN(Date.parse(at))) return fail("missing or bad time (at)");
      if (previous === undefined) {
        // The oldest line left may follow files rotated away; only a seq 1 start must be genesis.
        if (seq === 1 && prev !== GENESIS_HASH) return fail("first entry's prev is not the genesis hash");
        if (seq > 1 && !rotated.away)
          return fail(
            `the journal starts at seq ${seq}, but no rotation has deleted lines yet (${rotated.count} rotated files kept): the first ${seq === 2 ? "line was" : `${seq - 1} lines were`} removed, or a file holding them`,
          );
      } else {
        if (prev !== lineHash(previous.text)) {
          return fail(
            `prev hash does not match ${previous.where}: that line was edited, or a line was removed`,
          );
        }
        if (seq !== previous.seq + 1)
          return fail(`seq ${seq} does not follow ${previous.seq}: lines are missing`);
      }
      noteRecorded(entry, seq, notes, recorded);
      previous = { text, seq, where: `the line before it (seq ${seq})` };
      end = { seq, hash: lineHash(text), prev };
      if (anchor.kind === "ok" && seq === anchor.anchor.seq) atAnchor = end;
      count += 1;
    }
  }
  if (anchor.kind === "ok") {
    const finding = compareWithAnchor(end, anchor.anchor, atAnchor);
    if (finding) return withNotes({ ok: false, reason: finding.reason });
    if (end !== undefined && end.seq > anchor.anchor.seq)
      notes.push(
        `${end.seq - anchor.anchor.seq} lines after the anchor (seq ${anchor.anchor.seq}): written by a running mimik, or just before it stopped`,
      );
  } else if (count > 0) {
    notes.push(
      anchor.kind === "none"
        ? "no anchor file: whether lines were cut from the end cannot be checked (mimik writes one at its next start)"
        : `the anchor is unusable (${anchor.why}): whether lines were cut from the end cannot be checked`,
    );
  }
  if (recorded.length > 0) return withNotes({ ok: false, reason: recorded.join("; ") });
  return withNotes({ ok: true, lines: count });
}

/** What earlier starts repaired (notes) or found wrong (recorded damage) and wrote into the chain. */
function noteRecorded(
  entry: Record<string, unknown>,
  seq: number,
  notes: string[],
  recorded: string[],
): void {
  const when = typeof entry.at === "string" ? ` (${entry.at})` : "";
  if (entry.type === "journalRepaired")
    notes.push(
      `seq ${seq}${when}: ${String(entry.reason ?? "journal repaired")} at a start${typeof entry.tornFile === "string" ? `, kept in ${entry.tornFile}` : ""}`,
    );
  if (entry.type !== "journalAnchor") return;
  const reason = String(entry.reason ?? entry.problem);
  if (entry.problem === "missing") notes.push(`seq ${seq}${when}: ${reason}`);
  else recorded.push(`at seq ${seq}${when} mimik found the journal altered before it: ${reason}`);
}
