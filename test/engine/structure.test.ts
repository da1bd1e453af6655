import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The engine's shape, checked on its source: small files (the simulator and the broker client
 * aside), one naming convention, no import cycles, and nothing at run time from the UI stack,
 * the config store or zod.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ENGINE = join(ROOT, "engine");
const MAX_LINES = 400;
// The simulator is a second program (a broker): its files follow its own shape.
const LARGE_ALLOWED = ["engine/sim/"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const files = sources(ENGINE).map((path) => ({
  path,
  name: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));

interface Import {
  spec: string;
  typeOnly: boolean;
}

function importsOf(text: string): Import[] {
  const found: Import[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g;
  for (const m of text.matchAll(pattern)) found.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  return found;
}

function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return resolve(dirname(from), spec.replace(/\.js$/, ".ts"));
}

describe("the engine's shape", () => {
  it(`no engine file is over ${MAX_LINES} lines (the simulator aside)`, () => {
    const long = files
      .filter((f) => !LARGE_ALLOWED.some((dir) => f.name.startsWith(dir)))
      .map((f) => ({ file: f.name, lines: f.text.split("\n").length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("one file-naming convention: camelCase names", () => {
    expect(files.map((f) => f.name).filter((name) => !/\/[a-z][a-zA-Z0-9]*\.ts$/.test(name))).toEqual([]);
  });

  it("no import cycles at run time (type-only imports are erased by the compiler)", () => {
    const graph = new Map<string, string[]>();
    for (const f of files) {
      graph.set(
        f.path,
        importsOf(f.text).flatMap((i) => {
          const to = target(f.path, i.spec);
          return to?.startsWith(ENGINE) && !i.typeOnly ? [to] : [];
        }),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, "visiting");
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === "visiting") {
          const loop = stack.slice(stack.indexOf(next)).concat(next);
          cycles.push(loop.map((p) => relative(ROOT, p)).join(" → "));
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("nothing at run time from React, Ink, lowdb or data/; zod only in the simulator", () => {
    const wrong: string[] = [];
    for (const f of files) {
      for (const i of importsOf(f.text)) {
        const to = target(f.path, i.spec);
        if (to && !to.startsWith(ENGINE) && !i.typeOnly) wrong.push(`${f.name}: ${i.spec}`);
        if (/^(react|ink|lowdb)(\/|$)/.test(i.spec)) wrong.push(`${f.name}: ${i.spec}`);
        if (i.spec === "zod" && !f.name.startsWith("engine/sim/")) wrong.push(`${f.name}: ${i.spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
