/**
 * One event's JSON text (`JSON.stringify(event)`), made once for whichever of its two writers in
 * the engine's thread asks first: the journal, which splices its line from it (line.ts,
 * splicedLine), and headless's event lines, which are it. Each event was stringified by both, the
 * payload's text the same both times: some 400 events a leader fill at 200 followers.
 */
export class EventText {
  private text: string | undefined;
  private failed = false;

  constructor(readonly event: object) {}

  /** The event's JSON text; undefined when it has none (a BigInt, a cycle: each writer then does as before). */
  get(): string | undefined {
    if (this.text === undefined && !this.failed) {
      try {
        this.text = JSON.stringify(this.event);
      } catch {
        this.failed = true;
      }
    }
    return this.text;
  }
}
