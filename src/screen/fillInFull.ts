/**
 * A leader fill (or a re-sync) and what each follower made of it, in full words for the bottom
 * lines: at 80 columns the fills pane gives a reason some 30 characters, and a rejection's or a
 * skip's reason is what a trader needs to read whole. Filled copies are counted, not named: their
 * line says nothing the count does not, unless it was capped or closed only.
 */
import type { FillRowVM, Lines } from "./viewModel.js";

/** Results named beyond this are counted: the bottom lines hold three lines at 80 columns. */
const MAX_NAMED = 4;

const WORD = {
  sent: "sent",
  accepted: "accepted",
  filled: "filled",
  skipped: "skipped",
  mirrored: "mirrored",
  rejected: "REJECTED",
  shadow: "shadow",
};

export function fillInFull(f: FillRowVM): string {
  const head =
    f.resync === undefined
      ? `${f.time} ${f.leader} ${f.side === "Buy" ? "BUY" : "SELL"} ${f.qty} ${f.contract} @ ${f.price}`
      : `${f.time} ${f.leader} RE-SYNC: ${f.resync}`;
  let filled = 0;
  const named: string[] = [];
  let unnamed = 0;
  for (const r of each(f.results)) {
    if (r.outcome === "filled" && !r.noted) {
      filled += 1;
      continue;
    }
    if (named.length === MAX_NAMED) {
      unnamed += 1;
      continue;
    }
    const word = WORD[r.outcome];
    named.push(
      r.reason && r.reason !== word ? `${r.follower} ${word}: ${r.reason}` : `${r.follower} ${word}`,
    );
  }
  const parts = [head];
  if (filled > 0) parts.push(`${filled} filled`);
  parts.push(...named);
  if (unnamed > 0) parts.push(`${unnamed} more not filled (in the pane)`);
  return parts.join(" · ");
}

function* each<T>(lines: Lines<T>): Generator<T> {
  for (let i = 0; i < lines.length; i++) {
    const item = lines.at(i);
    if (item !== undefined) yield item;
  }
}
