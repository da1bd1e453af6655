/**
 * The suite must pass at any hour. A simulator that follows CME's session fills nothing in the
 * daily halt (16:00-17:00 CT) or at the weekend, so a test that starts one on the machine's clock
 * passes most of the day and fails in CI run at 22:56 UTC (it did: 12 tests). Every simulator a
 * test or the benchmark starts keeps no session, or starts its clock at a fixed instant.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The text of each call `name(...)` in `text`, its parentheses balanced. */
function callsOf(text: string, name: string): string[] {
  const calls: string[] = [];
  for (let at = text.indexOf(`${name}(`); at !== -1; at = text.indexOf(`${name}(`, at + 1)) {
    let depth = 0;
    for (let i = at + name.length; i < text.length; i++) {
      if (text[i] === "(") depth += 1;
      else if (text[i] === ")" && --depth === 0) {
        calls.push(text.slice(at, i + 1));
        break;
      }
    }
  }
  return calls;
}

/** Calls that start a simulator on the machine's clock with its session. */
function sessionBound(text: string): string[] {
  const inProcess = callsOf(text, "startSimulator").filter((c) => !/alwaysOpen|clock/.test(c));
  // `mimik sim`'s arguments: "sim" then its flags (not a list of connection names).
  const spawned = [...text.matchAll(/\[\s*"sim"\s*,\s*"--[^\]]*\]/g)]
    .map((m) => m[0])
    .filter((args) => !args.includes('"--always-open"'));
  return [...inProcess, ...spawned];
}

describe("every simulator the suite and the benchmark start passes at any hour", () => {
  it("the check finds a simulator left on the session", () => {
    expect(sessionBound("await startSimulator({ port: 0, priceIntervalMs: 0 });")).toHaveLength(1);
    expect(sessionBound('startMimik(["sim", "--port", "0"], env)')).toHaveLength(1);
    expect(sessionBound("startSimulator({ port: 0, alwaysOpen: true, scenario: f(x) })")).toEqual([]);
    expect(sessionBound('startMimik(["sim", "--port", "0", "--always-open"], env)')).toEqual([]);
    expect(sessionBound('expect(names).toEqual(["sim", "px"])')).toEqual([]);
  });

  it("none is left on the machine's clock with CME's session", () => {
    const files = [...sources(join(root, "test")), ...sources(join(root, "bench"))].filter(
      (f) => !f.endsWith("anyHour.test.ts"),
    );
    const found = files.flatMap((file) =>
      sessionBound(readFileSync(file, "utf8")).map((call) => `${relative(root, file)}: ${call}`),
    );
    expect(found).toEqual([]);
  });
});
