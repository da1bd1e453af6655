// The executable as a few bundled files, run after tsc (`npm run build`). Node spends most of an
// unbundled start resolving and reading some 900 module files; bundled, `mimik` draws its first
// frame in about a third of the time. tsc's per-file output stays in dist/ for the tests and the
// benchmark; this overwrites only dist/bin/mimik.js and adds its chunks and the two thread
// entries beside it.
//
// The thread entries sit in the same folder as the main bundle and its chunks because
// src/process resolves them as new URL("./worker.js", import.meta.url) from whichever file holds
// that code. Each thread is one self-contained file: a worker then reads and compiles one file.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const outdir = "dist/bin";

// Ink imports react-devtools-core (not installed) only when DEV=true; a bundler must still
// resolve it. This module stands in for it, and says why if anyone sets DEV=true.
const devtoolsAbsent = {
  name: "devtools-absent",
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: "devtools", namespace: "absent" }));
    b.onLoad({ filter: /.*/, namespace: "absent" }, () => ({
      contents:
        "const off = () => { throw new Error('React devtools are not part of the mimik build; unset DEV'); };\n" +
        "export default { initialize: off, connectToDevTools: off };\n",
      loader: "js",
    }));
  },
};

// zod's namespace object (every `z.` call goes through it) carries all 46 of its locales, 245 KB
// compiled before the first frame and again in each thread. mimik words its own messages in
// English and never switches zod's locale, so only English (zod's default) is kept.
const zodInEnglish = {
  name: "zod-in-english",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!/\/node_modules\/zod\/v4\/(core|classic)\//.test(args.importer)) return undefined;
      return { path: resolve(args.resolveDir, "../locales/en.js"), namespace: "zod-english" };
    });
    b.onLoad({ filter: /.*/, namespace: "zod-english" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};\n`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

// mimik's own modules do their work when called, never on import (no module is imported for its
// effects alone). Saying so lets esbuild leave out a module none of whose exports are used, so the
// CLI's static graph (the first frame's) does not drag in the whole engine through engine/index.ts.
const ownModulesArePure = {
  name: "own-modules-are-pure",
  setup(b) {
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData === "resolving" || args.importer.includes("/node_modules/")) return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "resolving",
      });
      if (resolved.errors.length > 0 || resolved.path.includes("/node_modules/")) return resolved;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

// Outside engine/, code imports the engine only through engine/index.ts. With code splitting,
// esbuild puts everything a barrel re-exports into the chunk shared by every importer, so the
// CLI's first chunk would hold the whole engine (and ws, SignalR) for the sake of succeeded().
// Here each named import from the barrel is pointed at the module that defines it (following
// barrels that re-export barrels), which is what the barrel means.
function definingModule(file, name, seen = new Set()) {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  if (new RegExp(`export\\s+(const|let|function|class|async\\s+function|enum)\\s+${name}\\b`).test(text))
    return { file, name };
  const at = (spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
  for (const m of text.matchAll(/export\s+\{([^}]*)\}\s+from\s+"([^"]+)"/g))
    for (const spec of m[1].split(",").map((x) => x.trim())) {
      const [exported, alias] = spec.split(/\s+as\s+/);
      if ((alias ?? exported) === name) return definingModule(at(m[2]), exported, seen);
    }
  for (const m of text.matchAll(/export\s+\*\s+from\s+"([^"]+)"/g)) {
    const found = definingModule(at(m[1]), name, seen);
    if (found) return found;
  }
  return undefined;
}

const engineBarrel = {
  name: "engine-barrel",
  setup(b) {
    const engineDir = resolve("engine");
    const importFrom = /import\s+\{([^}]*)\}\s+from\s+"([^"]*engine\/index\.js)";/g;
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes("/node_modules/") || args.path.startsWith(`${engineDir}/`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("engine/index.js")) return undefined;
      const contents = source.replace(importFrom, (whole, specs, from) => {
        const barrel = resolve(dirname(args.path), from).replace(/\.js$/, ".ts");
        if (barrel !== resolve(engineDir, "index.ts")) return whole;
        const lines = [];
        for (const spec of specs.split(",").map((x) => x.trim())) {
          if (spec === "" || spec.startsWith("type ")) continue;
          const [name, local] = spec.split(/\s+as\s+/);
          const found = definingModule(barrel, name);
          if (!found) throw new Error(`${args.path}: engine/index.ts exports no value ${name}`);
          let path = relative(dirname(args.path), found.file).replace(/\.ts$/, ".js");
          if (!path.startsWith(".")) path = `./${path}`;
          lines.push(`import { ${found.name} as ${local ?? name} } from ${JSON.stringify(path)};`);
        }
        return lines.join(" ");
      });
      return { contents, loader: args.path.endsWith(".tsx") ? "tsx" : "ts" };
    });
  },
};

// A package every importer gets through a module of ours (`wrapperOf(realPath)`), which imports
// the real one and wraps what it exports.
function wrappedPackage(name, specifier, wrapperOf) {
  return {
    name,
    setup(b) {
      b.onResolve({ filter: specifier }, async (args) => {
        if (args.namespace === name) return undefined;
        const real = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          namespace: name,
        });
        if (real.errors.length > 0) return real;
        return { path: real.path, namespace: name };
      });
      b.onLoad({ filter: /.*/, namespace: name }, async (args) => ({
        contents: await wrapperOf(JSON.stringify(args.path), args.path),
        resolveDir: dirname(args.path),
        loader: "js",
      }));
    },
  };
}

// Every string-width in the bundle (Ink's, wrap-ansi's older one, ours) goes through
// src/text/fastWidth.ts, which answers printable ASCII by its length and remembers the rest:
// string-width segments each string with Intl.Segmenter, and Ink measures every line of every
// frame with it. Each is handed the widths it gives the console's own glyphs, worked out here by
// that very string-width (the two versions disagree on some, ▶ among them), and the strip-ansi it
// strips styled lines with, so that drawing the first frame never builds its emoji regex.
const fastStringWidth = wrappedPackage("fast-width", /^string-width$/, async (real, path) => {
  const { default: widthOf } = await import(pathToFileURL(path).href);
  const known = Object.fromEntries([...ownGlyphs()].map((ch) => [ch, widthOf(ch)]));
  return (
    `import widthOf from ${real};\n` +
    // Resolved from that string-width's folder: the strip-ansi it strips with.
    `import stripAnsi from "strip-ansi";\n` +
    `import { fastWidth } from ${JSON.stringify(resolve("src/text/fastWidth.ts"))};\n` +
    `export default fastWidth(widthOf, ${JSON.stringify(known)}, stripAnsi);\n`
  );
});

/**
 * Every character outside ASCII (one UTF-16 unit) written in the console's and engine's sources,
 * and the blocks a terminal UI draws with: arrows, box drawing (Ink's borders), block elements
 * and geometric shapes.
 */
const ownGlyphs = (() => {
  let found;
  const blocks = [
    [0x2190, 0x21ff],
    [0x2500, 0x25ff],
  ];
  return () => {
    found ??= new Set([
      ...["components", "src", "engine"]
        .flatMap((dir) => readdirSync(dir, { recursive: true }).map((file) => join(dir, String(file))))
        .filter((file) => /\.tsx?$/.test(file))
        .flatMap((file) => readFileSync(file, "utf8").match(/[\u0080-\ud7ff\ue000-\uffff]/g) ?? []),
      ...blocks.flatMap(([from, to]) =>
        Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)),
      ),
    ]);
    return found;
  };
})();

// Ink's output reads every line of every frame into styled cells and writes them back with
// @alcalzone/ansi-tokenize; src/text/ansiCells.ts puts a fast path in front of its tokenize,
// styledCharsFromTokens and styledCharsToString, giving exactly what they give
// (test/text/ansiCells.test.ts).
const fastAnsiCells = wrappedPackage(
  "fast-ansi-cells",
  /^@alcalzone\/ansi-tokenize$/,
  (real, path) =>
    `import * as real from ${real};\n` +
    // What its tokenize ends each SGR code with; the package does not export it.
    `import { getEndCode } from ${JSON.stringify(join(dirname(path), "ansiCodes.js"))};\n` +
    `import { fastStyledCharsFromTokens, fastStyledCharsToString, fastTokenize } from ${JSON.stringify(resolve("src/text/ansiCells.ts"))};\n` +
    // Resolved from the package's folder: the width check its tokenize makes.
    `import isFullwidthCodePoint from "is-fullwidth-code-point";\n` +
    `export * from ${real};\n` +
    "export const tokenize = fastTokenize(real.tokenize, isFullwidthCodePoint, getEndCode);\n" +
    "export const styledCharsFromTokens = fastStyledCharsFromTokens(real.reduceAnsiCodesIncremental);\n" +
    "export const styledCharsToString = fastStyledCharsToString(real.diffAnsiCodes, real.ansiCodesToString);\n",
);

// Dependencies' text changed in the bundle, file by file. Each change must find the text it
// replaces (once, unless it says "every"), or the build fails: a new version of the package must
// be looked at again.
// The first Intl.Segmenter a process makes loads ICU's break data: 14-21 ms of a start on the
// machines here. Four packages make theirs when their module loads, though the first frame
// segments nothing (fastWidth and fastTokenize read its glyphs from tables); each is made when
// first used instead. They use it only through `segment`.
const segmenterOnFirstUse = (declaration, name, options) => [
  declaration,
  `let ${name}Made;\nconst ${name} = { segment: (text) => (${name}Made ??= new Intl.Segmenter(${options})).segment(text) };`,
];

const PATCHES = [
  {
    // meow reads the package.json nearest the executable and normalizes it with
    // normalize-package-data (semver, SPDX licence lists, git-host parsers, a code frame for JSON
    // errors): some 30 ms of a start to load and run, and 250 KB compiled before the first frame.
    // mimik hands meow its package facts (src/cli/flags.ts), so the bundle's meow takes handed
    // facts as they are and refuses to run without them; esbuild then leaves the reading and
    // normalizing out, once the two parts that ran as the module loaded wait to be asked for.
    file: /\/meow\/build\/options\.js$/,
    edits: [
      [
        "\tconst foundPackage = options.pkg ?? readPackageUpSync({\n\t\tcwd: path.dirname(fileURLToPath(options.importMeta.url)),\n\t\tnormalize: false,\n\t})?.packageJson;\n\n\tconst pkg = foundPackage ?? {};\n\tnormalizePackageData(pkg);",
        '\tif (options.pkg === undefined) throw new TypeError("mimik\'s bundled meow needs the package facts handed to it (pkg)");\n\tconst pkg = options.pkg;',
      ],
    ],
  },
  {
    file: /\/meow\/build\/dependencies\.js$/,
    edits: [
      [
        "var normalizeExports$1 = requireNormalize$1();\nconst normalizePackageData$1 = getDefaultExportFromCjs(normalizeExports$1);",
        "const normalizePackageData$1 = (...args) => getDefaultExportFromCjs(requireNormalize$1())(...args);",
      ],
      [
        "var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);",
        "const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);",
      ],
      ["var libExports = requireLib$2();\n", ""],
      ["return libExports.codeFrameColumns(", "return requireLib$2().codeFrameColumns("],
    ],
  },
  {
    file: /\/string-width\/index\.js$/,
    edits: [segmenterOnFirstUse("const segmenter = new Intl.Segmenter();", "segmenter", "")],
  },
  {
    file: /\/slice-ansi\/tokenize-ansi\.js$/,
    edits: [
      segmenterOnFirstUse(
        "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
        "GRAPHEME_SEGMENTER",
        "undefined, { granularity: 'grapheme' }",
      ),
    ],
  },
  {
    file: /\/@alcalzone\/ansi-tokenize\/build\/tokenize\.js$/,
    edits: [
      segmenterOnFirstUse(
        'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
        "segmenter",
        'undefined, { granularity: "grapheme" }',
      ),
    ],
  },
  {
    // Yoga (Ink's layout engine) ships its WebAssembly as a base64 data: URL and, wherever a
    // global fetch exists, fetches it. In Node that loads and compiles undici and decodes the URL
    // with its percent-decoder, some 30 ms before the first frame. Here it decodes the base64
    // with Buffer and compiles the bytes.
    file: /yoga-layout\/dist\/binaries\/yoga-wasm-base64-esm\.js$/,
    edits: [
      ['"function"!=typeof fetch', "true", "every"],
      [
        "var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c",
        'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))',
      ],
    ],
  },
  {
    // Ink cuts every line of a box that hides its overflow with slice-ansi, even a line that fits
    // whole: over a third of the CPU of a console frame. A line that fits is kept as the
    // components wrote it. (slice-ansi also loses a style that shares its closing code with
    // another, dim under bold, so the line kept whole is the faithful one.)
    file: /\/ink\/build\/output\.js$/,
    edits: [
      // Not a change: the line below uses this `width`, so it must still be there.
      ["const width = this.caches.getStringWidth(line);", "const width = this.caches.getStringWidth(line);"],
      [
        "return sliceAnsi(line, from, to);",
        "return from === 0 && to === width ? line : sliceAnsi(line, from, to);",
      ],
      // Every frame starts from a grid of blank cells, each a new object with a new list of
      // styles: 4 800 of each at 120×40. Cells are replaced, never changed, so one will do.
      [
        "export default class Output {",
        "const blankCell = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });\nexport default class Output {",
      ],
      [
        "row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });",
        "row.push(blankCell);",
      ],
    ],
  },
  {
    // Ink 6.8's incremental renderer rewrites only the lines that changed: a fifth of the bytes a
    // frame sends, which is what a console over SSH waits for. Two fixes make it draw what the
    // standard renderer draws:
    // - it rewinds one row too few when a frame ends in a newline, as the console's frames do,
    //   so each frame lands a row lower than the last (Ink 7 rewinds by the lines written, and
    //   needs Node 22: this is the same rewind);
    // - it clears the rest of a line after writing it, and a line as wide as the terminal leaves
    //   the cursor on its last cell, which xterm and its kin then erase: the line is cleared first.
    file: /\/ink\/build\/log-update\.js$/,
    edits: [
      [
        "buffer.push(ansiEscapes.cursorUp(previousVisible - 1));",
        "buffer.push(ansiEscapes.cursorUp(previousLines.length - 1));",
      ],
      [
        "buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +\n                ansiEscapes.eraseEndLine +",
        "buffer.push(ansiEscapes.cursorTo(0) +\n                ansiEscapes.eraseEndLine +\n                nextLines[i] +",
      ],
    ],
  },
  {
    // Ink remembers the size of every text it has laid out, for ever: a console that runs for
    // days shows a new clock every second and new figures on every tick, and would keep them all.
    // It starts again past 4 096 texts (a screen has a few hundred).
    file: /\/ink\/build\/measure-text\.js$/,
    edits: [
      [
        "    cache.set(text, dimensions);",
        "    if (cache.size >= 4096) cache.clear();\n    cache.set(text, dimensions);",
      ],
    ],
  },
];
const patched = {
  name: "patched",
  setup(b) {
    for (const { file, edits } of PATCHES)
      b.onLoad({ filter: file }, (args) => {
        let contents = readFileSync(args.path, "utf8");
        for (const [from, to, every] of edits) {
          const found = contents.split(from).length - 1;
          if (found === 0 || (found > 1 && every !== "every"))
            throw new Error(`${args.path}: "${from.slice(0, 60)}…" found ${found} times, not once`);
          contents = contents.replaceAll(from, to);
        }
        return { contents, loader: "js" };
      });
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Node 20's V8 has RegExp's `v` flag, which esbuild's table does not credit it with: lowered,
  // string-width's `/^\p{RGI_Emoji}$/v` became a `new RegExp` that costs 24 ms to build when its
  // module loads, where the literal costs 4 (on the slower of the machines here).
  supported: { "regexp-set-notation": true },
  outdir,
  sourcemap: "linked",
  legalComments: "none",
  jsx: "automatic",
  // React's production build: the development one is larger and checks every render.
  define: { "process.env.NODE_ENV": '"production"' },
  // jsonc-parser's "main" is a UMD build whose require() of its own parts esbuild cannot follow;
  // its ES module build bundles as any other.
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
  plugins: [
    devtoolsAbsent,
    zodInEnglish,
    fastStringWidth,
    fastAnsiCells,
    patched,
    ownModulesArePure,
    engineBarrel,
  ],
  // Some dependencies are CommonJS and call require() for Node's built-ins; ESM has no require.
  banner: {
    js: "import { createRequire as __mimikCreateRequire } from 'node:module'; const require = __mimikCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
};

// tsc's mimik.js is replaced, and chunks of an earlier bundle must not linger beside the new ones.
rmSync(outdir, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { mimik: "bin/mimik.ts" },
    // Commands and the console are import()ed when used: each becomes a chunk loaded on demand.
    splitting: true,
    chunkNames: "[name]-[hash]",
  }),
  build({
    ...common,
    entryPoints: { worker: "src/process/engineThread/worker.ts", simWorker: "src/process/simWorker.ts" },
  }),
]);
