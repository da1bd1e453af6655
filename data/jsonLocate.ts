import { lineColumn } from "./jsonText.js";

/**
 * Where in a JSON file a field is, for a problem found after parsing: a schema problem names a
 * JSON path (groups[0].followers[1].sizing.value), and in a long config the trader also wants the
 * line. Runs only on text JSON.parse has accepted, and only when there is a problem to place.
 */

type Segment = string | number;

/** `groups[0].followers[1]["odd key"].value` → ["groups", 0, "followers", 1, "odd key", "value"] */
export function pathSegments(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const token = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (token.lastIndex < path.length) {
    const m = token.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3]!) as string);
  }
  return segments;
}

/**
 * The line and column of the field at `path`: its key when it is a member of an object (a wrong
 * value or an unknown field is on that line), its value when it is an array element. A field that
 * is not there (a missing one) is placed at the nearest object or array that is.
 */
export function locateJsonPath(text: string, path: string): { line: number; column: number } | undefined {
  const segments = pathSegments(path);
  if (!segments) return undefined;
  const at = new Scanner(text).find(segments);
  return at === undefined ? undefined : lineColumn(text, at);
}

class Scanner {
  private i: number;

  constructor(private readonly text: string) {
    this.i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Offset of the field (see locateJsonPath), or undefined when the text is not JSON. */
  find(segments: readonly Segment[]): number | undefined {
    this.space();
    let found = this.i;
    for (const segment of segments) {
      const c = this.text[this.i];
      const next =
        c === "{" && typeof segment === "string"
          ? this.member(segment)
          : c === "[" && typeof segment === "number"
            ? this.element(segment)
            : undefined;
      if (next === undefined) return found;
      found = next;
    }
    return found;
  }

  /** Inside an object: moves to the value of `key` and returns where its key starts. */
  private member(key: string): number | undefined {
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') return undefined;
      const keyAt = this.i;
      const name = this.string();
      this.space();
      this.i++; // the colon
      this.space();
      if (name === key) return keyAt;
      this.value();
      this.space();
      if (this.text[this.i] !== ",") return undefined;
      this.i++;
    }
  }

  /** Inside an array: moves to element `index` and returns where it starts. */
  private element(index: number): number | undefined {
    this.i++;
    for (let n = 0; ; n++) {
      this.space();
      if (this.text[this.i] === "]") return undefined;
      if (n === index) return this.i;
      this.value();
      this.space();
      if (this.text[this.i] !== ",") return undefined;
      this.i++;
    }
  }

  private value(): void {
    const c = this.text[this.i];
    if (c === '"') {
      this.string();
      return;
    }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      this.i++;
      for (;;) {
        this.space();
        if (this.text[this.i] === close || this.i >= this.text.length) break;
        if (c === "{") {
          this.string();
          this.space();
          this.i++; // the colon
          this.space();
        }
        this.value();
        this.space();
        if (this.text[this.i] === ",") this.i++;
      }
      this.i++;
      return;
    }
    while (this.i < this.text.length && !/[\s,}\]]/.test(this.text[this.i]!)) this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"')
      this.i += this.text[this.i] === "\\" ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }
}
