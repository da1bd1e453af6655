import { findNodeAtLocation, parseTree } from "jsonc-parser";
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
 * is not there (a missing one) is placed at the nearest object or array that is, the same way.
 */
export function locateJsonPath(text: string, path: string): { line: number; column: number } | undefined {
  const segments = pathSegments(path);
  const root = segments && parseTree(text);
  if (!segments || !root) return undefined;
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (!node) continue;
    const key = node.parent?.type === "property" ? node.parent : undefined;
    return lineColumn(text, (key ?? node).offset);
  }
  return undefined;
}
