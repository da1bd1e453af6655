import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { killAll, startMimik } from "../headless/children.js";
import { mimikBin } from "./dist.js";

/**
 * `npm run build` bundles the executable (scripts/bundle.mjs): dist/bin/mimik.js, its chunks and
 * the two thread entries. Every test that runs the real executable runs that bundle; these check
 * what those tests would only show as a confusing failure: that it is a bundle, complete, and that
 * both threads start from it and copy a trade.
 */
const binDir = dirname(mimikBin);
const bundleFiles = readdirSync(binDir).filter((f) => f.endsWith(".js"));

afterAll(killAll);

describe("the bundled executable", () => {
  it("is a bundle: its files import nothing outside dist/bin but packages and Node's own", () => {
    expect(bundleFiles).toEqual(expect.arrayContaining(["mimik.js", "worker.js", "simWorker.js"]));
    const outside: string[] = [];
    for (const file of bundleFiles) {
      // Comment lines left out: undici's JSDoc names its types as import('../types/…').
      const text = readFileSync(join(binDir, file), "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\*|\/\/)/.test(line))
        .join("\n");
      for (const m of text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g))
        if (m[1]!.startsWith("..") || (m[1]!.startsWith("./") && !bundleFiles.includes(m[1]!.slice(2))))
          outside.push(`${file}: ${m[1]}`);
    }
    expect(outside).toEqual([]);
  });

  it("measures text through fastWidth: every string-width it ships (Ink's included) is wrapped", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    // string-width 8 (Ink's and ours) and 7 (wrap-ansi's): each defined once, each wrapped, each
    // with its widths of the console's glyphs (▶ among them) and its strip-ansi.
    const defined = [...texts.matchAll(/^function (stringWidth\d*)\(/gm)].map((m) => m[1]);
    const wrapped = [...texts.matchAll(/= fastWidth\((stringWidth\d*), (\{[^}]*\}), stripAnsi\d*\)/g)];
    expect(defined.length).toBeGreaterThanOrEqual(2);
    expect(wrapped.map((m) => m[1]).sort()).toEqual([...defined].sort());
    for (const m of wrapped) expect(m[2]).toContain('"\\u25B6":');
  });

  it("keeps RegExp v-flag literals (Node 20 runs them; built with new RegExp they cost 24 ms at load)", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    expect(texts).not.toMatch(/new RegExp\([^()]*, "v"\)/);
    expect(texts).toContain("/^\\p{RGI_Emoji}$/v");
  });

  it("reads and writes Ink's styled cells through src/text/ansiCells.ts", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    const wrapped = [
      ...texts.matchAll(/= (fastTokenize|fastStyledCharsFromTokens|fastStyledCharsToString)\(/g),
    ];
    expect(wrapped.map((m) => m[1]).sort()).toEqual([
      "fastStyledCharsFromTokens",
      "fastStyledCharsToString",
      "fastTokenize",
    ]);
  });

  it("makes no Intl.Segmenter as a module loads: the first one loads ICU's break data, 14-21 ms of a start", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    expect(texts.match(/^(var|let|const) \w+ = new Intl\.Segmenter\(/gm)).toBeNull();
    // The four packages' segmenters, made on first use.
    expect(
      texts.match(/^var \w+ = \{ segment: \(text\) => \(\w+ \?\?= new Intl\.Segmenter\(/gm),
    ).toHaveLength(4);
    expect(texts).toMatch(/= fastTokenize\(tokenize\d*, isFullwidthCodePoint\d*, getEndCode\d*\)/);
  });

  it("ships zod's English locale alone: its other 45 were 245 KB compiled before the first frame", () => {
    for (const file of bundleFiles) {
      const locales = [
        ...readFileSync(join(binDir, file), "utf8").matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/(.+)$/gm),
      ];
      expect(
        locales.map((m) => m[1]),
        file,
      ).toEqual(locales.length > 0 ? ["en.js"] : []);
    }
    expect(
      bundleFiles.filter((f) => readFileSync(join(binDir, f), "utf8").includes("zod/v4/locales/en.js")),
    ).toEqual(expect.arrayContaining(["worker.js", "simWorker.js"]));
  });

  it("leaves out meow's package.json reading: mimik hands meow its package facts (src/cli/flags.ts)", () => {
    const cli = readFileSync(mimikBin, "utf8");
    expect(cli).toContain("mimik's bundled meow needs the package facts handed to it");
    for (const gone of ["readPackageUpSync", "normalizePackageData", "spdx", "codeFrameColumns"])
      expect(cli, gone).not.toContain(gone);
  });

  it("keeps Ink's sizes of laid-out texts bounded: a console running for days must not keep them all", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    const measure = texts.slice(
      texts.indexOf("var measureText = "),
      texts.indexOf("var measure_text_default"),
    );
    expect(measure).toContain("if (cache.size >= 4096) cache.clear();");
  });

  it("cuts a line of Ink's output only when it overflows its box (scripts/bundle.mjs)", () => {
    const texts = bundleFiles.map((f) => readFileSync(join(binDir, f), "utf8")).join("\n");
    const cuts = [...texts.matchAll(/return (.*)sliceAnsi\(line, from, to\);/g)].map((m) => m[1]);
    expect(cuts).toEqual(["from === 0 && to === width ? line : "]);
  });

  it("starts the engine and simulator threads from the bundle and copies the demo trader's fill", async () => {
    const child = startMimik(["headless", "--demo"], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MIMIK_DEMO_INTERVAL_MS: "300",
    });
    const deadline = Date.now() + 15_000;
    const copied = () =>
      child.lines().some((l) => l.includes('"type":"copy"') && l.includes('"outcome":"sent"'));
    while (!copied() && Date.now() < deadline && child.proc.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    expect({ copied: copied(), stderr: child.stderr() }).toEqual({ copied: true, stderr: "" });
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});
